import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BENCH_COMMAND, main as benchMain } from "../bench/plan-and-typecheck";
import { BENCH_POLICY_COMMAND, main as benchPolicyMain } from "../bench/policy";
import {
    colourEnabled,
    helpText,
    shortTypeName,
    suggestion,
    type CommandIo,
    type CommandSpec,
    type FlagSpec,
    type Main,
} from "../tools/cli";
import { planTarget } from "../tools/cli/progress";
import { DRILL_COMMAND, main as drillMain } from "../tools/drill/cli";
import { diffPlans, renderDiff, type PlanJson } from "../tools/plan/diff";
import { PLAN_COMMAND, main as planMain } from "../tools/plan/cli";
import { planJson, renderPlan } from "../tools/plan/report";
import { POLICY_COMMAND, main as policyMain } from "../tools/policy/cli";
import { PREFLIGHT_COMMAND, main as preflightMain } from "../tools/preflight/cli";
import { SMOKE_COMMAND, main as smokeMain } from "../tools/smoke/cli";
import { STACKS_COMMAND, main as stacksMain } from "../tools/stacks";
import { COMPILE_CACHE_DIRECTORY } from "../tools/compileCache";
import { FIXTURES, REPOSITORY_ROOT, sharedPlan } from "./helpers";

interface Captured {
    readonly io: CommandIo;
    readonly stdout: () => string;
    readonly stderr: () => string;
}

/** Streams a command writes into, as a terminal (isTTY) or as a pipe, with the environment given. */
function capture(env: Record<string, string> = {}, isTTY = false): Captured {
    let stdout = "";
    let stderr = "";
    return {
        io: {
            stdout: { isTTY, write: (text: string) => (stdout += text) },
            stderr: { isTTY, write: (text: string) => (stderr += text) },
            env,
        },
        stdout: () => stdout,
        stderr: () => stderr,
    };
}

async function run(main: Main, argv: string[], captured = capture()) {
    const status = await main(argv, captured.io);
    return { status, stdout: captured.stdout(), stderr: captured.stderr() };
}

const ESCAPE = "\u001b[";

const TOOLS: [string, CommandSpec<Record<string, FlagSpec>>, Main][] = [
    ["plan", PLAN_COMMAND, planMain],
    ["policy", POLICY_COMMAND, policyMain],
    ["drill", DRILL_COMMAND, drillMain],
    ["smoke", SMOKE_COMMAND, smokeMain],
    ["preflight", PREFLIGHT_COMMAND, preflightMain],
    ["stacks", STACKS_COMMAND, stacksMain],
    ["bench", BENCH_COMMAND, benchMain],
    ["bench:policy", BENCH_POLICY_COMMAND, benchPolicyMain],
];

