import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { CommandError } from "../command";
import { OfflineMocks, REMOTE_CONTENT_MARK } from "./mocks";
import { describeViolation } from "./naming";
import {
    promiseStacksOnlyForLeakReports,
    MockMonitor,
    runtimeStore,
    type ReadResourceRequest,
    type RegisterResourceOutputsRequest,
    type RegisterResourceRequest,
    type RegisterResourceResponse,
    type ReadResourceResponse,
} from "./sdkInternals";
import { offlineEscSecretKeys, PlanInputError, readProject, readStackFile, type Project, type StackSettings } from "./stackFile";

/** A resource as `pulumi preview` would create it. */
export interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The parent's URN; null for the root stack. */
    readonly parent: string | null;
    /** The URN of the provider resource that manages it; null for components and providers. */
    readonly provider: string | null;
    readonly custom: boolean;
    /** Inputs as the program passed them; secrets are masked as "[secret]". */
    readonly inputs: Record<string, unknown>;
    /**
     * Inputs as the engine hands them to analyzers: secrets still wrapped in the runtime's secret
     * signature (offline, their values are placeholders), resource references as URNs.
     */
    readonly analyzerInputs: Record<string, unknown>;
    /**
     * Outputs as the engine hands them to `AnalyzeStack`: what the provider answered (here, the
     * mocks), with a top-level output secret where its input was or `additionalSecretOutputs`
     * names it. Absent for resources made by hand, whose inputs stand for their outputs.
     */
    readonly analyzerOutputs?: Record<string, unknown>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /**
     * The `deleteBeforeReplace` option, when the program set it; unset, the engine decides per
     * replacement. The SDK says which with `deleteBeforeReplaceDefined`.
     */
    readonly deleteBeforeReplace?: boolean;
    /** Input properties whose changes the engine ignores (`ignoreChanges`). @default none */
    readonly ignoreChanges?: readonly string[];
    /** Outputs the engine keeps secret beyond the provider's own (`additionalSecretOutputs`). @default none */
    readonly additionalSecretOutputs?: readonly string[];
    /**
     * The URNs the engine records as this resource's dependencies: its explicit `dependsOn` and
     * the resources its inputs came from (the SDK sends them as one list).
     */
    readonly dependencies: readonly string[];
    /** For each input, the URNs of the resources its value came from. */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** Where in the program the resource was created, as the SDK reports it to the engine. */
    readonly sourcePosition?: { readonly file: string; readonly line: number };
}

export interface StackPlan {
    readonly project: string;
    readonly stack: string;
    readonly stackFile: string;
    readonly resources: readonly PlannedResource[];
    /** Stack outputs; secrets masked as "[secret]". */
    readonly outputs: Record<string, unknown>;
    /** Stacks planned first because this one reads them through StackReference. */
    readonly referencedStacks: readonly StackPlan[];
    /** The organization the program ran as. */
    readonly organization: string;
    /** The config the program ran with, by full key (secure values are their offline placeholders). */
    readonly config: Readonly<Record<string, string>>;
    /** The config keys that hold secrets. */
    readonly secretKeys: readonly string[];
}

/** The program failed while it ran: a bug, an unmocked invoke, a failed resource. Exit status 1. */
export class PlanRunError extends CommandError {
    constructor(message: string) {
        super(message, 1);
    }
}

export interface PlanOptions {
    /** A Pulumi program directory or entry file. @default the repository's own program */
    readonly program?: string;
    /** The stack to plan, read from `Pulumi.<stack>.yaml` beside `Pulumi.yaml`. */
    readonly stack?: string;
    /** An explicit stack file; its name gives the stack name. */
    readonly configFile?: string;
    /** The organization that `pulumi.getOrganization()` reports. @default "organization" */
    readonly organization?: string;
    /**
     * Config values that replace the stack files' own, by stack name then full key, as
     * `pulumi config set` would before an update; the files are not touched. The DR drill plans
     * its switch this way. @default none
     */
    readonly configOverrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /**
     * Called as the planner starts a stack's program, the stacks it reads through StackReference
     * included: what a policy runner needs to start the packs that check the stack while it is
     * planned. @default none
     */
    readonly onStack?: (start: StackStart) => void;
    /**
     * Plan the stack as its first `pulumi preview` sees it, before anything of it exists: providers
     * answer no id and no computed output, which the SDK reads as unknown during a preview, so ids,
     * ARNs and what is built from them are unknown (`OfflineMocksOptions.newStack`). The stacks it
     * reads through StackReference exist already: it could not read them otherwise.
     * @default false: the stack exists, and an update's preview knows what it holds
     */
    readonly newStack?: boolean;
}

