import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planStack, type PlannedResource } from "../../tools/plan/planner";
import { readPolicyConfigFile } from "../../tools/policy/config";
import { PolicyRunner } from "../../tools/policy/runner";
import { REPOSITORY_ROOT, sharedPlan } from "../helpers";
import { Terminal } from "../../tools/cli";
import { checkPlannedStack, PackStarter } from "../../tools/policy/check";
import { COMPILE_CACHE_DIRECTORY } from "../../tools/compileCache";
import { AnalyzerSession } from "../../tools/policy/analyzer";
import { PackProcess } from "../../tools/policy/packProcess";
import { FIXTURE_PACKS, handMadeBucket, sharedPolicyRunner } from "./helpers";
import { renderConsole } from "../../tools/policy/reports/console";
import { specialOutputValueSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

function isRunning(pid: number | undefined): boolean {
    try {
        process.kill(pid!, 0);
        return true;
    } catch {
        return false;
    }
}

/** The processes whose working directory is `directory` (Linux: /proc/<pid>/cwd). */
function processesIn(directory: string): number[] {
    return fs.readdirSync("/proc").flatMap((entry) => {
        if (!/^\d+$/.test(entry)) {
            return [];
        }
        try {
            return fs.readlinkSync(`/proc/${entry}/cwd`) === directory ? [Number(entry)] : [];
        } catch {
            return [];
        }
    });
}

/** A terminal that prints nothing: the tests read results, not progress. */
function quietTerminal(): Terminal {
    return new Terminal({ stdout: { write: () => true }, stderr: { write: () => true }, env: {} });
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
            PolicyRunner.start([path.join(FIXTURE_PACKS, "no-port")], { startTimeoutSec: 2 }),
            /policy pack .*no-port printed no port within 2 s/,
        );
    });

    for (const [how, end] of [
        ["exits", "process.exit(0)"],
        ["is terminated (SIGTERM)", 'process.kill(process.pid, "SIGTERM")'],
    ] as const) {
        it(`a pack still starting is killed when the process that started it ${how}`, async () => {
            const directory = path.join(FIXTURE_PACKS, "no-port");
            const packProcessModule = path.join(REPOSITORY_ROOT, "tools", "policy", "packProcess.ts");
            const runnerScript = [
                `const { PackProcess } = require(${JSON.stringify(packProcessModule)});`,
                `PackProcess.start(${JSON.stringify(directory)}, { startTimeoutSec: 60 }).catch(() => undefined);`,
                // The pack is spawned by now (start spawns before it first waits); exit while it starts.
                `setTimeout(() => ${end}, 1500);`,
            ].join("\n");
            const before = new Set(processesIn(directory));
            const runner = spawn(process.execPath, ["--require", "tsx/cjs", "-e", runnerScript], { cwd: REPOSITORY_ROOT, stdio: "ignore" });
            const exited = new Promise((resolve) => runner.once("exit", resolve));
            // The pack is the process working in the pack's directory; find it while the runner waits for its port.
            let pack: number | undefined;
            while (pack === undefined && runner.exitCode === null && runner.signalCode === null) {
                pack = processesIn(directory).find((pid) => !before.has(pid));
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            await exited;
            assert.ok(pack !== undefined, "the pack process was never seen");
            await eventuallyGone(pack);
            // It ends as it was told to: a signal still ends it by that signal.
            assert.equal(runner.signalCode, end.startsWith("process.kill") ? "SIGTERM" : null);
        });
    }

    it("a pack that crashes mid-run fails the check instead of passing what it did not check", async () => {
        const runner = await PolicyRunner.start([path.join(FIXTURE_PACKS, "crashing")]);
        const pid = runner.sessions[0].process.pid;
        try {
            await assert.rejects(
                runner.check("fixture", [handMadeBucket("fine"), handMadeBucket("crash-here"), handMadeBucket("after")], undefined),
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
                runner.check("fixture", [handMadeBucket("hang-here")], undefined),
                /policy pack .*hanging did not answer analyze of .*::hang-here within 2 s; it hangs/,
            );
        } finally {
            runner.close();
        }
        await eventuallyGone(pid);
    });

    it("one failing pack stops the others that did start", async () => {
        const foreign = path.join(FIXTURE_PACKS, "foreign");
        const before = new Set(processesIn(foreign));
        let started: number | undefined;
        const watching = setInterval(() => (started ??= processesIn(foreign).find((pid) => !before.has(pid))), 50);
        try {
            await assert.rejects(
                PolicyRunner.start([foreign, path.join(FIXTURE_PACKS, "no-port")], { startTimeoutSec: 5 }),
                /no-port printed no port within 5 s/,
            );
        } finally {
            clearInterval(watching);
        }
        assert.ok(started !== undefined, "the foreign pack started");
        await eventuallyGone(started);
    });
});

