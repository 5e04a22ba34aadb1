import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { readStackOutputs, stackRole } from "../model/contracts";
import { listStacks } from "../tools/plan/stackFile";
import { ROLES } from "../stacks/config/schema";
import { listStacks as stackEntries } from "../tools/stacks";
import { planStack, SECRET_MARKER, type StackPlan, type StackStart } from "../tools/plan/planner";
import { main as planMain } from "../tools/plan/cli";
import { planJson, providerPackage } from "../tools/plan/report";
import { assertPlanFails, FIXTURES, planFixtureStack, REPOSITORY_ROOT, resourceNamed, sharedPlan } from "./helpers";

/** What each role deploys, by the component types its plan must hold. */
const COMPONENTS_BY_ROLE: Record<string, string[]> = {
    "all-in-one": [
        "beacon:aws:Network",
        "beacon:aws:EksCluster",
        "beacon:aws:Origin",
        "beacon:azure:Network",
        "beacon:cloudflare:EdgeZone",
        "beacon:cloudflare:SiteLoadBalancer",
        "beacon:data:TradingDatabase",
    ],
    "aws-site": [
        "beacon:aws:Network",
        "beacon:aws:EksCluster",
        "beacon:aws:Origin",
        "beacon:aws:Redis",
        "beacon:aws:Registry",
        "beacon:aws:StaticAssets",
        "beacon:aws:Backup",
        "beacon:aws:Monitoring",
        "beacon:aws:DatabaseEndpoint",
        "beacon:aws:WorkloadAccess",
        "beacon:kubernetes:HubWorkloads",
    ],
    "azure-site": [
        "beacon:azure:Network",
        "beacon:azure:AksCluster",
        "beacon:azure:Origin",
        "beacon:azure:Redis",
        "beacon:azure:KeyVault",
        "beacon:azure:Registry",
        "beacon:azure:Backup",
        "beacon:azure:Logs",
        "beacon:azure:Alerts",
        "beacon:azure:DatabaseEndpoint",
        "beacon:azure:WorkloadAccess",
        "beacon:kubernetes:HubWorkloads",
    ],
    edge: ["beacon:cloudflare:EdgeZone", "beacon:cloudflare:SiteLoadBalancer", "beacon:data:TradingDatabase"],
};
const PROVIDERS_BY_ROLE: Record<string, string[]> = {
    "all-in-one": ["aws", "aws", "azure-native", "cloudflare", "kubernetes", "kubernetes", "mongodbatlas"],
    "aws-site": ["aws", "aws", "kubernetes", "mongodbatlas"],
    "azure-site": ["azure-native", "kubernetes", "mongodbatlas"],
    edge: ["cloudflare", "mongodbatlas"],
};

