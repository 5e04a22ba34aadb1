import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { EXEMPTED_VIOLATIONS_POLICY, loadExemptions, stackUrn, withExemptions, type Exemption } from "../../policies/lib/exemptions";
import type { PlannedResource } from "../../tools/plan/planner";
import { REPOSITORY_ROOT, sharedPlan } from "../helpers";
import { blockingViolations, DEFAULT_PACKS, PolicyRunner } from "../../tools/policy/runner";
import { mutate, POLICY_FIXTURES, restack, violationsOf } from "./helpers";

describe("exemptions, applied by the packs themselves", () => {
    let runner: PolicyRunner;
    let resources: PlannedResource[];
    before(async () => {
        // Only the security pack: it owns the three policies the fixture exempts.
        [runner, resources] = await Promise.all([
            PolicyRunner.start([DEFAULT_PACKS[0]], { env: { BEACON_POLICY_EXEMPTIONS: path.join(POLICY_FIXTURES, "exemptions.yaml") } }),
            sharedPlan("prod-aws").then((plan) => restack(plan.resources, "exempt-test")),
        ]);
    });
    after(() => runner?.close());

    const publicIpOnFirstTwoSubnets = () =>
        mutate(
            mutate(resources, "aws:ec2/subnet:Subnet", "aws-site-public-0", (inputs) => (inputs.mapPublicIpOnLaunch = true)),
            "aws:ec2/subnet:Subnet",
            "aws-site-public-1",
            (inputs) => (inputs.mapPublicIpOnLaunch = true),
        );

    it("reports an exempted violation as exempted, never hides it, and does not fail on it", async () => {
        const check = await runner.check("exempt-test", publicIpOnFirstTwoSubnets(), undefined);
        const [exempted, notExempted] = [true, false].map((flag) =>
            violationsOf(check, "aws-subnet-no-auto-public-ip").filter((violation) => violation.exempted === flag),
        );
        assert.equal(exempted.length, 1);
        assert.match(exempted[0].urn, /::aws-site-public-0$/);
        assert.match(
            exempted[0].message,
            /^mapPublicIpOnLaunch is true; set it to false \(owner test-suite, until 2099-12-31: Fixture: an active exemption/,
        );
        assert.equal(exempted[0].severity, "medium", "keeps the severity of the policy it excuses");
        assert.equal(notExempted.length, 1, "the pattern names public-0 only: public-1 stays a violation");
        assert.match(notExempted[0].urn, /::aws-site-public-1$/);
        assert.ok(blockingViolations(check).every((violation) => !violation.exempted));
    });

    it("fails the run on an expired exemption, and lets the violation it no longer excuses stand", async () => {
        const check = await runner.check(
            "exempt-test",
            mutate(resources, "aws:kms/key:Key", "aws-site-logs", (inputs) => (inputs.enableKeyRotation = false)),
            undefined,
        );
        const [expired] = violationsOf(check, "expired-exemptions");
        assert.equal(expired.enforcementLevel, "mandatory");
        assert.match(
            expired.message,
            /exemption for aws-kms-key-rotation on urn:pulumi:exempt-test::crypto-beacon::\* expired on 2020-01-01/,
        );
        assert.equal(violationsOf(check, "aws-kms-key-rotation")[0].exempted, false);
        assert.ok(blockingViolations(check).some((violation) => violation.policy === "expired-exemptions"));
    });

    it("reports an exemption that excuses nothing as stale, and ignores exemptions of other stacks", async () => {
        const check = await runner.check("exempt-test", resources, undefined);
        const stale = violationsOf(check, "exempted-violations").map((violation) => violation.message);
        assert.deepEqual(stale.map((message) => message.replace(/ \(owner.*$/, "")).sort(), [
            "stale exemption: aws-default-security-group-closed on urn:pulumi:exempt-test::crypto-beacon::* excuses no violation; delete it",
            "stale exemption: aws-subnet-no-auto-public-ip on urn:pulumi:exempt-test::crypto-beacon::*::aws-site-public-0 excuses no violation; delete it",
        ]);
        assert.equal(
            violationsOf(check, "expired-exemptions").length,
            1,
            "only this stack's expired exemption; some-other-stack's is not ours",
        );
    });

    it("starts afresh on each analysis: an exemption used once is not used forever", async () => {
        await runner.check("exempt-test", publicIpOnFirstTwoSubnets(), undefined);
        const stale = violationsOf(await runner.check("exempt-test", resources, undefined), "exempted-violations");
        assert.ok(stale.some((violation) => violation.message.includes("aws-subnet-no-auto-public-ip")));
    });

    it("rejects an exemptions file with bad entries, naming the file, the entry and the field", () => {
        const file = path.join(POLICY_FIXTURES, "invalid-exemptions.yaml");
        assert.throws(
            () => loadExemptions(file),
            (error: Error) => {
                assert.match(error.message, /invalid-exemptions\.yaml: invalid exemptions/);
                assert.match(error.message, /exemptions\.0\.policy: must be a kebab-case policy name/);
                assert.match(error.message, /exemptions\.0\.resource: must be a URN or a URN pattern/);
                assert.match(error.message, /exemptions\.0\.reason: must say why/);
                assert.match(error.message, /exemptions\.0\.expires: must be a date, YYYY-MM-DD/);
                return true;
            },
        );
    });

    it("the repository's own exemptions file is valid", () => {
        assert.ok(Array.isArray(loadExemptions()));
    });

    it("the policy command refuses an invalid exemptions file with exit 2, naming the entry and the field once, before starting any pack", () => {
        const result = spawnSync(process.execPath, ["--require", "tsx/cjs", "tools/policy/cli.ts", "--list"], {
            cwd: REPOSITORY_ROOT,
            encoding: "utf8",
            env: { ...process.env, BEACON_POLICY_EXEMPTIONS: path.join(POLICY_FIXTURES, "invalid-exemptions.yaml") },
        });
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, /invalid-exemptions\.yaml: invalid exemptions/);
        assert.match(result.stderr, /exemptions\.0\.expires: must be a date, YYYY-MM-DD/);
        assert.equal(result.stderr.match(/invalid exemptions/g)?.length, 1);
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    });
});

/** Stack-level violations (no resource URN) are held against the stack's own URN, so an exemption for the stack excuses them. */
describe("exemptions of a violation of the stack as a whole", () => {
    const stack = "staging-aws";
    const resources = [{ urn: `urn:pulumi:${stack}::crypto-beacon::aws:ec2/vpc:Vpc::aws-site` }] as unknown as PolicyResource[];
    const zoneRule: StackValidationPolicy = {
        name: "aws-nat-gateway-per-zone",
        description: "fixture stack rule",
        enforcementLevel: "advisory",
        validateStack: (_, reportViolation) => reportViolation("1 NAT gateway(s) serve private subnets in 3 zones"),
    };
    const exemption = (resource: string): Exemption => ({
        policy: zoneRule.name,
        resource,
        reason: "Staging shares one NAT gateway to halve its cost.",
        owner: "platform-team",
        expires: "2099-12-31",
    });

    /** Runs the wrapped rule and then the exemptions' own report, as a pack does for one analysis. */
    function analyse(exemptions: Exemption[]) {
        const reported: { policy: string; message: string }[] = [];
        for (const policy of withExemptions([zoneRule], exemptions) as StackValidationPolicy[]) {
            void policy.validateStack({ resources, getConfig: () => ({}) } as never, (message) =>
                reported.push({ policy: policy.name, message: String(message) }),
            );
        }
        return reported;
    }

    it("the stack's URN is its root resource's", () => {
        assert.equal(stackUrn(resources), `urn:pulumi:${stack}::crypto-beacon::pulumi:pulumi:Stack::crypto-beacon-${stack}`);
    });

    it("an exemption for the whole stack excuses it, and reports it as exempted instead of stale", () => {
        const reported = analyse([exemption(`urn:pulumi:${stack}::crypto-beacon::*`)]);
        assert.deepEqual(
            reported.map((entry) => entry.policy),
            [EXEMPTED_VIOLATIONS_POLICY],
        );
        assert.match(reported[0].message, /aws-nat-gateway-per-zone is exempted: 1 NAT gateway/);
    });

    it("an exemption of another project's stack of the same name is neither stale nor expired here", () => {
        const reported = analyse([{ ...exemption(`urn:pulumi:${stack}::other-project::*`), expires: "2000-01-01" }]);
        assert.deepEqual(
            reported.map((entry) => entry.policy),
            [zoneRule.name],
        );
    });

    it("an exemption for one resource of the stack does not excuse it", () => {
        const reported = analyse([exemption(`urn:pulumi:${stack}::crypto-beacon::aws:ec2/vpc:Vpc::aws-site`)]);
        assert.deepEqual(
            reported.map((entry) => entry.policy),
            [zoneRule.name, EXEMPTED_VIOLATIONS_POLICY],
        );
        assert.match(reported[1].message, /stale exemption/);
    });
});
