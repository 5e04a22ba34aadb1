import { status as grpcStatus } from "@grpc/grpc-js";
import { AnalyzerService } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { BinaryReader } from "google-protobuf";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { specialOutputValueSig, specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { PlannedResource, StackPlan } from "../plan/planner";
import { PackProcess, type PackProcessOptions } from "./packProcess";
import { repeatedMessageField, structBytes, withMessageFields } from "./structWire";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
export type Severity = "low" | "medium" | "high" | "critical" | "unspecified";

/** A policy as its pack describes it over the protocol. */
export interface PolicyInfo {
    readonly name: string;
    readonly description: string;
    readonly kind: "resource" | "stack" | "unknown";
    readonly enforcementLevel: EnforcementLevel;
    readonly severity: Severity;
    readonly tags: readonly string[];
    readonly remediationSteps: string;
    readonly url: string;
    readonly configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

export interface PackInfo {
    readonly name: string;
    readonly version: string;
    readonly directory: string;
    readonly policies: readonly PolicyInfo[];
    /** Config the pack supplies itself (`new PolicyPack(..., initialConfig)`). */
    readonly initialConfig: Readonly<Record<string, PolicyConfig>>;
    /** Whether the pack takes config (`AnalyzerInfo.supportsConfig`; `@pulumi/policy` always does). */
    readonly supportsConfig: boolean;
}

/** What one remediation policy did to one resource. */
export interface Remediation {
    readonly pack: string;
    readonly policy: string;
    readonly urn: string;
    /** The resource's inputs after the remediation; absent when it could not run. */
    readonly properties?: Record<string, unknown>;
    /** Why it could not run (e.g. an unknown value during preview), reported as an advisory. */
    readonly diagnostic?: string;
}

/** Config of one policy as the engine hands it to a pack. */
export interface PolicyConfig {
    readonly enforcementLevel?: EnforcementLevel;
    readonly properties?: Record<string, unknown>;
}

/** A diagnostic a pack reported, as the engine would receive it. */
export interface Diagnostic {
    readonly pack: string;
    readonly policy: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly severity: Severity;
    readonly urn: string;
}

const LEVELS: Record<number, EnforcementLevel> = {
    [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
    [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES = Object.fromEntries(Object.entries(LEVELS).map(([code, level]) => [level, Number(code)])) as Record<
    EnforcementLevel,
    number
>;
const SEVERITIES: Record<number, Severity> = {
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED]: "unspecified",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

export interface CallLimits {
    /** Seconds one call may take before the pack counts as hung. @default 60 */
    readonly callTimeoutSec?: number;
    /** Analyze calls in flight per pack. @default 64 */
    readonly concurrency?: number;
}

/**
 * One pack, spoken to as the engine speaks to it: `getAnalyzerInfo`, `configure`, `analyze` for
 * every resource, then `analyzeStack` once.
 */
export class AnalyzerSession {
    /** Pack processes started for a stack, by the stack's identity (`stackIdentity`). */
    private readonly stackProcesses = new Map<string, Promise<PackProcess>>();

    /** What each process said of its pack (`getAnalyzerInfo`), asked once per process. */
    private readonly processInfo = new WeakMap<PackProcess, Promise<PackInfo>>();

    private constructor(
        /** The pack as started first: it checks the stack it was started for. */
        readonly process: PackProcess,
        /** What the pack started first says of itself: its name and policies, for listing them. */
        readonly info: PackInfo,
        private readonly limits: Required<CallLimits>,
        private readonly processOptions: PackProcessOptions,
        firstStack: AnalyzedStack | undefined,
    ) {
        this.processInfo.set(process, Promise.resolve(info));
        if (firstStack?.configuration) {
            // `open` has configured it for that stack already.
            this.stackConfigured.set(process, stackIdentity(firstStack));
            this.stackProcesses.set(stackIdentity(firstStack), Promise.resolve(process));
        }
    }

    /**
     * Starts the pack and asks it for its policies. Given the stack it will check first, the
     * process starts as the engine starts it for that stack (in the stack's environment) and
     * checks it, as the engine's own first process for the pack does; else it starts bare.
     */
    static async open(
        directory: string,
        options: PackProcessOptions & CallLimits = {},
        firstStack?: AnalyzedStack,
    ): Promise<AnalyzerSession> {
        const pack = await PackProcess.start(directory, AnalyzerSession.processOptionsFor(options, firstStack));
        const limits = { callTimeoutSec: options.callTimeoutSec ?? 60, concurrency: options.concurrency ?? 64 };
        try {
            // The engine tells a pack its stack before anything else: `NewPolicyAnalyzer` calls
            // `ConfigureStack` as it loads the pack, `GetAnalyzerInfo` comes later
            // (pulumi/pulumi `pkg/resource/plugin/analyzer_plugin.go`).
            if (firstStack?.configuration) {
                await AnalyzerSession.configureStack(pack, firstStack, limits.callTimeoutSec);
            }
            return new AnalyzerSession(pack, await AnalyzerSession.describe(pack, limits.callTimeoutSec), limits, options, firstStack);
        } catch (error) {
            pack.kill();
            throw error;
        }
    }

    private static processOptionsFor(options: PackProcessOptions, stack: AnalyzedStack | undefined): PackProcessOptions {
        return stack?.configuration ? { ...options, env: { ...options.env, ...packEnvironment(stack) } } : options;
    }

    get name(): string {
        return this.info.name;
    }

    /**
     * The pack process that checks a stack, started and configured as the engine starts a Node.js
     * pack for it. The engine sends `ConfigureStack` first (`NewPolicyAnalyzer` in pulumi/pulumi
     * `pkg/resource/plugin/analyzer_plugin.go`: organization, project, stack, the decrypted config,
     * its secret keys, dry run, tags); the Node.js language host's policy proxy holds that call,
     * starts the pack with the stack in its environment, then forwards the call to it
     * (`RunPlugin` in `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`, `sdk/policy_proxy.go`).
     * So `pulumi.getStack()` and `new pulumi.Config()` work in a pack from its first line. Each
     * stack gets its own process, as each `pulumi preview` does. Without a planned stack's
     * configuration (resources made by hand), the pack started first checks them, told the stack
     * named by their URNs.
     */
    processFor(stack: AnalyzedStack | undefined): Promise<PackProcess> {
        if (!stack?.configuration) {
            return stack ? this.configureOnce(this.process, stack) : Promise.resolve(this.process);
        }
        return (
            this.stackProcesses.get(stackIdentity(stack)) ??
            this.adopt(stack, AnalyzerSession.startFor(this.info.directory, this.processOptions, stack))
        );
    }

    /**
     * Starts a pack's process for a stack as `processFor` does, before any session of the pack
     * exists; `adopt` then hands it to the session. So a stack's packs can start the moment the
     * planner starts the stack, while the first stack's packs are still starting.
     */
    static startFor(directory: string, options: PackProcessOptions, stack: AnalyzedStack): Promise<PackProcess> {
        return PackProcess.start(directory, AnalyzerSession.processOptionsFor(options, stack));
    }

    /**
     * Makes a process started with `startFor` the one that checks its stack; it is configured for
     * the stack as it comes up. A stack that has its process already keeps it, and this one stops.
     */
    adopt(stack: AnalyzedStack, started: Promise<PackProcess>): Promise<PackProcess> {
        const identity = stackIdentity(stack);
        const existing = this.stackProcesses.get(identity);
        if (existing) {
            started.then(
                (pack) => pack.kill(),
                () => undefined,
            );
            return existing;
        }
        const configured = started.then(async (pack) => {
            try {
                return await this.configureOnce(pack, stack);
            } catch (error) {
                pack.kill();
                throw error;
            }
        });
        configured.catch(() => this.stackProcesses.delete(identity));
        this.stackProcesses.set(identity, configured);
        return configured;
    }

    /**
     * What the pack says of itself in this process. The engine asks each pack it loads for a
     * stack, then reconciles that stack's policy config against the answer and reports with it
     * (`loadPolicyPlugins` in pulumi/pulumi `pkg/engine/update.go`): a pack can choose its policies
     * by the stack it is loaded for (`pulumi.getStack()` works as it loads), so one stack's answer
     * does not hold for another's process.
     */
    infoOf(pack: PackProcess): Promise<PackInfo> {
        let info = this.processInfo.get(pack);
        if (!info) {
            info = AnalyzerSession.describe(pack, this.limits.callTimeoutSec);
            this.processInfo.set(pack, info);
        }
        return info;
    }

    private static async describe(pack: PackProcess, timeoutSec: number): Promise<PackInfo> {
        const info = await pack.call<analyzerProto.AnalyzerInfo>("getAnalyzerInfo", timeoutSec, (metadata, options, callback) =>
            pack.client.getAnalyzerInfo(new Empty(), metadata, options, callback),
        );
        return toPackInfo(pack.directory, info);
    }

    private readonly stackConfigured = new WeakMap<PackProcess, string>();

    private async configureOnce(pack: PackProcess, stack: AnalyzedStack): Promise<PackProcess> {
        const identity = stackIdentity(stack);
        if (this.stackConfigured.get(pack) !== identity) {
            this.stackConfigured.set(pack, identity);
            await AnalyzerSession.configureStack(pack, stack, this.limits.callTimeoutSec);
        }
        return pack;
    }

    async configure(pack: PackProcess, config: Readonly<Record<string, PolicyConfig>>): Promise<void> {
        const request = new analyzerProto.ConfigureAnalyzerRequest();
        const map = request.getPolicyconfigMap();
        for (const [policy, policyConfig] of Object.entries(config)) {
            const message = new analyzerProto.PolicyConfig();
            message.setEnforcementlevel(LEVEL_CODES[policyConfig.enforcementLevel ?? "advisory"]);
            message.setProperties(Struct.fromJavaScript((policyConfig.properties ?? {}) as never));
            map.set(policy, message);
        }
        await pack.call("configure", this.limits.callTimeoutSec, (metadata, options, callback) =>
            pack.client.configure(request, metadata, options, callback),
        );
    }

    /**
     * Tells the pack which stack it checks, with the request the engine builds (`NewPolicyAnalyzer`
     * in pulumi/pulumi `pkg/resource/plugin/analyzer_plugin.go`); a pack that does not implement
     * the call is left alone, as the engine leaves it. An offline plan is a preview. Stack tags
     * live in the Pulumi Cloud backend, not in the project: offline there are none.
     */
    private static async configureStack(pack: PackProcess, stack: AnalyzedStack, timeoutSec: number): Promise<void> {
        const request = new analyzerProto.AnalyzerStackConfigureRequest();
        request.setStack(stack.stack);
        request.setProject(stack.project);
        request.setOrganization(stack.configuration?.organization ?? OFFLINE_ORGANIZATION);
        request.setDryRun(true);
        const config = request.getConfigMap();
        for (const [key, value] of Object.entries(stack.configuration?.config ?? {})) {
            config.set(key, value);
        }
        request.setConfigSecretKeysList([...(stack.configuration?.secretKeys ?? [])]);
        await pack.call("configureStack", timeoutSec, (metadata, options, callback) =>
            pack.client.configureStack(request, metadata, options, (error, response) =>
                error?.code === grpcStatus.UNIMPLEMENTED
                    ? callback(null, new analyzerProto.AnalyzerStackConfigureResponse())
                    : callback(error, response),
            ),
        );
    }

    /** Analyzes each resource as the engine does when it registers; returns the diagnostics. */
    async analyze(pack: PackProcess, requests: AnalysisRequests): Promise<Diagnostic[]> {
        const diagnostics: Diagnostic[] = [];
        let next = 0;
        const worker = async () => {
            while (next < requests.resources.length) {
                const { urn, bytes } = requests.resources[next++];
                const response = await this.send(pack, `analyze of ${urn}`, AnalyzerService.analyze.path, bytes, diagnosticsOnly);
                diagnostics.push(...response.getDiagnosticsList().map((diagnostic) => toDiagnostic(diagnostic, urn)));
            }
        };
        await Promise.all(Array.from({ length: Math.min(this.limits.concurrency, requests.resources.length) }, worker));
        return diagnostics;
    }

    /**
     * Asks the pack to remediate one resource, with the same request as Analyze; returns what it
     * changed (`properties`, the resource's new inputs as the engine would take them) and what it
     * could not do (`diagnostic`), in the order of its policies.
     */
    async remediate(pack: PackProcess, urn: string, bytes: Buffer): Promise<Remediation[]> {
        const response = await this.send(
            pack,
            `remediate of ${urn}`,
            AnalyzerService.remediate.path,
            bytes,
            analyzerProto.RemediateResponse.deserializeBinary,
        );
        return response.getRemediationsList().map((remediation) => ({
            pack: remediation.getPolicypackname(),
            policy: remediation.getPolicyname(),
            urn,
            properties: remediation.getDiagnostic() ? undefined : (remediation.getProperties()?.toJavaScript() ?? {}),
            diagnostic: remediation.getDiagnostic() || undefined,
        }));
    }

    /** Analyzes the whole stack once, after every resource. */
    async analyzeStack(pack: PackProcess, requests: AnalysisRequests): Promise<Diagnostic[]> {
        const response = await this.send(pack, "analyzeStack", AnalyzerService.analyzeStack.path, requests.stack, diagnosticsOnly);
        return response.getDiagnosticsList().map((diagnostic) => toDiagnostic(diagnostic, ""));
    }

    /** Sends a request serialized once for all packs; `decode` reads the response. */
    private send<Response>(
        pack: PackProcess,
        what: string,
        methodPath: string,
        bytes: Buffer,
        decode: (bytes: Uint8Array) => Response,
    ): Promise<Response> {
        return pack.call<Response>(what, this.limits.callTimeoutSec, (metadata, options, callback) =>
            pack.client.makeUnaryRequest(methodPath, (request: Buffer) => request, decode, bytes, metadata, options, callback),
        );
    }

    close(): void {
        this.process.kill();
        for (const started of this.stackProcesses.values()) {
            started.then(
                (pack) => pack.kill(),
                () => undefined,
            );
        }
        this.stackProcesses.clear();
    }
}

/** What the engine knows of a stack beyond its URNs: its organization and its config. */
export interface StackConfiguration {
    readonly organization: string;
    /** Full keys (`namespace:key`) to values as the program reads them (secrets decrypted). */
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
}

/** The organization an offline plan runs as, unless told otherwise. */
const OFFLINE_ORGANIZATION = "organization";

/** Two checks of the same stack with the same configuration share its pack processes. */
export function stackIdentity(stack: AnalyzedStack): string {
    const configuration = stack.configuration;
    return JSON.stringify([
        stack.stack,
        stack.project,
        configuration ? [configuration.organization, configuration.config, configuration.secretKeys] : null,
    ]);
}

/**
 * The environment the Node.js language host adds for a pack once it knows the stack (`RunPlugin`
 * in pulumi/pulumi `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`): the `PULUMI_NODEJS_*`
 * settings `@pulumi/pulumi` reads, and the config as JSON; empty values are left out, as it
 * leaves them out. The secret keys travel only in `ConfigureStack`.
 */
export function packEnvironment(stack: AnalyzedStack): Record<string, string> {
    const environment: Record<string, string> = {
        PULUMI_NODEJS_ORGANIZATION: stack.configuration?.organization ?? OFFLINE_ORGANIZATION,
        PULUMI_NODEJS_PROJECT: stack.project,
        PULUMI_NODEJS_STACK: stack.stack,
        PULUMI_NODEJS_DRY_RUN: "true",
    };
    if (stack.configuration) {
        environment.PULUMI_CONFIG = JSON.stringify(stack.configuration.config);
    }
    return Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ""));
}

/**
 * The requests of one analysis, built and serialized once and sent to every pack: the engine
 * sends each pack the same request, and building a protobuf Struct per pack would triple the cost.
 */
export class AnalysisRequests {
    private constructor(
        readonly resources: readonly { urn: string; bytes: Buffer }[],
        readonly stack: Buffer,
        /** The stack the resources belong to: the planned stack given, else the one their URNs name. */
        readonly context: AnalyzedStack | undefined,
    ) {}

    static of(resources: readonly PlannedResource[], stack?: AnalyzedStack): AnalysisRequests {
        const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
        // A provider is serialized once, however many resources it manages.
        const providers = new Map<string, Uint8Array | undefined>();
        const provider = (resource: PlannedResource) => {
            if (!resource.provider) {
                return undefined;
            }
            if (!providers.has(resource.provider)) {
                const found = byUrn.get(resource.provider);
                providers.set(resource.provider, found && providerBytes(found));
            }
            return providers.get(resource.provider);
        };
        const properties = new Map(resources.map((resource) => [resource.urn, propertiesOf(resource.analyzerInputs)]));
        // AnalyzeStack reads each resource's outputs, Analyze its inputs (`AnalyzeResources` and
        // `analyzeAll` in pulumi/pulumi `pkg/resource/deploy/step_generator.go`); a resource made by
        // hand has no outputs, and its inputs stand for them.
        const outputs = (resource: PlannedResource) =>
            resource.analyzerOutputs ? propertiesOf(resource.analyzerOutputs) : properties.get(resource.urn)!;
        // Reads (StackReference) are not registrations; the engine does not analyze them.
        const analyzed = resources
            .filter((resource) => resource.type !== "pulumi:pulumi:StackReference")
            .map((resource) => ({
                urn: resource.urn,
                bytes: analyzeRequestBytes(resource, properties.get(resource.urn)!, provider(resource)),
            }));
        const stackResources = resources.map((resource) => {
            const message = describe(new analyzerProto.AnalyzerResource(), resource);
            message.setParent(resource.parent ?? "");
            message.setDependenciesList([...resource.dependencies]);
            const propertyDependencies = message.getPropertydependenciesMap();
            for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
                const dependencies = new analyzerProto.AnalyzerPropertyDependencies();
                dependencies.setUrnsList([...urns]);
                propertyDependencies.set(property, dependencies);
            }
            return withMessageFields(message.serializeBinary(), [
                [PROPERTIES_FIELD, outputs(resource)],
                [PROVIDER_FIELD, provider(resource)],
            ]);
        });
        return new AnalysisRequests(
            analyzed,
            repeatedMessageField(STACK_RESOURCES_FIELD, stackResources),
            stack ?? stackNamedByUrns(resources),
        );
    }

    /** One resource's Analyze request (Remediate takes the same), with the provider as it stands now. */
    static analyzeRequest(resource: PlannedResource, provider: PlannedResource | undefined): Buffer {
        return analyzeRequestBytes(resource, propertiesOf(resource.analyzerInputs), provider && providerBytes(provider));
    }
}

// Field numbers in pulumi/pulumi `proto/pulumi/analyzer.proto`: `properties` and `provider` of
// AnalyzeRequest and AnalyzerResource (properties of AnalyzerProviderResource too), and
// AnalyzeStackRequest's `resources`.
const PROPERTIES_FIELD = 2;
const PROVIDER_FIELD = 6;
const STACK_RESOURCES_FIELD = 1;

/** Properties as the engine marshals them for a pack, in the wire format of a `Struct`. */
function propertiesOf(properties: Record<string, unknown>): Uint8Array {
    return structBytes(engineProperties(properties) as Record<string, unknown>);
}

function analyzeRequestBytes(resource: PlannedResource, properties: Uint8Array, provider: Uint8Array | undefined): Buffer {
    return withMessageFields(describe(new analyzerProto.AnalyzeRequest(), resource).serializeBinary(), [
        [PROPERTIES_FIELD, properties],
        [PROVIDER_FIELD, provider],
    ]);
}

/**
 * What an Analyze request and an AnalyzeStack request's entry say alike about a resource, but
 * its properties and provider, which are appended already serialized (`withMessageFields`).
 */
function describe<Message extends analyzerProto.AnalyzeRequest | analyzerProto.AnalyzerResource>(
    message: Message,
    resource: PlannedResource,
): Message {
    message.setType(resource.type);
    message.setUrn(resource.urn);
    message.setName(resource.name);
    message.setOptions(resourceOptions(resource));
    return message;
}

/** What the engine tells a pack about the stack (`AnalyzerStackConfigureRequest`). */
export interface AnalyzedStack {
    readonly stack: string;
    readonly project: string;
    /** Known when the resources come from a planned stack. */
    readonly configuration?: StackConfiguration;
}

/** A planned stack as the packs that check it know it: the one identity of a planned stack's processes. */
export function analyzedPlan(plan: Pick<StackPlan, "stack" | "project" | "organization" | "config" | "secretKeys">): AnalyzedStack {
    return {
        stack: plan.stack,
        project: plan.project,
        configuration: { organization: plan.organization, config: plan.config, secretKeys: plan.secretKeys },
    };
}

/**
 * For resources made by hand, without a planned stack: the stack and project the first URN names
 * (`urn:pulumi:<stack>::<project>::<type>::<name>`), without configuration.
 */
function stackNamedByUrns(resources: readonly PlannedResource[]): AnalyzedStack | undefined {
    const match = resources.length > 0 ? /^urn:pulumi:([^:]+)::([^:]+)::/.exec(resources[0].urn) : null;
    return match ? { stack: match[1], project: match[2] } : undefined;
}

/**
 * Properties as the engine marshals them for analyzers: `MarshalProperties` with KeepUnknowns,
 * KeepSecrets and SkipInternalKeys, but neither KeepResources nor KeepOutputValues (pulumi's
 * `sdk/go/common/resource/plugin/analyzer_plugin.go` and `rpc.go`). So a resource reference
 * becomes its id, or its URN when it has none (a component); an output value becomes its value,
 * or the unknown sentinel, wrapped as a secret when it is one; keys starting with "__" are
 * dropped. Secrets, unknowns, assets and archives pass as the runtime sent them. A pack therefore
 * never sees a signature `@pulumi/policy` cannot decode.
 */
export function engineProperties(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(engineProperties);
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const record = value as Record<string, unknown>;
    switch (record[specialSigKey]) {
        case specialResourceSig:
            return "id" in record ? engineProperties(record.id) : record.urn;
        case specialOutputValueSig: {
            const element = "value" in record ? engineProperties(record.value) : unknownValue;
            return record.secret === true ? { [specialSigKey]: specialSecretSig, value: element } : element;
        }
        case specialSecretSig:
            return { [specialSigKey]: specialSecretSig, value: engineProperties(record.value) };
    }
    return Object.fromEntries(
        Object.entries(record)
            .filter(([key]) => !key.startsWith("__"))
            .map(([key, item]) => [key, engineProperties(item)]),
    );
}

function resourceOptions(resource: PlannedResource): analyzerProto.AnalyzerResourceOptions {
    const options = new analyzerProto.AnalyzerResourceOptions();
    // The engine sends the options the program registered (`marshalResourceOptions` in pulumi's
    // `sdk/go/common/resource/plugin/analyzer_plugin.go`); the plan records them.
    options.setProtect(resource.protect);
    options.setIgnorechangesList([...(resource.ignoreChanges ?? [])]);
    options.setDeletebeforereplace(resource.deleteBeforeReplace ?? false);
    options.setDeletebeforereplacedefined(resource.deleteBeforeReplace !== undefined);
    options.setAdditionalsecretoutputsList([...(resource.additionalSecretOutputs ?? [])]);
    options.setAliasesList([]);
    options.setCustomtimeouts(new analyzerProto.AnalyzerResourceOptions.CustomTimeouts());
    options.setParent(resource.parent ?? "");
    return options;
}

function providerBytes(provider: PlannedResource): Uint8Array {
    const message = new analyzerProto.AnalyzerProviderResource();
    message.setType(provider.type);
    message.setUrn(provider.urn);
    message.setName(provider.name);
    return withMessageFields(message.serializeBinary(), [[PROPERTIES_FIELD, propertiesOf(provider.analyzerInputs)]]);
}

/** `AnalyzeResponse.diagnostics` (pulumi/pulumi `proto/pulumi/analyzer.proto`). */
const DIAGNOSTICS_FIELD = 2;

/**
 * An `AnalyzeResponse` decoded for its diagnostics only. `@pulumi/policy` answers every resource
 * with a `not_applicable` entry for each policy that does not apply to it (`makeAnalyzeRpcFun` in
 * pulumi/pulumi-policy `sdk/nodejs/policy/server.ts`); the engine makes policy summaries of them,
 * which an offline check does not show, and decoding them was most of the decoding for 5,000
 * resources (`npm run bench:policy`). Other fields are skipped, as protobuf skips fields it does
 * not know.
 */
export function diagnosticsOnly(bytes: Uint8Array): analyzerProto.AnalyzeResponse {
    const response = new analyzerProto.AnalyzeResponse();
    const reader = new BinaryReader(bytes);
    while (reader.nextField() && !reader.isEndGroup()) {
        if (reader.getFieldNumber() === DIAGNOSTICS_FIELD) {
            const diagnostic = new analyzerProto.AnalyzeDiagnostic();
            reader.readMessage(diagnostic, analyzerProto.AnalyzeDiagnostic.deserializeBinaryFromReader);
            response.addDiagnostics(diagnostic);
        } else {
            reader.skipField();
        }
    }
    return response;
}

function toDiagnostic(diagnostic: analyzerProto.AnalyzeDiagnostic, urn: string): Diagnostic {
    // @pulumi/policy sends "<description>\n<message>", and the description on its own too.
    const description = diagnostic.getDescription();
    const message = diagnostic.getMessage();
    return {
        pack: diagnostic.getPolicypackname(),
        policy: diagnostic.getPolicyname(),
        message: description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message,
        enforcementLevel: LEVELS[diagnostic.getEnforcementlevel()],
        severity: SEVERITIES[diagnostic.getSeverity()] ?? "unspecified",
        urn: diagnostic.getUrn() || urn,
    };
}

function toPackInfo(directory: string, info: analyzerProto.AnalyzerInfo): PackInfo {
    const initialConfig: Record<string, PolicyConfig> = {};
    info.getInitialconfigMap().forEach((config, policy) => {
        initialConfig[policy] = {
            enforcementLevel: LEVELS[config.getEnforcementlevel()],
            properties: (config.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
        };
    });
    return {
        name: info.getName(),
        version: info.getVersion(),
        directory,
        initialConfig,
        supportsConfig: info.getSupportsconfig(),
        policies: info.getPoliciesList().map((policy) => {
            const schema = policy.getConfigschema();
            const kind = policy.getPolicyType();
            return {
                name: policy.getName(),
                description: policy.getDescription(),
                kind:
                    kind === analyzerProto.PolicyType.POLICY_TYPE_RESOURCE
                        ? "resource"
                        : kind === analyzerProto.PolicyType.POLICY_TYPE_STACK
                          ? "stack"
                          : "unknown",
                enforcementLevel: LEVELS[policy.getEnforcementlevel()],
                severity: SEVERITIES[policy.getSeverity()] ?? "unspecified",
                tags: policy.getTagsList(),
                remediationSteps: policy.getRemediationSteps(),
                url: policy.getUrl(),
                configSchema: schema
                    ? {
                          properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
                          required: schema.getRequiredList(),
                      }
                    : undefined,
            };
        }),
    };
}
