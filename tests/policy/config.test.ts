import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { PackInfo } from "../../tools/policy/analyzer";
import { readPolicyConfigFile, reconcilePolicyConfig } from "../../tools/policy/config";
import { DEFAULT_PACKS, PolicyRunner } from "../../tools/policy/runner";
import { listStacks } from "../../tools/stacks";
import { FIXTURE_PACKS, POLICY_FIXTURES } from "./helpers";

describe("policy config reconciliation, as the engine does it", () => {
    let runner: PolicyRunner;
    let compliance: PackInfo;
    let foreign: PackInfo;
    before(async () => {
        runner = await PolicyRunner.start([DEFAULT_PACKS[1], path.join(FIXTURE_PACKS, "foreign")]);
        [compliance, foreign] = runner.packs;
    });
    after(() => runner?.close());

    it("starts from each policy's own level and its schema's defaults", () => {
        const config = reconcilePolicyConfig(compliance, undefined);
        assert.deepEqual(config["aws-log-group-retention"], { enforcementLevel: "mandatory", properties: { minimumDays: 365 } });
        assert.deepEqual(config["required-tags"].properties?.requiredTags, [
            "environment",
            "service",
            "owner",
            "data-classification",
            "cost-center",
        ]);
    });

    it("applies the pack's initial config over the defaults, then the file over both", () => {
        assert.equal(
            reconcilePolicyConfig(foreign, undefined)["acme-bucket-budget"].properties?.maxBuckets,
            0,
            "initial config beats the schema default (5)",
        );
        const file = { file: "inline", entries: { "acme-bucket-budget": { properties: { maxBuckets: 2 } } } };
        assert.equal(reconcilePolicyConfig(foreign, file)["acme-bucket-budget"].properties?.maxBuckets, 2);
    });

    it("lets 'all' set every level, and a policy's own entry override 'all'", () => {
        const file = {
            file: "inline",
            entries: { all: { enforcementLevel: "advisory" as const }, "aws-vpc-flow-logs": { enforcementLevel: "mandatory" as const } },
        };
        const config = reconcilePolicyConfig(compliance, file);
        assert.equal(config["aws-log-group-retention"].enforcementLevel, "advisory");
        assert.equal(config["aws-vpc-flow-logs"].enforcementLevel, "mandatory");
    });

    it("ignores entries that name another pack's policies, as the engine does, so one file serves every pack", () => {
        const file = readPolicyConfigFile("policies/config/prod-aws.json");
        assert.ok("aws-subnets-span-zones" in file.entries, "a resilience policy, in the compliance pack's file");
        assert.equal(reconcilePolicyConfig(compliance, file)["aws-subnets-span-zones"], undefined);
    });

    it("rejects a property that breaks the policy's schema, naming the pack, the policy and the key", () => {
        const file = { file: "policies/config/x.json", entries: { "aws-log-group-retention": { properties: { minimumDays: "a year" } } } };
        assert.throws(
            () => reconcilePolicyConfig(compliance, file),
            /policies\/config\/x\.json: invalid policy config\n {2}- pack crypto-beacon-compliance, policy aws-log-group-retention, key minimumDays: must be integer/,
        );
    });

    it("rejects an enforcement level that does not exist, naming the file and the policy", () => {
        assert.throws(
            () => readPolicyConfigFile(path.join(POLICY_FIXTURES, "bad-level.json")),
            /bad-level\.json: aws-log-group-retention: enforcementLevel "blocking" is not allowed; allowed: advisory, mandatory, remediate, disabled/,
        );
    });

    it("has a config file for every stack: advisory in dev and test, each policy's own level in staging and prod", () => {
        const stacksOf = (...environments: string[]) =>
            listStacks()
                .filter((entry) => environments.includes(entry.environment))
                .map((entry) => entry.stack);
        for (const stack of stacksOf("dev", "test")) {
            assert.equal(readPolicyConfigFile(`policies/config/${stack}.json`).entries.all?.enforcementLevel, "advisory", stack);
        }
        for (const stack of stacksOf("staging", "prod")) {
            const config = reconcilePolicyConfig(compliance, readPolicyConfigFile(`policies/config/${stack}.json`));
            assert.equal(config["aws-vpc-flow-logs"].enforcementLevel, "mandatory", stack);
        }
    });
});