describe("pack start-up", () => {
    it("configures and reports each stack by what its own pack process serves", async () => {
        const program = path.join(REPOSITORY_ROOT, "tests", "fixtures", "conformance", "stack-references");
        // The pack serves the site stack one policy more; the edge's process starts first.
        const packStarter = new PackStarter(quietTerminal(), [path.join(FIXTURE_PACKS, "per-stack")]);
        const configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "beacon-per-stack-")), "config.json");
        fs.writeFileSync(configFile, JSON.stringify({ "checked-on-the-site": "mandatory" }));
        try {
            const plan = await planStack({ program, configFile: path.join(program, "Pulumi.edge.yaml"), onStack: packStarter.onStack });
            const runner = await packStarter.runner();
            assert.deepEqual(
                runner.packs[0].policies.map((policy) => policy.name),
                ["checked-everywhere"],
            );
            const { check, exitCode } = await checkPlannedStack(runner, plan, configFile, {}, program, quietTerminal());
            const siteOnly = check.violations.filter((violation) => violation.policy === "checked-on-the-site");
            assert.ok(siteOnly.length > 0);
            assert.ok(siteOnly.every((violation) => violation.enforcementLevel === "mandatory" && violation.urn.includes(":site::")));
            assert.equal(exitCode, 1);
            assert.deepEqual(
                check.packs[0].policies.map((policy) => policy.name),
                ["checked-everywhere", "checked-on-the-site"],
            );
        } finally {
            await packStarter.close();
            fs.rmSync(path.dirname(configFile), { recursive: true, force: true });
        }
    });

    it("starts each pack once per planned stack, as the planner starts the stack, and no process more", async () => {
        const program = path.join(REPOSITORY_ROOT, "tests", "fixtures", "conformance", "stack-references");
        const pack = path.join(FIXTURE_PACKS, "foreign");
        const started: string[] = [];
        const start = PackProcess.start;
        PackProcess.start = (directory, options) => {
            if (path.resolve(directory) === pack) {
                started.push(options?.env?.PULUMI_NODEJS_STACK ?? "(no stack)");
            }
            return start.call(PackProcess, directory, options);
        };
        // Each process's calls, in order, by its pid.
        const calls = new Map<number, string[]>();
        const call = PackProcess.prototype.call;
        PackProcess.prototype.call = function (this: PackProcess, what, ...rest) {
            if (this.directory === pack) {
                calls.set(this.pid!, [...(calls.get(this.pid!) ?? []), what.split(" ")[0]]);
            }
            return call.call(this, what, ...rest) as never;
        };
        const packStarter = new PackStarter(quietTerminal(), [pack]);
        try {
            const startedAsPlanned: string[][] = [];
            const plan = await planStack({
                program,
                configFile: path.join(program, "Pulumi.edge.yaml"),
                onStack: (stackStart) => {
                    packStarter.onStack(stackStart);
                    startedAsPlanned.push([...started]);
                },
            });
            // The edge's packs start with its first run, the site's with its own, each while its
            // program runs (seen as the next stack starts); the edge's rerun reuses them.
            assert.deepEqual(startedAsPlanned.slice(1), [["edge"], ["edge", "site"]]);
            const runner = await packStarter.runner();
            await checkPlannedStack(runner, plan, undefined, {}, program, quietTerminal());
            assert.deepEqual(started, ["edge", "site"]);
            // Each is told its stack first and once, as the engine tells it (`NewPolicyAnalyzer`).
            assert.equal(calls.size, 2);
            for (const made of calls.values()) {
                assert.equal(made[0], "configureStack", made.join(", "));
                assert.equal(made.filter((what) => what === "configureStack").length, 1, made.join(", "));
            }
        } finally {
            PackProcess.prototype.call = call;
            PackProcess.start = start;
            await packStarter.close();
        }
    });

    it("given packs started bare, starts every checked stack's pack processes before it analyses the first stack", async () => {
        const runner = await sharedPolicyRunner();
        const plan = await sharedPlan("prod");
        const asked: string[] = [];
        let askedBeforeFirstCheck: string[] | undefined;
        const processFor = AnalyzerSession.prototype.processFor;
        const check = runner.check;
        // Nothing starts: the test sees only which processes are asked for, and when.
        AnalyzerSession.prototype.processFor = function (this: AnalyzerSession, stack) {
            asked.push(`${this.name} ${stack?.stack}`);
            return new Promise(() => undefined);
        };
        runner.check = () => {
            askedBeforeFirstCheck ??= [...asked];
            return Promise.reject(new Error("stopped before the analysis"));
        };
        try {
            await assert.rejects(
                checkPlannedStack(runner, plan, undefined, {}, REPOSITORY_ROOT, quietTerminal()),
                /stopped before the analysis/,
            );
        } finally {
            AnalyzerSession.prototype.processFor = processFor;
            runner.check = check;
        }
        assert.deepEqual(
            [...askedBeforeFirstCheck!].sort(),
            runner.sessions.flatMap((session) => ["prod-aws", "prod-azure", "prod"].map((stack) => `${session.name} ${stack}`)).sort(),
        );
    });

    it("packs keep their compiled code in Node's compile cache, or in the cache the user set", async () => {
        const runner = await sharedPolicyRunner();
        for (const session of runner.sessions) {
            const environment = fs.readFileSync(`/proc/${session.process.pid}/environ`, "utf8").split("\0");
            assert.ok(
                environment.includes(`NODE_COMPILE_CACHE=${process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE_DIRECTORY}`),
                session.name,
            );
        }
        assert.ok(fs.readdirSync(COMPILE_CACHE_DIRECTORY).length > 0 || process.env.NODE_COMPILE_CACHE !== undefined);
    });
});