describe("command-line tools", () => {
    it("plan a stack as its first deployment with --new-stack, as an existing one without", () => {
        assert.equal(planTarget({ stack: "prod", "new-stack": true }).newStack, true);
        assert.equal(planTarget({ stack: "prod" }).newStack, false);
    });

    it("compile through Node's compile cache from their shared module on, unless the user set a cache", () => {
        const environment = { ...process.env };
        delete environment.NODE_COMPILE_CACHE;
        const cacheOf = (env: NodeJS.ProcessEnv) =>
            spawnSync(
                process.execPath,
                [
                    "--require",
                    "tsx/cjs",
                    "-e",
                    'require("./tools/cli"); console.log(require("node:module").getCompileCacheDir() ?? "none")',
                ],
                { cwd: REPOSITORY_ROOT, encoding: "utf8", env },
            ).stdout.trim();
        // Node keeps each Node version's code in a directory of its own inside the cache.
        assert.equal(path.dirname(cacheOf(environment)), COMPILE_CACHE_DIRECTORY);
        const own = fs.mkdtempSync(path.join(os.tmpdir(), "compile-cache-"));
        assert.equal(path.dirname(cacheOf({ ...environment, NODE_COMPILE_CACHE: own })), own);
    });

    it("every npm script's entry enables the cache before it loads anything but Node's own modules", () => {
        const scripts = (
            JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
        ).scripts;
        const entries = Object.values(scripts).flatMap((script) =>
            [...script.matchAll(/node --require tsx\/cjs (\S+\.ts)/g)].map((match) => match[1]),
        );
        assert.ok(entries.length > 10, entries.join(", "));
        for (const entry of entries) {
            const source = fs.readFileSync(path.join(REPOSITORY_ROOT, entry), "utf8");
            const firstLoaded = [...source.matchAll(/^import (?!type )(?:.* from )?"([^"]+)";$/gm)]
                .map((match) => match[1])
                .find((specifier) => !specifier.startsWith("node:"));
            const resolved =
                firstLoaded && path.relative(REPOSITORY_ROOT, path.resolve(path.dirname(path.join(REPOSITORY_ROOT, entry)), firstLoaded));
            assert.ok(resolved === "tools/compileCache" || resolved === "tools/cli", `${entry} loads ${firstLoaded} first`);
        }
    });

    it("compile under the V8 flags of a pack process, so that packs accept what they compiled for them", () => {
        const environment = { ...process.env, NODE_COMPILE_CACHE: fs.mkdtempSync(path.join(os.tmpdir(), "compile-cache-")) };
        try {
            // One of ours loads yaml, which every pack loads too, and writes it to the cache as it exits.
            spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", 'require("./tools/cli"); require("yaml")'], {
                cwd: REPOSITORY_ROOT,
                env: environment,
            });
            // A pack loads @pulumi/pulumi's inspector hooks, which turn on --allow-natives-syntax
            // (runtime/closure/v8Hooks.ts), before the rest.
            const pack = spawnSync(process.execPath, ["-e", 'require("@pulumi/pulumi/runtime/closure/v8Hooks"); require("yaml")'], {
                cwd: REPOSITORY_ROOT,
                env: { ...environment, NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
                encoding: "utf8",
            });
            const verdicts = pack.stderr
                .split("\n")
                .filter((line) => line.includes("node_modules/yaml/") && / was (accepted|rejected)/.test(line));
            assert.ok(verdicts.length > 10, pack.stderr.slice(-2000));
            assert.deepEqual(
                verdicts.filter((line) => line.includes(" was rejected")),
                [],
            );
        } finally {
            fs.rmSync(environment.NODE_COMPILE_CACHE, { recursive: true, force: true });
        }
    });

    describe("-h and --help", () => {
        for (const [tool, spec, main] of TOOLS) {
            it(`npm run ${tool} -- -h prints help listing every flag on stdout and exits 0`, async () => {
                for (const flag of ["-h", "--help"]) {
                    const result = await run(main, [flag]);
                    assert.equal(result.status, 0);
                    assert.equal(result.stderr, "");
                    assert.ok(result.stdout.startsWith(`Usage: npm run ${tool} -- `), result.stdout);
                    for (const name of Object.keys(spec.flags)) {
                        assert.match(result.stdout, new RegExp(`^  --${name}\\b`, "m"), `--${name} is listed`);
                    }
                    assert.match(result.stdout, /^ {2}-h, --help {2,}show this help$/m);
                    assert.match(result.stdout, /^Exit status: /m);
                }
            });
        }
    });

    describe("did you mean", () => {
        it("names the closest flag for a typo, once, with exit 2 and no usage dump", async () => {
            const result = await run(planMain, ["--stak", "prod"]);
            assert.equal(result.status, 2);
            assert.equal(result.stdout, "");
            assert.equal(result.stderr, "error: unknown flag --stak; did you mean --stack?\nrun 'npm run plan -- --help' for usage\n");
        });

        it("names the closest stack for a typo and lists the stacks, before planning anything", async () => {
            for (const main of [planMain, policyMain, drillMain, preflightMain]) {
                const result = await run(main, ["--stack", "prdo", ...(main === drillMain ? ["--to", "azure", "--offline"] : [])]);
                assert.equal(result.status, 2);
                assert.match(
                    result.stderr,
                    /^error: --stack prdo: no such stack \(no Pulumi\.prdo\.yaml\); did you mean prod\? Stacks: dev, prod, prod-aws/,
                );
                assert.equal(result.stderr.match(/error:/g)?.length, 1, "said once");
                assert.doesNotMatch(result.stderr, /planning/, "nothing planned");
            }
        });

        it("plan and policy refuse flags that name no stack or two, the same way, with exit 2 and nothing started", async () => {
            for (const main of [planMain, policyMain]) {
                const none = await run(main, ["--json", path.join(os.tmpdir(), "unwritten.json")]);
                assert.equal(none.status, 2);
                assert.equal(none.stderr, "error: name a stack with --stack, or a stack file with --config\n");
                const both = await run(main, ["--stack", "prod", "--config", path.join(REPOSITORY_ROOT, "Pulumi.prod.yaml")]);
                assert.equal(both.status, 2);
                assert.equal(both.stderr, "error: --stack and --config both name a stack; give one\n");
            }
        });

        it("names the closest allowed value of a choice, and nothing when nothing is close", async () => {
            const edg = await run(stacksMain, ["--role", "edg"]);
            assert.equal(edg.status, 2);
            assert.match(edg.stderr, /--role "edg" is not allowed; did you mean edge\? Allowed: all-in-one, aws-site, azure-site, edge/);
            assert.equal(suggestion("cloud", ["dev", "prod", "staging"]), undefined);
        });

        it("tells a stray value from a flag and a flag without its value", async () => {
            const stray = await run(planMain, ["prod"]);
            assert.equal(stray.status, 2);
            assert.match(stray.stderr, /^error: unexpected argument "prod": every value follows its flag, e.g. --stack prod$/m);
            const bare = await run(planMain, ["--stack"]);
            assert.equal(bare.status, 2);
            assert.match(bare.stderr, /^error: --stack needs a value$/m);
        });
    });

    describe("colour", () => {
        it("colours errors on a terminal, never with NO_COLOR, never into a pipe; FORCE_COLOR forces it", async () => {
            const argv = ["--stack", "prdo"];
            assert.ok((await run(planMain, argv, capture({}, true))).stderr.includes(ESCAPE), "a terminal gets colour");
            assert.ok(!(await run(planMain, argv, capture({ NO_COLOR: "1" }, true))).stderr.includes(ESCAPE), "NO_COLOR");
            assert.ok(!(await run(planMain, argv, capture({}, false))).stderr.includes(ESCAPE), "a pipe");
            assert.ok((await run(planMain, argv, capture({ FORCE_COLOR: "1" }, false))).stderr.includes(ESCAPE), "FORCE_COLOR");
            assert.equal(colourEnabled({ write: () => true, isTTY: true }, { FORCE_COLOR: "0" }), false);
        });
    });

    describe("errors are printed once", () => {
        it("a bad stack file through npm run policy: one error, exit 2, no stack trace, nothing on stdout", async () => {
            const result = await run(policyMain, ["--config", path.join(FIXTURES, "stacks", "Pulumi.bad-cidr.yaml")]);
            assert.equal(result.status, 2, result.stderr);
            assert.equal(result.stderr.match(/invalid stack config/g)?.length, 1, result.stderr);
            assert.doesNotMatch(result.stderr, /\n\s+at /);
            assert.equal(result.stdout, "");
        });

        it("a program's error through npm run plan: once, exit 1", async () => {
            const program = path.join(FIXTURES, "conformance", "program-error");
            const result = await run(planMain, ["--program", program, "--config", path.join(program, "Pulumi.dev.yaml"), "--skip-policy"]);
            assert.equal(result.status, 1);
            assert.equal(result.stderr.split("sizeGiB must be positive").length, 2, result.stderr);
            assert.equal(result.stderr.match(/error:/g)?.length, 1);
        });

        it("from a real process: the exit status, the error on stderr only, once", () => {
            const result = spawnSync(process.execPath, ["--require", "tsx/cjs", "tools/stacks.ts", "--rol", "edge"], {
                cwd: REPOSITORY_ROOT,
                encoding: "utf8",
            });
            assert.equal(result.status, 2);
            assert.equal(result.stdout, "");
            assert.equal(result.stderr, "error: unknown flag --rol; did you mean --role?\nrun 'npm run stacks -- --help' for usage\n");
        });
    });

    describe("short type names, as pulumi preview shows them", () => {
        it("drops a module's last segment only when it repeats the type's name", () => {
            assert.equal(shortTypeName("aws:ec2/vpc:Vpc"), "aws:ec2:Vpc");
            assert.equal(shortTypeName("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "aws:iam:RolePolicyAttachment");
            assert.equal(
                shortTypeName("mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint"),
                "mongodbatlas:index:PrivateLinkEndpoint",
            );
            assert.equal(shortTypeName("kubernetes:apps/v1:Deployment"), "kubernetes:apps/v1:Deployment");
            assert.equal(shortTypeName("azure-native:network:VirtualNetwork"), "azure-native:network:VirtualNetwork");
            assert.equal(shortTypeName("pulumi:providers:aws"), "pulumi:providers:aws");
            assert.equal(shortTypeName("beacon:aws:Network"), "beacon:aws:Network");
        });

        it("the plan's tree and counts use them", async () => {
            const text = renderPlan(await sharedPlan("prod-aws"));
            assert.match(text, /├─ aws:ec2:Vpc +aws-site/);
            assert.match(text, /^ +\d+ {2}aws:ec2:Vpc$/m);
            assert.doesNotMatch(text, /aws:ec2\/vpc:Vpc/);
        });
    });

    describe("the edge's failover summary", () => {
        it("states the pool order, the traffic split and the worst-case detection time the edge stack outputs", async () => {
            const lines = renderPlan(await sharedPlan("prod"))
                .split("\n")
                .filter((line) => line.startsWith("Failover"));
            assert.deepEqual(lines, [
                "Failover: aws first, then azure (traffic while both are healthy: aws 100%, azure 0%)",
                "Failover detection: worst case 25 s (limit for this environment: 35 s)",
            ]);
        });

        it("is left out of a site stack's plan, which has no edge", async () => {
            assert.doesNotMatch(renderPlan(await sharedPlan("prod-aws")), /^Failover/m);
        });
    });

    describe("npm run plan -- --diff", () => {
        it("shows a blue/green canary step on prod-aws as exactly the route weights it moves and the autoscalers it adds", async () => {
            const directory = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
            const earlier = path.join(directory, "before.json");
            fs.writeFileSync(earlier, JSON.stringify(planJson(await sharedPlan("prod-aws"))));
            const stackFile = path.join(directory, "Pulumi.prod-aws.yaml");
            const original = fs.readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.prod-aws.yaml"), "utf8");
            const canary = original.replace(/^( {2}crypto-beacon:hubGreenRelease: .*)$/m, '$1\n  crypto-beacon:hubCandidateWeight: "10"');
            assert.notEqual(canary, original);
            fs.writeFileSync(stackFile, canary);

            const result = await run(planMain, ["--config", stackFile, "--skip-policy", "--diff", earlier]);
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.stderr, /planning stack prod-aws\n/, "progress on stderr");
            assert.doesNotMatch(result.stdout, /planning stack/, "stdout is the diff alone");

            const changed = [...result.stdout.matchAll(/^ *([+~-]) (\S+): \((\w+)\)\n +\[urn=.*::(\S+)\]$/gm)].map(
                ([, symbol, type, operation, name]) => `${symbol} ${type} ${name} (${operation})`,
            );
            const services = ["api", "market-data", "web", "health"];
            assert.deepEqual(
                changed.sort(),
                [
                    ...["api", "market-data", "web", "worker"].map(
                        (service) => `+ kubernetes:autoscaling/v2:HorizontalPodAutoscaler aws-hub-${service}-green (create)`,
                    ),
                    ...services.map((service) => `~ kubernetes:gateway.networking.k8s.io/v1:HTTPRoute aws-hub-${service}-route (update)`),
                ].sort(),
            );
            assert.equal(result.stdout.match(/^ +~ weight: 100 => 90$/gm)?.length, 5, "each live backend drops to 90 %");
            assert.equal(result.stdout.match(/^ +~ weight: 0 => 10$/gm)?.length, 5, "each candidate backend takes 10 %");
            assert.match(result.stdout, /^Resources:\n {4}\+ 4 to create\n {4}~ 4 to update\n {4}8 changes\. \d+ unchanged$/m);
            assert.match(result.stdout, /^Changes in 1 stack: 4 to create, 4 to update, 0 to delete, \d+ unchanged$/m);
        });

        it("groups an edge stack's diff per stack, referenced stacks first, and counts creates, updates and deletes", () => {
            const resource = (stack: string, name: string, inputs: Record<string, unknown>, ignoreChanges: string[] = []) => ({
                urn: `urn:pulumi:${stack}::crypto-beacon::aws:s3/bucket:Bucket::${name}`,
                type: "aws:s3/bucket:Bucket",
                name,
                parent: null,
                provider: null,
                inputs,
                options: {
                    protect: false,
                    retainOnDelete: false,
                    dependsOn: [],
                    ignoreChanges,
                    deleteBeforeReplace: false,
                    additionalSecretOutputs: [],
                },
            });
            const plan = (stack: string, resources: ReturnType<typeof resource>[], stacks: PlanJson["stacks"] = []): PlanJson => ({
                project: "crypto-beacon",
                stack,
                stackFile: `Pulumi.${stack}.yaml`,
                resources,
                outputs: {},
                stacks,
            });
            const earlier = plan(
                "edge",
                [resource("edge", "kept", { tags: { Colour: "blue", Team: "hub" } }), resource("edge", "gone", { acl: "private" })],
                [plan("site", [resource("site", "logs", { token: "[secret]", replicas: 2 }, ["replicas"])])],
            );
            const current = plan(
                "edge",
                [resource("edge", "kept", { tags: { Colour: "green", Team: "hub" } }), resource("edge", "new", { acl: "private" })],
                [plan("site", [resource("site", "logs", { token: "[secret]", replicas: 5 }, ["replicas"])])],
            );
            const diffs = diffPlans(earlier, current);
            assert.deepEqual(
                diffs.map((diff) => [diff.stack, diff.changes.map((change) => `${change.operation} ${change.urn.split("::").at(-1)}`)]),
                [
                    ["site", []],
                    ["edge", ["update kept", "create new", "delete gone"]],
                ],
                "an ignored change and an unchanged secret are no change",
            );
            const text = renderDiff(diffs, "before.json");
            assert.match(
                text,
                /^Previewing update \(site\) against the plan in before\.json:\n\nResources:\n {4}no changes\. 1 unchanged$/m,
            );
            assert.match(
                text,
                /^~ aws:s3\/bucket:Bucket: \(update\)\n {4}\[urn=urn:pulumi:edge::crypto-beacon::aws:s3\/bucket:Bucket::kept\]\n {2}~ tags: \{\n {6}~ Colour: "blue" => "green"\n {4}\}$/m,
            );
            assert.match(text, /^\+ aws:s3\/bucket:Bucket: \(create\)\n {4}\[urn=.*::new\]\n {2}\+ acl: "private"$/m);
            assert.match(text, /^- aws:s3\/bucket:Bucket: \(delete\)\n {4}\[urn=.*::gone\]\n {2}- acl: "private"$/m);
            assert.match(text, /^Changes in 2 stacks: 1 to create, 1 to update, 1 to delete, 1 unchanged$/m);

            // On a terminal, the engine's colours: create green, update yellow, delete red.
            const tagged = renderDiff(diffs, "before.json", (style, part) => `<${style}>${part}</>`);
            assert.match(tagged, /^<yellow>~ aws:s3\/bucket:Bucket: \(update\)<\/>$/m);
            assert.match(tagged, /^<green>\+ aws:s3\/bucket:Bucket: \(create\)<\/>$/m);
            assert.match(tagged, /^<red>- aws:s3\/bucket:Bucket: \(delete\)<\/>$/m);
        });

        it("refuses a file that is not a plan, naming it, with exit 2 before planning", async () => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-")), "not-a-plan.json");
            fs.writeFileSync(file, JSON.stringify({ violations: [] }));
            const result = await run(planMain, ["--stack", "dev", "--skip-policy", "--diff", file]);
            assert.equal(result.status, 2);
            assert.match(result.stderr, /^error: --diff .*not-a-plan\.json: not a plan written by 'npm run plan -- --json'/m);
            assert.doesNotMatch(result.stderr, /planning/);
        });
    });

    it("the help text comes from the same description the parser uses", () => {
        const spec = {
            command: "npm run x",
            synopsis: ["--a <v>"],
            description: "Does x.",
            flags: { a: { type: "string", value: "<v>", help: "the a" } },
            exitStatus: "0.",
        } as const;
        assert.equal(
            helpText(spec),
            "Usage: npm run x -- --a <v>\n\nDoes x.\n\nFlags:\n  -h, --help  show this help\n  --a <v>     the a\n\nExit status: 0.",
        );
    });
});
