import * as assert from "node:assert/strict";
import * as path from "node:path";
import { allRules } from "../../policies/lib/registry";
import { planStack, type PlannedResource } from "../../tools/plan/planner";
import { sharedPlan } from "../helpers";
import { BREADTH_CASES, type BreadthCase } from "./breadthCases";
import { evaluateRules, frozen } from "./evaluate";

const FIXTURES = path.join(__dirname, "..", "fixtures", "policy-breadth");

/** Each fixture variant planned once per file, frozen: the cases only read it. */
const plans = new Map<string, Promise<readonly PlannedResource[]>>();
function fixturePlan(kind: BreadthCase["kind"], variant: "secure" | "insecure"): Promise<readonly PlannedResource[]> {
    const key = `${kind}/${variant}`;
    if (!plans.has(key)) {
        const program = path.join(FIXTURES, kind);
        plans.set(
            key,
            planStack({ program, configFile: path.join(program, `Pulumi.${variant}.yaml`) }).then((plan) => frozen([...plan.resources])),
        );
    }
    return plans.get(key)!;
}

function findingsOf(resources: readonly PlannedResource[], rule: string): string[] {
    const rules = allRules().filter((entry) => entry.rule.name === rule);
    assert.equal(rules.length, 1, `rule ${rule} is registered`);
    return evaluateRules(resources, {}, rules).map((finding) => `${finding.urn?.split("::").pop()}: ${finding.message}`);
}

/**
 * The rules that guard what a team adds next, on fixture programs written for them: every
 * pod-bearing kind, RBAC, Ingress, Services and Secrets; each rule passes the hardened variant
 * and finds exactly the planted mistakes in the insecure one.
 */
describe("policy breadth: kinds our stacks do not deploy", function () {
    it("no false positives: every rule passes staging and the sites it references, without exemptions (prod: rules.test.ts)", async () => {
        const staging = await sharedPlan("staging");
        for (const plan of [staging, ...staging.referencedStacks]) {
            assert.deepEqual(evaluateRules(plan.resources), [], plan.stack);
        }
    });

    for (const { rule, kind, findings } of BREADTH_CASES) {
        it(`${rule}: passes the hardened ${kind} fixture, finds exactly the planted mistakes in the insecure one`, async () => {
            assert.deepEqual(findingsOf(await fixturePlan(kind, "secure"), rule), []);
            const found = findingsOf(await fixturePlan(kind, "insecure"), rule);
            assert.equal(found.length, findings.length, `${rule} found: ${found.join("; ")}`);
            for (const expected of findings) {
                assert.ok(
                    found.some((message) => expected.test(message)),
                    `${rule}: nothing matches ${expected} in ${found.join("; ")}`,
                );
            }
        });
    }
});