describe("resource options reach the packs as the engine sends them", () => {
    it("protect, ignoreChanges, deleteBeforeReplace (only when set) and additionalSecretOutputs come from the plan", async () => {
        const runner = await PolicyRunner.start([path.join(FIXTURE_PACKS, "options")]);
        try {
            const bucket = {
                ...handMadeBucket("uploads"),
                protect: true,
                ignoreChanges: ["tags"],
                deleteBeforeReplace: true,
                additionalSecretOutputs: ["arn"],
            };
            const unset = handMadeBucket("assets");
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

describe("a pack that takes no config, as a pack from another SDK may", () => {
    let runner: PolicyRunner;
    before(async () => {
        runner = await PolicyRunner.start([path.join(FIXTURE_PACKS, "no-config")]);
    });
    after(() => runner.close());

    it("is never configured, as the engine leaves it, and still analyzes every resource", async () => {
        // The pack answers Configure with UNIMPLEMENTED: configuring it would fail the check. The
        // repository's file for the stack, taken by default, goes to the packs that take config only.
        const stackDefault = { ...readPolicyConfigFile("policies/config/dev.json"), stackDefault: true };
        for (const config of [undefined, stackDefault]) {
            const check = await runner.check("fixture", [handMadeBucket("uploads")], config);
            assert.equal(check.packs[0].supportsConfig, false);
            assert.deepEqual(
                check.violations.map((violation) => [violation.policy, violation.message]),
                [["seen-without-config", "uploads seen"]],
            );
        }
    });

    it("refuses a policy config file given for it, as the Pulumi CLI does, naming the file and the pack", async () => {
        await assert.rejects(
            runner.check("fixture", [handMadeBucket("uploads")], readPolicyConfigFile("policies/config/dev.json")),
            (error: Error & { exitCode?: number }) => {
                assert.equal(error.exitCode, 2);
                assert.match(error.message, /policies\/config\/dev\.json: policy pack no-config \(.*no-config\) does not support config/);
                return true;
            },
        );
    });
});

describe("remediation policies run before analysis, as the engine runs them", () => {
    it("every pack analyzes the remediated inputs, and a remediation that cannot run is an advisory finding", async () => {
        const runner = await PolicyRunner.start([path.join(FIXTURE_PACKS, "remediating")]);
        try {
            const known = { ...handMadeBucket("uploads"), analyzerInputs: { tags: { team: "web" } } };
            // An output not known during the preview, as the plan records it.
            const unknown = { ...handMadeBucket("assets"), analyzerInputs: { tags: { [specialSigKey]: specialOutputValueSig } } };
            const check = await runner.check("fixture", [known, unknown], undefined);
            assert.deepEqual(
                check.remediations.map((remediation) => [remediation.policy, remediation.urn]),
                [["bucket-owner-tag", known.urn]],
            );
            assert.deepEqual(
                check.violations
                    .filter((violation) => violation.policy === "tags-seen" && violation.urn === known.urn)
                    .map((violation) => violation.message),
                // A Struct's keys come in order, as protobuf encodes a map.
                ['tags {"owner":"platform","team":"web"}'],
            );
            const couldNot = check.violations.filter((violation) => violation.policy === "bucket-owner-tag");
            assert.deepEqual(
                couldNot.map((violation) => [violation.urn, violation.enforcementLevel]),
                [[unknown.urn, "advisory"]],
            );
            assert.match(couldNot[0].message, /can't run remediation 'bucket-owner-tag'/);
            assert.match(renderConsole(check), /REMEDIATED \(1\)\n {2}remediating\/bucket-owner-tag: /);
        } finally {
            runner.close();
        }
    });

    it("remediates a provider before the resources it manages, which see it remediated, and reports in registration order", async () => {
        const provider: PlannedResource = {
            ...handMadeBucket("unused"),
            urn: "urn:pulumi:fixture::crypto-beacon::pulumi:providers:aws::site",
            type: "pulumi:providers:aws",
            name: "site",
            custom: true,
        };
        // The first bucket's remediation is slow (the fixture waits on "slow-" names), so it finishes last.
        const buckets = ["slow-logs", "assets", "uploads"].map((name) => ({ ...handMadeBucket(name), provider: provider.urn }));
        const runner = await PolicyRunner.start([path.join(FIXTURE_PACKS, "remediating")]);
        try {
            const check = await runner.check("fixture", [provider, ...buckets], undefined);
            assert.deepEqual(
                check.remediations.map((remediation) => [remediation.policy, remediation.urn]),
                [["provider-region", provider.urn], ...buckets.map((bucket) => ["bucket-owner-tag", bucket.urn])],
            );
            // Each bucket's remediation saw its provider's region; the analysis sees what came of it.
            assert.deepEqual(
                check.violations.filter((violation) => violation.policy === "tags-seen").map((violation) => violation.message),
                buckets.map(() => 'tags {"owner":"platform","region":"eu-west-1"}'),
            );
        } finally {
            runner.close();
        }
    });

    it("asks only the packs that have a policy at level remediate, since the others change nothing", async () => {
        const packs = [path.join(FIXTURE_PACKS, "remediating"), path.join(FIXTURE_PACKS, "foreign")];
        const asked = new Map<string, number>();
        const call = PackProcess.prototype.call;
        PackProcess.prototype.call = function (this: PackProcess, what, ...rest) {
            if (what.startsWith("remediate ")) {
                asked.set(path.basename(this.directory), (asked.get(path.basename(this.directory)) ?? 0) + 1);
            }
            return call.call(this, what, ...rest);
        } as typeof call;
        const runner = await PolicyRunner.start(packs);
        try {
            await runner.check("fixture", [handMadeBucket("uploads"), handMadeBucket("assets")], undefined);
            assert.deepEqual([...asked], [["remediating", 2]]);
        } finally {
            PackProcess.prototype.call = call;
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