describe("offline plan", () => {
    const stacks = listStacks(REPOSITORY_ROOT);

    it("knows every value an update's preview would: no stack's resources hold an unknown, so no policy defers offline", async () => {
        // Unknowns are what a first preview has (--new-stack); on an existing stack, what the mocks
        // leave out of a resource's answer would read as unknown and make the intent rules defer.
        const unknownAt = (value: unknown, at: string): string[] =>
            value === unknownValue
                ? [at]
                : Array.isArray(value)
                  ? value.flatMap((item, index) => unknownAt(item, `${at}[${index}]`))
                  : typeof value === "object" && value !== null
                    ? Object.entries(value).flatMap(([key, item]) => unknownAt(item, `${at}.${key}`))
                    : [];
        for (const stack of stacks) {
            const plan = await sharedPlan(stack);
            assert.deepEqual(
                plan.resources.flatMap((resource) => [
                    ...unknownAt(resource.analyzerInputs, `${resource.name} inputs`),
                    ...unknownAt(resource.analyzerOutputs, `${resource.name} outputs`),
                ]),
                [],
                stack,
            );
        }
    });

    it("has a stack file for every role the architecture names", () => {
        // The list of stacks is the stack files themselves (docs/runbooks/new-stack.md adds some).
        assert.deepEqual([...new Set(stackEntries().map((entry) => entry.role))].sort(), [...ROLES].sort());
        assert.deepEqual(
            stackEntries().map((entry) => entry.stack),
            stacks,
        );
    });

    for (const stack of stacks) {
        describe(`stack ${stack}`, () => {
            let plan: StackPlan;
            before(async () => {
                plan = await sharedPlan(stack);
            });

            it("plans the components and providers of its role", () => {
                const role = stackRole(plan.outputs)!;
                for (const component of COMPONENTS_BY_ROLE[role]) {
                    assert.ok(
                        plan.resources.some((resource) => resource.type === component),
                        `${component} in ${stack}`,
                    );
                }
                const providers = plan.resources.filter((resource) => resource.type.startsWith("pulumi:providers:"));
                assert.deepEqual(providers.map((provider) => providerPackage(provider.type)).sort(), PROVIDERS_BY_ROLE[role]);
            });

            it("gives every cloud resource an explicit provider of its own package", () => {
                const providers = new Map(plan.resources.map((resource) => [resource.urn, resource]));
                for (const resource of plan.resources) {
                    if (!resource.custom || resource.type.startsWith("pulumi:")) {
                        continue;
                    }
                    assert.ok(resource.provider, `${resource.urn} uses a default provider`);
                    assert.equal(providerPackage(providers.get(resource.provider)!.type), providerPackage(resource.type), resource.urn);
                }
            });

            it("parents every resource under the stack or a component", () => {
                const byUrn = new Map(plan.resources.map((resource) => [resource.urn, resource]));
                const roots = plan.resources.filter((resource) => resource.parent === null);
                assert.deepEqual(
                    roots.map((root) => root.type),
                    ["pulumi:pulumi:Stack"],
                );
                for (const resource of plan.resources.filter((candidate) => candidate.parent !== null)) {
                    assert.equal(byUrn.get(resource.parent!)?.custom, false, `${resource.urn} has a component or stack parent`);
                }
            });
        });
    }

    it("plans the site stacks of a split environment first and feeds their outputs through StackReference", async () => {
        const plan = await sharedPlan("prod");
        assert.deepEqual(
            plan.referencedStacks.map((referenced) => referenced.stack),
            ["prod-aws", "prod-azure"],
        );
        const reads = plan.resources.filter((resource) => resource.type === "pulumi:pulumi:StackReference");
        assert.deepEqual(reads.map((read) => read.inputs.name).sort(), [
            "organization/crypto-beacon/prod-aws",
            "organization/crypto-beacon/prod-azure",
        ]);
        const edge = readStackOutputs(plan.stack, plan.outputs, ["edge"]).edge;
        const [awsSite, azureSite] = plan.referencedStacks.map(
            (referenced) => readStackOutputs(referenced.stack, referenced.outputs, ["aws-site", "azure-site"]).siteIdentity,
        );
        assert.equal(awsSite?.addressSpace, "10.100.0.0/16");
        assert.equal(azureSite?.addressSpace, "10.110.0.0/16");
        assert.deepEqual(edge.sites.aws, awsSite, "the edge reads what the AWS site stack exported");
        assert.deepEqual(edge.sites.azure, azureSite);
        assert.deepEqual(edge.failoverOrder, ["aws", "azure"]);
    });

    it("replaces secure values with marked placeholders and never shows them", async () => {
        const plan = await planFixtureStack("edge-secure");
        const provider = resourceNamed(plan, "pulumi:providers:cloudflare", "cloudflare");
        assert.equal(provider.inputs.apiToken, SECRET_MARKER);
        const json = JSON.stringify(planJson(plan));
        assert.doesNotMatch(
            json,
            /AAABAMUr5NLHZ7dyXK8bqHnFEDp0PeY2Jqgk8eG5wqPaS0a8bLPfXuvyuTcSAbj2/,
            "the ciphertext stays out of the plan",
        );
        assert.doesNotMatch(json, /offline placeholder/, "secrets stay masked, placeholder or not");
    });

    it("writes the JSON the issue specifies, with parents as URNs", async () => {
        const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "plan.json");
        let stderr = "";
        const io = { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: {} };
        assert.equal(await planMain(["--stack", "dev", "--json", output, "--skip-policy"], io), 0, stderr);
        assert.match(stderr, new RegExp(`wrote ${output}$`, "m"), "the file written is named on stderr");
        const written = JSON.parse(fs.readFileSync(output, "utf8")) as ReturnType<typeof planJson>;
        assert.equal(written.stack, "dev");
        assert.deepEqual(Object.keys(written).sort(), ["outputs", "project", "resources", "stack", "stackFile", "stacks"]);
        assert.deepEqual(written.stacks, [], "an all-in-one stack reads no other stack");
        const urns = new Set(written.resources.map((resource) => resource.urn));
        for (const resource of written.resources) {
            assert.deepEqual(Object.keys(resource).sort(), ["inputs", "name", "options", "parent", "provider", "type", "urn"]);
            assert.ok(resource.parent === null || urns.has(resource.parent), `${resource.urn}'s parent is a planned URN`);
        }
        const vpc = written.resources.find((resource) => resource.type === "aws:ec2/vpc:Vpc")!;
        assert.equal(vpc.parent, "urn:pulumi:dev::crypto-beacon::pulumi:pulumi:Stack$beacon:aws:Network::aws-site");
        assert.equal(vpc.inputs.cidrBlock, "10.10.0.0/16");
        assert.equal(written.outputs.role, "all-in-one");
    });

    it("writes each resource's options into the JSON: protect, retainOnDelete, dependsOn, ignoreChanges, additionalSecretOutputs, and deleteBeforeReplace only when the program set it", async () => {
        const program = path.join(FIXTURES, "conformance", "resource-options");
        const json = planJson(await planStack({ program, configFile: path.join(program, "Pulumi.dev.yaml") }));
        const logs = json.resources.find((resource) => resource.name === "logs")!;
        const reports = json.resources.find((resource) => resource.name === "reports")!;
        assert.deepEqual(logs.options, {
            protect: false,
            retainOnDelete: false,
            dependsOn: [],
            ignoreChanges: [],
            additionalSecretOutputs: [],
        });
        assert.deepEqual(reports.options, {
            protect: true,
            retainOnDelete: true,
            dependsOn: [logs.urn],
            ignoreChanges: ["tags"],
            deleteBeforeReplace: true,
            additionalSecretOutputs: ["bucketDomainName"],
        });
        const archive = json.resources.find((resource) => resource.name === "archive")!;
        assert.equal(archive.options.deleteBeforeReplace, false, "an explicit false is recorded");
    });

    it("writes the stacks a stack reads into its JSON under stacks, each with its own resources", async () => {
        const program = path.join(FIXTURES, "conformance", "stack-references");
        const json = planJson(await planStack({ program, configFile: path.join(program, "Pulumi.edge.yaml") }));
        assert.equal(json.stack, "edge");
        assert.deepEqual(
            json.stacks.map((referenced) => [referenced.stack, referenced.stackFile, referenced.outputs]),
            [["site", "Pulumi.site.yaml", { addressSpace: "10.60.0.0/16" }]],
        );
        assert.deepEqual(
            json.stacks[0].resources.map((resource) => resource.urn),
            ["urn:pulumi:site::stack-references::pulumi:pulumi:Stack::stack-references-site"],
        );
        assert.ok(
            json.resources.some(
                (resource) => resource.type === "pulumi:pulumi:StackReference" && resource.name === "organization/stack-references/site",
            ),
        );
    });

    it("tells onStack as it starts each stack: the edge, the stack it reads, then the edge again with that stack's outputs", async () => {
        const program = path.join(FIXTURES, "conformance", "stack-references");
        const started: StackStart[] = [];
        const plan = await planStack({
            program,
            configFile: path.join(program, "Pulumi.edge.yaml"),
            onStack: (start) => started.push(start),
        });
        assert.deepEqual(
            started.map((start) => [start.stack, start.phase, start.readStacks]),
            [
                ["edge", "plan", []],
                ["site", "plan", []],
                ["edge", "rerun", ["site"]],
            ],
        );
        // Each start carries the configuration the stack's plan then holds: a policy runner starts
        // the stack's packs with it while the program runs.
        const site = plan.referencedStacks[0];
        for (const [start, planned] of [
            [started[0], plan],
            [started[1], site],
            [started[2], plan],
        ] as const) {
            assert.deepEqual(start.configuration, {
                project: planned.project,
                organization: planned.organization,
                config: planned.config,
                secretKeys: planned.secretKeys,
            });
        }
        assert.notDeepEqual(started[0].configuration.config, started[1].configuration.config);
    });

    it("refuses a StackReference to another project's stack with exit 2, naming the reference", async () => {
        const program = path.join(FIXTURES, "conformance", "stack-references");
        await assertPlanFails(
            planStack({ program, configFile: path.join(program, "Pulumi.foreign.yaml") }),
            2,
            'Pulumi.foreign.yaml: StackReference "organization/another-project/site" names a stack outside project stack-references',
        );
    });

    describe("the stack the SDK keeps on each of its promises", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal module the planner changes
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
            debuggablePromise<T>(promise: Promise<T>, context: string): Promise<T>;
            promiseDebugString(promise: Promise<unknown>): string;
            debugPromiseLeaks: boolean;
        };
        /** Runs `body` counting the traces V8 formats with at least one frame, with the SDK's leak debugging as given. */
        async function countingFormattedTraces(
            debugPromiseLeaks: boolean,
            body: (formatted: () => number) => Promise<void>,
        ): Promise<void> {
            const program = path.join(FIXTURES, "program");
            await planStack({ program, configFile: path.join(program, "Pulumi.demo.yaml") });
            let formatted = 0;
            const prepareStackTrace = Error.prepareStackTrace;
            const wasDebugging = debuggable.debugPromiseLeaks;
            Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
                formatted += frames.length > 0 ? 1 : 0;
                return [String(error), ...frames.map((frame) => `    at ${frame}`)].join("\n");
            };
            debuggable.debugPromiseLeaks = debugPromiseLeaks;
            try {
                await body(() => formatted);
            } finally {
                Error.prepareStackTrace = prepareStackTrace;
                debuggable.debugPromiseLeaks = wasDebugging;
            }
        }

        it("is formatted only when a leak report reads it, under PULUMI_DEBUG_PROMISE_LEAKS", async () => {
            await countingFormattedTraces(true, async (formatted) => {
                const tracked = Promise.resolve("value");
                const madeByTheProgram = () => debuggable.debuggablePromise(tracked, "a registration");
                assert.equal(await madeByTheProgram(), "value");
                assert.equal(formatted(), 0, "formatted before anything read it");
                const report = debuggable.promiseDebugString(tracked);
                assert.equal(formatted(), 1);
                assert.match(report, /^CONTEXT\(\d+\): a registration\nSTACK_TRACE:\nError\n(.*\n)*\s+at madeByTheProgram /);
            });
        });

        it("is not captured at all without it, since no report prints it then", async () => {
            await countingFormattedTraces(false, async (formatted) => {
                const tracked = Promise.resolve("value");
                assert.equal(await debuggable.debuggablePromise(tracked, "a registration"), "value");
                assert.equal(
                    debuggable.promiseDebugString(tracked),
                    `CONTEXT(${(tracked as unknown as { _debugId: number })._debugId}): a registration\nSTACK_TRACE:\nError`,
                );
                assert.equal(formatted(), 0);
            });
        });
    });

    it("reports a program's error once, with the program's own frames only", async () => {
        const program = path.join(FIXTURES, "conformance", "program-error");
        const workingDirectory = process.cwd();
        const message = await assertPlanFails(
            planStack({ program, configFile: path.join(program, "Pulumi.dev.yaml") }),
            1,
            "Error: sizeGiB must be positive",
        );
        assert.equal(message.split("sizeGiB must be positive").length, 2, "printed once");
        const frames = message.split("\n").filter((line) => /^\s+at /.test(line));
        assert.ok(
            frames.length > 0 && frames.every((frame) => frame.includes(path.join("conformance", "program-error", "index.ts"))),
            frames.join("\n"),
        );
        assert.equal(process.cwd(), workingDirectory, "the working directory comes back after a failed run too");
    });

    it("plans another Pulumi program with --program and --config, top-level resources and secrets included", async () => {
        const program = path.join(FIXTURES, "program");
        const plan = await planStack({ program, configFile: path.join(program, "Pulumi.demo.yaml") });
        assert.equal(plan.project, "fixture-program");
        const bucket = resourceNamed(plan, "aws:s3/bucket:Bucket", "reports");
        assert.equal(bucket.inputs.bucketPrefix, "demo-reports");
        assert.match(plan.outputs.bucketArn as string, /^arn:aws:s3:::demo-reports\d{18}[0-9a-f]{8}$/);
        assert.equal(plan.outputs.apiKey, SECRET_MARKER);
        // Planned twice in one process, the top-level program runs again rather than from cache.
        const again = await planStack({ program, configFile: path.join(program, "Pulumi.demo.yaml") });
        assert.equal(again.resources.length, plan.resources.length);
    });

    it("fails loudly on an invoke it has no mock for, naming the token", async () => {
        const program = path.join(FIXTURES, "unmocked-invoke");
        await assertPlanFails(
            planStack({ program, configFile: path.join(program, "Pulumi.demo.yaml") }),
            1,
            'no offline mock for invoke "aws:ec2/getKeyPair:getKeyPair"',
        );
    });

    it("answers the invokes components use with plausible values", async () => {
        const plan = await sharedPlan("prod-aws");
        const subnets = plan.resources.filter((resource) => resource.type === "aws:ec2/subnet:Subnet");
        assert.deepEqual([...new Set(subnets.map((subnet) => subnet.inputs.availabilityZone))].sort(), [
            "us-east-1a",
            "us-east-1b",
            "us-east-1c",
        ]);
        const key = resourceNamed(plan, "aws:kms/key:Key", "aws-site-logs");
        const policy = JSON.parse(key.inputs.policy as string) as {
            Statement: { Principal: Record<string, string | string[]>; Condition?: unknown }[];
        };
        assert.equal(policy.Statement[0].Principal.AWS, "arn:aws:iam::123456789012:root");
        assert.equal(policy.Statement[1].Principal.Service, "logs.us-east-1.amazonaws.com", "CloudWatch Logs of the site's region");
        assert.deepEqual(policy.Statement[1].Condition, {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" },
        });
    });
});