/** A stack whose program the planner is starting. */
export interface StackStart {
    readonly stack: string;
    /** `"plan"` the first time; `"rerun"` when the program runs again with the outputs of `readStacks`. */
    readonly phase: "plan" | "rerun";
    /** The stacks planned for this run, whose outputs the program now reads. */
    readonly readStacks: readonly string[];
    /** What the program runs with: the same values as the stack's plan will hold. */
    readonly configuration: Pick<StackPlan, "project" | "organization" | "config" | "secretKeys">;
}

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Plans a stack offline: runs its program in this process under `@pulumi/pulumi`'s mocks, with
 * its stack file's config, and records what `pulumi preview` would create. Stacks it reads
 * through StackReference are planned first, in the same run, and their outputs fed to it.
 */
export function planStack(options: PlanOptions): Promise<StackPlan> {
    // The Pulumi runtime's state is global to the process: plans take turns.
    const plan = planQueue.then(() => planStackNow(options));
    planQueue = plan.catch(() => undefined);
    return plan;
}

let planQueue: Promise<unknown> = Promise.resolve();

async function planStackNow(options: PlanOptions): Promise<StackPlan> {
    promiseStacksOnlyForLeakReports();
    const project = readProject(options.program ?? REPOSITORY_ROOT);
    let stackFilePath: string;
    if (options.configFile) {
        stackFilePath = path.resolve(options.configFile);
    } else if (options.stack) {
        stackFilePath = path.join(project.directory, `Pulumi.${options.stack}.yaml`);
    } else {
        throw new PlanInputError("name a stack with --stack <name>, or a stack file with --config <Pulumi.<stack>.yaml>");
    }
    const offlineEscSecrets = offlineEscSecretKeys(project, REPOSITORY_ROOT);
    const session = new PlanSession(
        project,
        options.organization ?? "organization",
        options.configOverrides ?? {},
        offlineEscSecrets,
        options.onStack ?? (() => undefined),
        options.newStack ?? false,
    );
    return session.plan(stackFilePath, []);
}

/** One planning run: the stacks planned so far, by stack name. */
class PlanSession {
    private readonly plans = new Map<string, StackPlan>();

    constructor(
        private readonly project: Project,
        private readonly organization: string,
        private readonly configOverrides: Readonly<Record<string, Readonly<Record<string, string>>>>,
        private readonly offlineEscSecrets: readonly string[],
        private readonly onStack: NonNullable<PlanOptions["onStack"]>,
        private readonly newStack: boolean,
    ) {}

    async plan(stackFilePath: string, chain: readonly string[]): Promise<StackPlan> {
        const stack = stackNameOf(stackFilePath);
        if (chain.includes(stack)) {
            throw new PlanInputError(`stack references form a cycle: ${[...chain, stack].join(" -> ")}`);
        }
        const referenced: StackPlan[] = [];
        const settings = readStackFile(this.project, stackFilePath, this.offlineEscSecrets);
        const config = { ...settings.config, ...this.configOverrides[settings.stack] };
        for (;;) {
            this.onStack({
                stack,
                phase: referenced.length === 0 ? "plan" : "rerun",
                readStacks: referenced.map((plan) => plan.stack),
                configuration: { project: this.project.name, organization: this.organization, config, secretKeys: settings.secretKeys },
            });
            // Only the stack asked for is new: the stacks it reads exist already, or it could not read them.
            const attempt = await this.runOnce(settings, config, this.newStack && chain.length === 0);
            if (attempt.unplannedReferences.length === 0) {
                return { ...attempt.plan, referencedStacks: referenced };
            }
            // The program read stacks not planned yet: plan them, then run it again with their outputs.
            for (const reference of attempt.unplannedReferences) {
                const referencedStack = this.localStack(reference, stack);
                // Stack files live together: look for the referenced one beside the referencing one.
                const referencedFile = path.join(path.dirname(stackFilePath), `Pulumi.${referencedStack}.yaml`);
                const plan = await this.plan(referencedFile, [...chain, stack]);
                this.plans.set(referencedStack, plan);
                referenced.push(plan);
            }
        }
    }

