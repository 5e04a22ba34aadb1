import * as assert from "node:assert/strict";
import * as path from "node:path";
import { planStack, type PlannedResource } from "../../tools/plan/planner";
import { PolicyRunner } from "../../tools/policy/runner";
import { FIXTURE_PACKS } from "./helpers";

function resource(name: string): PlannedResource {
    const urn = `urn:pulumi:fixture::crypto-beacon::aws:s3/bucket:Bucket::${name}`;
    return {
        urn,
        type: "aws:s3/bucket:Bucket",
        name,
        parent: null,
        provider: null,
        custom: true,
        inputs: {},
        analyzerInputs: {},
        protect: false,
        retainOnDelete: false,
        dependencies: [],
        propertyDependencies: {},
    };
}

function isRunning(pid: number | undefined): boolean {
    try {
        process.kill(pid!, 0);
        return true;
    } catch {
        return false;
    }
}

/** Waits for an exit that SIGKILL makes certain but not synchronous. */
async function eventuallyGone(pid: number | undefined): Promise<void> {
    for (let attempt = 0; attempt < 50 && isRunning(pid); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(isRunning(pid), false, `pack process ${pid} was left behind`);
}

describe("packs that misbehave get a clear error naming them, and leave no process behind", () => {
    it("a pack directory that does not exist", async () => {
        await assert.rejects(PolicyRunner.start(["tests/fixtures/policy-packs/nowhere"]), (error: Error & { exitCode?: number }) => {
            assert.equal(error.exitCode, 2);
            assert.match(error.message, /--policy-pack tests\/fixtures\/policy-packs\/nowhere: no such directory/);
            return true;
        });
    });

    it("a directory that is not a pack", async () => {
        await assert.rejects(PolicyRunner.start(["tests/fixtures/stacks"]), /not a policy pack \(no PulumiPolicy\.yaml\)/);
    });

    it("a pack that fails to start (does not type-check)", async () => {
        await assert.rejects(PolicyRunner.start([path.join(FIXTURE_PACKS, "broken")]), (error: Error & { exitCode?: number }) => {
            assert.equal(error.exitCode, 1);
            assert.match(error.message, /policy pack .*broken exited \(code \d+\) before printing its port/);
            assert.match(error.message, /TS2322/, "with the pack's own error");
            return true;
        });
    });

    it("a pack that prints no port", async () => {
        await assert.rejects(
            PolicyRunner.start([path.join(FIXTURE_PACKS, "no-port")], { startTimeoutSec: 8 }),
            /policy pack .*no-port printed no port within 8 s/,
        );
    });

    it("a pack that crashes mid-run fails the check instead of passing what it did not check", async () => {
        const runner = await PolicyRunner.start([path.join(FIXTURE_PACKS, "crashing")]);
        const pid = runner.sessions[0].process.pid;
        try {
            await assert.rejects(
                runner.check("fixture", [resource("fine"), resource("crash-here"), resource("after")], undefined),
                (error: Error & { exitCode?: number }) => {
                    assert.equal(error.exitCode, 1);
                    assert.match(
                        error.message,
                        /policy pack .*crashing exited \(code 3\) while it had unanswered calls: .*analyze of urn:pulumi:fixture::crypto-beacon::aws:s3\/bucket:Bucket::crash-here/,
                    );
                    return true;
                },
            );
        } finally {
            runner.close();
        }
        await eventuallyGone(pid);
    });

    it("a pack that hangs times out and is killed", async () => {
        const runner = await PolicyRunner.start([path.join(FIXTURE_PACKS, "hanging")], { callTimeoutSec: 2 });
        const pid = runner.sessions[0].process.pid;
        assert.ok(isRunning(pid));
        try {
            await assert.rejects(
                runner.check("fixture", [resource("hang-here")], undefined),
                /policy pack .*hanging did not answer analyze of .*::hang-here within 2 s; it hangs/,
            );
        } finally {
            runner.close();
        }
        await eventuallyGone(pid);
    });

    it("one failing pack stops the others that did start", async () => {
        await assert.rejects(
            PolicyRunner.start([path.join(FIXTURE_PACKS, "foreign"), path.join(FIXTURE_PACKS, "broken")]),
            /broken exited/,
        );
    });
});

describe("resource options reach the packs as the engine sends them", () => {
    it("protect, ignoreChanges, deleteBeforeReplace (only when set) and additionalSecretOutputs come from the plan", async () => {
        const runner = await PolicyRunner.start([path.join(FIXTURE_PACKS, "options")]);
        try {
            const bucket = {
                ...resource("uploads"),
                protect: true,
                ignoreChanges: ["tags"],
                deleteBeforeReplace: true,
                additionalSecretOutputs: ["arn"],
            };
            const unset = resource("assets");
            const check = await runner.check("fixture", [bucket, unset], undefined);
            assert.deepEqual(
                [...check.violations]
                    .sort((a, b) => a.urn.localeCompare(b.urn))
                    .map((violation) => JSON.parse(violation.message.split("\n").pop()!)),
                [
                    // Unset, the engine sends deleteBeforeReplaceDefined false and the pack sees no value.
                    { protect: false, ignoreChanges: [], additionalSecretOutputs: [] },
                    { protect: true, ignoreChanges: ["tags"], deleteBeforeReplace: true, additionalSecretOutputs: ["arn"] },
                ],
            );
        } finally {
            runner.close();
        }
    });
});

describe("published third-party packs", function () {
    this.timeout(180_000);

    it("AWSGuard runs over a program that passes resources as inputs, without crashing, and gives its verdicts", async () => {
        const program = path.join(__dirname, "..", "fixtures", "conformance", "engine-resource-inputs");
        const plan = await planStack({ program, configFile: path.join(program, "Pulumi.dev.yaml") });
        const runner = await PolicyRunner.start([path.join(__dirname, "..", "fixtures", "conformance", "engine-awsguard-pack")]);
        try {
            assert.equal(runner.packs[0].name, "pulumi-awsguard");
            const check = await runner.check(plan.stack, plan.resources, undefined);
            assert.deepEqual(
                check.violations.map((violation) => `${violation.policy} ${violation.urn.split("::").pop()}`),
                ["s3-bucket-logging-enabled uploads"],
            );
        } finally {
            runner.close();
        }
    });
});
