import * as assert from "node:assert/strict";
import * as path from "node:path";
import { loadExemptions } from "../../policies/lib/exemptions";
import type { PlannedResource } from "../../tools/plan/planner";
import { sharedPlan } from "../helpers";
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
        assert.match(exempted[0].message, /^mapPublicIpOnLaunch is true; set it to false \(owner test-suite, until 2099-12-31: Fixture: an active exemption/);
        assert.equal(exempted[0].severity, "medium", "keeps the severity of the policy it excuses");
        assert.equal(notExempted.length, 1, "the pattern names public-0 only: public-1 stays a violation");
        assert.match(notExempted[0].urn, /::aws-site-public-1$/);
        assert.ok(blockingViolations(check).every((violation) => !violation.exempted));
    });

    it("fails the run on an expired exemption, and lets the violation it no longer excuses stand", async () => {
        const check = await runner.check("exempt-test", mutate(resources, "aws:kms/key:Key", "aws-site-logs", (inputs) => (inputs.enableKeyRotation = false)), undefined);
        const [expired] = violationsOf(check, "expired-exemptions");
        assert.equal(expired.enforcementLevel, "mandatory");
        assert.match(expired.message, /exemption for aws-kms-key-rotation on urn:pulumi:exempt-test::crypto-beacon::\* expired on 2020-01-01/);
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
        assert.equal(violationsOf(check, "expired-exemptions").length, 1, "only this stack's expired exemption; some-other-stack's is not ours");
    });

    it("starts afresh on each analysis: an exemption used once is not used forever", async () => {
        await runner.check("exempt-test", publicIpOnFirstTwoSubnets(), undefined);
        const stale = violationsOf(await runner.check("exempt-test", resources, undefined), "exempted-violations");
        assert.ok(stale.some((violation) => violation.message.includes("aws-subnet-no-auto-public-ip")));
    });

    it("rejects an exemptions file with bad entries, naming the file, the entry and the field", () => {
        const file = path.join(POLICY_FIXTURES, "invalid-exemptions.yaml");
        assert.throws(() => loadExemptions(file), (error: Error) => {
            assert.match(error.message, /invalid-exemptions\.yaml: invalid exemptions/);
            assert.match(error.message, /exemptions\.0\.policy: must be a kebab-case policy name/);
            assert.match(error.message, /exemptions\.0\.resource: must be a URN or a URN pattern/);
            assert.match(error.message, /exemptions\.0\.reason: must say why/);
            assert.match(error.message, /exemptions\.0\.expires: must be a date, YYYY-MM-DD/);
            return true;
        });
    });

    it("the repository's own exemptions file is valid", () => {
        assert.ok(Array.isArray(loadExemptions()));
    });
});