    private async runOnce(
        settings: StackSettings,
        config: Readonly<Record<string, string>>,
        newStack: boolean,
    ): Promise<{ plan: StackPlan; unplannedReferences: string[] }> {
        pulumi.runtime.setAllConfig(config, settings.secretKeys);
        const mocks = new OfflineMocks({
            stack: settings.stack,
            newStack,
            stackReferenceOutputs: (name) => {
                // A stack outside this project is left unplanned: plan() then refuses it, exit 2.
                const local = this.localStackName(name);
                const plan = local === undefined ? undefined : this.plans.get(local);
                // Offline secrets are placeholders already: the masked outputs are what a
                // referencing program may read, as it would read an unknown during preview.
                return plan && { outputs: plan.outputs, secretOutputNames: [] };
            },
        });
        await pulumi.runtime.setMocks(mocks, this.project.name, settings.stack, true, this.organization);
        const monitor = new PlanMonitor(mocks);
        // setMocks installs the SDK's monitor and the feature flags it supports; swap in ours,
        // which records what the SDK's drops (parents, providers, options).
        runtimeStore().settings.monitor = monitor;

        const failures: unknown[] = [];
        const onRejection = (reason: unknown) => failures.push(reason);
        process.on("unhandledRejection", onRejection);
        const modulesBefore = new Set(Object.keys(require.cache));
        let programError: unknown;
        // The language host runs the program from the project directory: relative reads resolve there.
        const workingDirectory = process.cwd();
        process.chdir(this.project.directory);
        const downloads = new DownloadsOfRun();
        try {
            delete require.cache[this.project.entry];
            await pulumi.runtime.runInPulumiStack(async () => {
                // What Pulumi's run.js does: a function export is the program, its result the outputs.
                // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the program as the runtime does, fresh each run
                const programExport: unknown = require(this.project.entry);
                return programExport instanceof Function ? programExport() : programExport;
            });
        } catch (error) {
            programError = error;
        }
        try {
            await pulumi.runtime.disconnect();
        } catch (error) {
            failures.push(error);
        } finally {
            process.chdir(workingDirectory);
            await downloads.settled();
        }
        // Node reports an unhandled rejection a macrotask after it happens: let those of this run
        // arrive here, not after the handler is gone.
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
        // Each stack runs in a fresh process under the CLI; drop the program's modules so the next
        // plan evaluates them afresh too.
        for (const loaded of Object.keys(require.cache)) {
            if (!modulesBefore.has(loaded) && !loaded.includes(`${path.sep}node_modules${path.sep}`)) {
                delete require.cache[loaded];
            }
        }

        const unplannedReferences = [...mocks.unplannedReferences];
        if (unplannedReferences.length > 0) {
            return { plan: undefined as never, unplannedReferences };
        }
        if (programError !== undefined && pulumi.RunError.isInstance(programError)) {
            throw new PlanInputError((programError as Error).message);
        }
        if (mocks.unmockedInvokes.size > 0) {
            throw new PlanRunError(
                `${settings.file}: the program calls invokes the offline planner cannot answer:\n` +
                    [...mocks.unmockedInvokes]
                        .map((token) => `  - no offline mock for invoke "${token}"; add one to tools/plan/mocks.ts`)
                        .join("\n"),
            );
        }
        if (mocks.nameViolations.length > 0) {
            throw new PlanRunError(
                `${settings.file}: the providers would refuse these names:\n` +
                    [...new Set(mocks.nameViolations.map(describeViolation))].map((violation) => `  - ${violation}`).join("\n"),
            );
        }
        // One error rejects every promise chained on it: report each once, as the language host
        // does (pulumi/pulumi sdk/nodejs/cmd/run/run.ts, isErrorReported).
        const errors = withoutDownloadEchoes([...new Set([programError, ...failures])].filter((error) => error !== undefined));
        if (errors.length > 0 || runtimeStore().logErrorCount > 0) {
            const details = errors.map(describeProgramError);
            throw new PlanRunError(`${settings.file}: the program failed while planning\n${details.join("\n") || "see the errors above"}`);
        }
        return {
            plan: {
                project: this.project.name,
                stack: settings.stack,
                stackFile: settings.file,
                resources: monitor.planned,
                outputs: monitor.stackOutputs,
                referencedStacks: [],
                organization: this.organization,
                config,
                secretKeys: settings.secretKeys,
            },
            unplannedReferences: [],
        };
    }

