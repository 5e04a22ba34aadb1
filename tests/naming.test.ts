import * as assert from "node:assert/strict";
import { alphanumericName, CONTAINER_REGISTRY_NAME, satisfies, STORAGE_ACCOUNT_NAME } from "../components/azure/names";
import type { StackPlan } from "../tools/plan/planner";
import { NAME_RULES } from "../tools/plan/naming";
import { resourceNamed, sharedPlan } from "./helpers";

/** The stacks that hold an Azure site (staging and prod are edges that reference the -azure ones). */
const AZURE_STACKS = ["dev", "test", "staging-azure", "prod-azure"];

describe("names of our Azure resources", function () {
    this.timeout(300_000);
    const plans = new Map<string, StackPlan>();
    before(async () => {
        for (const stack of AZURE_STACKS) {
            plans.set(stack, await sharedPlan(stack));
        }
    });

    const namesOf = (type: string, logicalName: string, property: string) =>
        AZURE_STACKS.map((stack) => String(resourceNamed(plans.get(stack)!, type, logicalName).inputs[property]));

    for (const [logicalName, label] of [
        ["azure-assets", "assets"],
        ["azure-flow-logs", "flow-log"],
    ] as const) {
        it(`gives the ${label} storage account an explicit name of 3-24 lowercase letters and digits, distinct per stack`, () => {
            const names = namesOf("azure-native:storage:StorageAccount", logicalName, "accountName");
            for (const name of names) {
                assert.ok(
                    satisfies(name, STORAGE_ACCOUNT_NAME) && NAME_RULES["azure-native:storage:StorageAccount"].pattern.test(name),
                    name,
                );
            }
            assert.equal(new Set(names).size, names.length, `names repeat across stacks: ${names.join(", ")}`);
        });
    }

    it("gives the registry an explicit alphanumeric name, distinct per stack", () => {
        const names = namesOf("azure-native:containerregistry:Registry", "azure-registry", "registryName");
        for (const name of names) {
            assert.ok(satisfies(name, CONTAINER_REGISTRY_NAME), name);
        }
        assert.equal(new Set(names).size, names.length);
    });

    it("cuts a long name and ends it with a hash of the whole, so long stack names stay distinct", () => {
        const staging = alphanumericName(["azure-flow-logs", "staging-azure"], STORAGE_ACCOUNT_NAME);
        const stagingEu = alphanumericName(["azure-flow-logs", "staging-azure-eu"], STORAGE_ACCOUNT_NAME);
        assert.equal(staging.length, 24);
        assert.match(staging, /^azureflowlogsstagi[0-9a-f]{6}$/);
        assert.notEqual(staging, stagingEu);
        assert.equal(alphanumericName(["azure-assets", "prod"], STORAGE_ACCOUNT_NAME), "azureassetsprod");
    });
});
