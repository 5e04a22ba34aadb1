import * as assert from "node:assert/strict";
import * as path from "node:path";
import { allRules } from "../../policies/lib/registry";
import { planStack, type PlannedResource } from "../../tools/plan/planner";
import { fixtureKinds } from "../fixtures/policy-breadth/kinds";
import { sharedPlan } from "../helpers";
import { BREADTH_CASES, type BreadthCase } from "./breadthCases";
import { evaluateRules, frozen } from "./evaluate";

const FIXTURES = path.join(__dirname, "..", "fixtures", "policy-breadth");
const FAMILIES = ["aws", "azure", "cloudflare", "kubernetes"] as const;
type Variant = "secure" | "insecure";

/** Each kind's variant planned once per run, frozen: the cases only read it. */
const plans = new Map<string, Promise<readonly PlannedResource[]>>();
function kindPlan(kind: BreadthCase["kind"], variant: Variant): Promise<readonly PlannedResource[]> {
    const key = `${kind}/${variant}`;
    if (!plans.has(key)) {
        const [family, name] = kind.split("/");
        const program = path.join(FIXTURES, family);
        plans.set(
            key,
            planStack({
                program,
                configFile: path.join(program, `Pulumi.${variant}.yaml`),
                configOverrides: { [variant]: { [`breadth-${family}:kind`]: name } },
            }).then((plan) => frozen([...plan.resources])),
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
 * The rules that guard what a team adds next, on fixture programs written for them: each kind
 * (a table, a DaemonSet, a zone's settings) is planned on its own; each rule passes the hardened
 * variant of its kind and finds exactly the planted mistakes in the insecure one.
 */
describe("policy breadth: kinds our stacks do not deploy", function () {
    it("no false positives: every rule passes staging and the sites it references, without exemptions (prod: rules.test.ts)", async () => {
        const staging = await sharedPlan("staging");
        for (const plan of [staging, ...staging.referencedStacks]) {
            assert.deepEqual(evaluateRules(plan.resources), [], plan.stack);
        }
    });

    it("every kind a fixture program offers has a case, and every case names a kind that exists", () => {
        const offered = FAMILIES.flatMap((family) => fixtureKinds(path.join(FIXTURES, family)).map((kind) => `${family}/${kind}`));
        const cased = new Set(BREADTH_CASES.map((testCase) => testCase.kind));
        assert.deepEqual(
            offered.filter((kind) => !cased.has(kind as BreadthCase["kind"])),
            [],
        );
        assert.deepEqual(
            [...cased].filter((kind) => !offered.includes(kind)),
            [],
        );
    });

    it("plans exactly the kind its config names, and refuses an unknown kind naming the allowed ones", async () => {
        const rds = await kindPlan("aws/rds", "secure");
        assert.deepEqual([...new Set(rds.filter((resource) => resource.custom).map((resource) => resource.type))].sort(), [
            "aws:rds/cluster:Cluster",
            "aws:rds/clusterInstance:ClusterInstance",
            "aws:rds/instance:Instance",
            "pulumi:providers:aws",
        ]);
        const program = path.join(FIXTURES, "aws");
        await assert.rejects(
            planStack({
                program,
                configFile: path.join(program, "Pulumi.secure.yaml"),
                configOverrides: { secure: { "breadth-aws:kind": "mainframe" } },
            }),
            /breadth-aws:kind is "mainframe"; allowed: apigateway, cloudtrail, dynamodb, ebs, /,
        );
    });

    for (const { rule, kind, findings } of BREADTH_CASES) {
        it(`${rule}: passes the hardened ${kind} fixture, finds exactly the planted mistakes in the insecure one`, async () => {
            assert.deepEqual(findingsOf(await kindPlan(kind, "secure"), rule), []);
            const found = findingsOf(await kindPlan(kind, "insecure"), rule);
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