    /** Maps a StackReference name (`org/project/stack` or `stack`) to a stack of this project. */
    private localStack(reference: string, fromStack: string): string {
        const local = this.localStackName(reference);
        if (local === undefined) {
            throw new PlanInputError(
                `Pulumi.${fromStack}.yaml: StackReference "${reference}" names a stack outside project ${this.project.name}, ` +
                    "whose program and stack file are not here to plan; offline plans resolve <organization>/<project>/<stack> " +
                    `(or <stack>) names of project ${this.project.name} only`,
            );
        }
        return local;
    }

    /** The stack of this project that a StackReference name names, if it names one. */
    private localStackName(reference: string): string | undefined {
        const parts = reference.split("/");
        if (parts.length === 1 || (parts.length === 3 && parts[1] === this.project.name)) {
            return parts[parts.length - 1];
        }
        return undefined;
    }
}

/** The options of a registration that `sdkInternals.ts`'s request type does not list. */
interface RegisterResourceRequestOptions {
    getIgnorechangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
}

/**
 * The SDK's mock monitor, recording each registration whole: the SDK hands its mocks the type,
 * name and inputs only, while a faithful plan also needs the parent, the provider and the options.
 */
class PlanMonitor extends MockMonitor {
    readonly planned: PlannedResource[] = [];
    /** Where each URN sits in `planned`, for the outputs a component registers later. */
    private readonly positions = new Map<string, number>();
    stackOutputs: Record<string, unknown> = {};

    constructor(private readonly mocks: OfflineMocks) {
        super(mocks);
    }

    override async registerResource(
        request: RegisterResourceRequest & RegisterResourceRequestOptions,
        callback: (error: Error | null, response?: RegisterResourceResponse) => void,
    ): Promise<void> {
        await super.registerResource(request, (error, response) => {
            if (!error && response) {
                const inputs = this.mocks.checkedInputs(request.getType(), request.getName(), request.getObject()?.toJavaScript() ?? {});
                if (request.getType().startsWith("pulumi:providers:")) {
                    this.mocks.recordProvider(`${response.getUrn()}::${response.getId()}`, plain(inputs, false) as Record<string, unknown>);
                }
                this.record({
                    urn: response.getUrn(),
                    type: request.getType(),
                    name: request.getName(),
                    parent: request.getParent() || null,
                    provider: providerUrn(request.getProvider()),
                    custom: request.getCustom(),
                    inputs: plain(inputs, true) as Record<string, unknown>,
                    analyzerInputs: inputs,
                    analyzerOutputs: engineOutputs(
                        response.getObject()?.toJavaScript() ?? {},
                        inputs,
                        request.getAdditionalsecretoutputsList(),
                    ),
                    protect: request.getProtect(),
                    retainOnDelete: request.getRetainondelete(),
                    deleteBeforeReplace: deleteBeforeReplaceOption(request),
                    ignoreChanges: request.getIgnorechangesList(),
                    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
                    dependencies: request.getDependenciesList(),
                    propertyDependencies: propertyDependencies(request),
                    sourcePosition: sourcePosition(request),
                });
            }
            callback(error, response);
        });
    }

    override async readResource(
        request: ReadResourceRequest,
        callback: (error: Error | null, response?: ReadResourceResponse) => void,
    ): Promise<void> {
        await super.readResource(request, (error, response) => {
            if (!error && response) {
                this.record({
                    urn: response.getUrn(),
                    type: request.getType(),
                    name: request.getName(),
                    parent: request.getParent() || null,
                    provider: providerUrn(request.getProvider()),
                    custom: true,
                    inputs: plain(request.getProperties()?.toJavaScript() ?? {}, true) as Record<string, unknown>,
                    analyzerInputs: request.getProperties()?.toJavaScript() ?? {},
                    analyzerOutputs: response.getProperties()?.toJavaScript() ?? {},
                    protect: false,
                    retainOnDelete: false,
                    ignoreChanges: [],
                    additionalSecretOutputs: [],
                    dependencies: [],
                    propertyDependencies: {},
                });
            }
            callback(error, response);
        });
    }

    private record(resource: PlannedResource): void {
        this.positions.set(resource.urn, this.planned.length);
        this.planned.push(resource);
    }

    override registerResourceOutputs(
        request: RegisterResourceOutputsRequest,
        callback: (error: Error | null, response?: unknown) => void,
    ): void {
        const outputs = request.getOutputs()?.toJavaScript() ?? {};
        if (request.getUrn().split("::")[2] === "pulumi:pulumi:Stack") {
            this.stackOutputs = plain(outputs, true) as Record<string, unknown>;
        }
        // A component's outputs (and the stack's) are what it registers, not what it was registered with.
        const position = this.positions.get(request.getUrn());
        if (position !== undefined) {
            this.planned[position] = { ...this.planned[position], analyzerOutputs: outputs };
        }
        super.registerResourceOutputs(request, callback);
    }
}

/**
 * A resource's outputs as the engine keeps them: a top-level output is made secret when its input
 * was secret, or when `additionalSecretOutputs` names it (`continueExecuteStep` in pulumi/pulumi
 * `pkg/resource/deploy/step_executor.go`; it never makes `id` secret, which is not among the outputs here).
 */
function engineOutputs(
    outputs: Record<string, unknown>,
    inputs: Record<string, unknown>,
    additionalSecret: readonly string[],
): Record<string, unknown> {
    const isSecret = (value: unknown) =>
        typeof value === "object" && value !== null && (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;
    return Object.fromEntries(
        Object.entries(outputs).map(([key, value]) =>
            !isSecret(value) && (isSecret(inputs[key]) || additionalSecret.includes(key))
                ? [key, { [specialSigKey]: specialSecretSig, value }]
                : [key, value],
        ),
    );
}

/** The marker that stands for a secret value in plans, reports and JSON. */
export const SECRET_MARKER = "[secret]";

/**
 * Turns the runtime's serialized properties into plain JSON: secrets become "[secret]" (or their
 * value, when `maskSecrets` is false), resource references their URN.
 */
function plain(value: unknown, maskSecrets: boolean): unknown {
    if (Array.isArray(value)) {
        return value.map((item) => plain(item, maskSecrets));
    }
    if (value === unknownValue) {
        return "[unknown]";
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) {
        return maskSecrets ? SECRET_MARKER : plain(record.value, maskSecrets);
    }
    if (record[specialSigKey] === specialResourceSig) {
        return record.urn;
    }
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, plain(item, maskSecrets)]));
}

const PLANNER_DIRECTORY = __dirname;

/**
 * A program error as the language host reports it: a RunError, or a ResourceError that hides its
 * stack, by its message alone; anything else with its trace, cut to the program's own frames
 * (the loader's, the runtime's and the planner's frames say nothing about the program).
 */
function describeProgramError(error: unknown): string {
    if (pulumi.RunError.isInstance(error)) {
        return (error as Error).message;
    }
    if (pulumi.ResourceError.isInstance(error) && error.hideStack) {
        return error.message;
    }
    if (!(error instanceof Error)) {
        return String(error);
    }
    const lines = (error.stack ?? error.message).split("\n");
    const frames = lines.filter((line) => /^\s+at /.test(line));
    const heading = lines.filter((line) => !/^\s+at /.test(line));
    const programFrames = frames.filter(
        (frame) =>
            !frame.includes("node:internal") && !frame.includes(`${path.sep}node_modules${path.sep}`) && !frame.includes(PLANNER_DIRECTORY),
    );
    return [...heading, ...(programFrames.length > 0 ? programFrames : frames.slice(0, 1))].join("\n");
}

/**
 * The option as the engine records it (pulumi/pulumi `pkg/resource/deploy/source_eval.go`,
 * `RegisterResource`): the SDK sends `false` for an unset option and says so with the defined flag
 * (`@pulumi/pulumi` runtime/resource.ts); the engine keeps the option when the flag is set, or
 * when the value is true (the Go SDK never sets the flag), and leaves it unset otherwise.
 */
function deleteBeforeReplaceOption(request: RegisterResourceRequest): boolean | undefined {
    return request.getDeletebeforereplacedefined() || request.getDeletebeforereplace() ? request.getDeletebeforereplace() : undefined;
}

function sourcePosition(request: RegisterResourceRequest): PlannedResource["sourcePosition"] {
    const position = request.getSourceposition();
    if (!position?.getUri().startsWith("file://")) {
        return undefined;
    }
    return { file: fileURLToPath(position.getUri()), line: position.getLine() };
}

function propertyDependencies(request: RegisterResourceRequest): Record<string, string[]> {
    const dependencies: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((value, key) => {
        dependencies[key] = value.getUrnsList();
    });
    return dependencies;
}

function providerUrn(reference: string): string | null {
    return reference ? reference.slice(0, reference.lastIndexOf("::")) : null;
}

/**
 * The downloads (`fetch`) made while a program runs, which the run waits for before it ends.
 * Under the CLI each stack's program is its own process (the Node.js language host's `Run` starts
 * Node for it: `execRuntime` in pulumi/pulumi `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`),
 * which a download's late failure ends as an unhandled rejection of that program; in one planner
 * process it would otherwise arrive in whichever stack runs next, and fail that one instead. Runs
 * are one at a time, so every download started meanwhile is the program's, or a moment's wait for
 * a download of its caller's.
 */
class DownloadsOfRun {
    private readonly started: Promise<unknown>[] = [];
    private readonly fetch = globalThis.fetch;

    constructor() {
        globalThis.fetch = (...args) => {
            const response = this.fetch(...args);
            this.started.push(response);
            return response;
        };
    }

    /** Stops tracking, then waits until every download made meanwhile has answered or failed. */
    async settled(): Promise<void> {
        globalThis.fetch = this.fetch;
        await Promise.allSettled(this.started);
    }
}

function stackNameOf(stackFilePath: string): string {
    const match = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(stackFilePath));
    if (!match) {
        throw new PlanInputError(`${stackFilePath}: a stack file is named Pulumi.<stack>.yaml`);
    }
    return match[1];
}

/**
 * Without a network, an SDK that downloads content itself (yaml.ConfigFile v1 fetches a manifest
 * URL in the program: pulumi/pulumi-kubernetes `sdk/nodejs/yaml/yaml.ts`, `fetch(fileId)`) fails with a bare "fetch failed" besides the planner's own error, which names
 * the resource and the URL. The bare one says nothing more, so it is left out: the error prints once.
 */
function withoutDownloadEchoes(errors: unknown[]): unknown[] {
    const named = errors.some((error) => error instanceof Error && error.message.includes(REMOTE_CONTENT_MARK));
    return named ? errors.filter((error) => !(error instanceof TypeError && error.message === "fetch failed")) : errors;
}
