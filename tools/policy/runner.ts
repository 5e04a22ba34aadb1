import * as path from "node:path";
import { EXEMPTED_MARKER, EXEMPTED_VIOLATIONS_POLICY } from "../../policies/lib/exemptions";
import type { PlannedResource } from "../plan/planner";
import { outputsAfterInputChange } from "../plan/providerOutputs";
import {
    AnalysisRequests,
    type AnalyzedStack,
    AnalyzerSession,
    type CallLimits,
    type Diagnostic,
    type EnforcementLevel,
    type PackInfo,
    type PolicyConfig,
    type PolicyInfo,
    type Remediation,
    type Severity,
} from "./analyzer";
import { reconcilePolicyConfig, type PolicyConfigFile } from "./config";
import { ensurePolicyPacksBuilt, SOURCE_ROOT } from "./packBuild";
import { PolicyInputError, type PackProcess, type PackProcessOptions } from "./packProcess";

/** This repository's packs, run when no `--policy-pack` is given. */
export const DEFAULT_PACKS = ["security", "compliance", "resilience"].map((pack) => path.resolve(__dirname, "..", "..", "policies", pack));

/** One finding of one policy, as the reports show it. */
export interface Violation {
    readonly pack: string;
    readonly policy: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly severity: Severity;
    /** The resource's URN; empty for a finding about the stack as a whole. */
    readonly urn: string;
    readonly message: string;
    /** Excused by an active exemption: reported, but it does not fail the run. */
    readonly exempted: boolean;
}

export interface PolicyCheck {
    readonly stack: string;
    readonly packs: readonly PackInfo[];
    readonly violations: readonly Violation[];
    /** What remediation policies changed: the packs analyzed the changed inputs, as the engine's do. */
    readonly remediations: readonly Remediation[];
    readonly resourceCount: number;
}

/** Mandatory findings that no exemption excuses: each fails the run. */
export function blockingViolations(check: PolicyCheck): Violation[] {
    return check.violations.filter(
        (violation) => !violation.exempted && (violation.enforcementLevel === "mandatory" || violation.enforcementLevel === "remediate"),
    );
}

/** The policy a violation belongs to, for its description, remediation and controls. */
export function policyOf(check: Pick<PolicyCheck, "packs">, violation: Pick<Violation, "pack" | "policy">): PolicyInfo | undefined {
    return check.packs.find((pack) => pack.name === violation.pack)?.policies.find((policy) => policy.name === violation.policy);
}

/**
 * Several stacks' checks by one runner as one report: every violation, and each of its packs with
 * every policy any of the pack's processes named, since a pack may serve a policy to one stack only.
 */
export function combinedCheck(checks: readonly PolicyCheck[]): PolicyCheck {
    // Each check lists the runner's packs in the same order.
    const packs = (checks[0]?.packs ?? []).map((first, index) => {
        const policies = new Map<string, PolicyInfo>();
        for (const policy of checks.flatMap((check) => check.packs[index].policies)) {
            policies.set(policy.name, policies.get(policy.name) ?? policy);
        }
        return { ...first, policies: [...policies.values()] };
    });
    return {
        stack: checks.map((check) => check.stack).join(", "),
        packs,
        violations: checks.flatMap((check) => check.violations),
        remediations: checks.flatMap((check) => check.remediations),
        resourceCount: checks.reduce((sum, check) => sum + check.resourceCount, 0),
    };
}

/** The build of our own packs under way, which callers that come meanwhile wait for instead of building again. */
let ownPacksBuilding: Promise<unknown> | undefined;

/**
 * Policy packs running as their own processes, ready to check any number of planned stacks.
 * Close it when done: it owns the pack processes.
 */
export class PolicyRunner {
    private constructor(readonly sessions: readonly AnalyzerSession[]) {}

    /**
     * Starts every pack at once; if one fails, stops the others and throws naming it. Our own
     * packs run from their JavaScript build, rebuilt first when it is older than its sources.
     * Given the stack checked first, the packs start as they would for it, and check it: the
     * engine starts a pack per stack, so a process started bare would be one more.
     */
    static async start(
        packDirectories: readonly string[],
        options: PackProcessOptions & CallLimits = {},
        firstStack?: AnalyzedStack,
    ): Promise<PolicyRunner> {
        await PolicyRunner.buildOwnPacks(packDirectories);
        const started = await Promise.allSettled(packDirectories.map((directory) => AnalyzerSession.open(directory, options, firstStack)));
        const sessions = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
        const failure = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
        if (failure) {
            sessions.forEach((session) => session.close());
            throw failure.reason;
        }
        return new PolicyRunner(sessions);
    }

    /**
     * Rebuilds our own packs' JavaScript when it is older than its sources, once however many
     * callers ask at the same time; a pack may start only after it.
     */
    static buildOwnPacks(packDirectories: readonly string[]): Promise<unknown> {
        const policiesDirectory = path.join(SOURCE_ROOT, "policies") + path.sep;
        if (!packDirectories.some((directory) => path.resolve(directory).startsWith(policiesDirectory))) {
            return Promise.resolve();
        }
        ownPacksBuilding ??= ensurePolicyPacksBuilt().finally(() => (ownPacksBuilding = undefined));
        return ownPacksBuilding;
    }

    get packs(): PackInfo[] {
        return this.sessions.map((session) => session.info);
    }

    /**
     * Checks a stack as the engine does during a preview: starts each pack for the planned stack
     * given (`analyzedPlan`; resources made by hand go to the process started first, told the
     * stack their URNs name), asks it what it is, reconciles the policy
     * config against that answer and configures it, analyzes every resource, then the stack.
     * Every pack must answer every call: a pack that fails fails the check, so nothing unchecked
     * passes. The check's `packs` are the answers of the processes that checked it.
     */
    async check(
        stack: string,
        resources: readonly PlannedResource[],
        config: PolicyConfigFile | undefined,
        plannedStack?: AnalyzedStack,
    ): Promise<PolicyCheck> {
        const requests = AnalysisRequests.of(resources, plannedStack);
        const configured = await Promise.all(
            this.sessions.map(async (session) => {
                const pack = await session.processFor(requests.context);
                const info = await session.infoOf(pack);
                const reconciled = configuration(info, config);
                if (reconciled) {
                    await session.configure(pack, reconciled);
                }
                return { session, pack, info, reconciled };
            }),
        );
        const remediated = await remediateAll(configured, resources, requests);
        const checked = await Promise.all(
            configured.map(async ({ session, pack, info, reconciled }) => {
                const diagnostics = [
                    ...(await session.analyze(pack, remediated.requests)),
                    ...(await session.analyzeStack(pack, remediated.requests)),
                ];
                return { info, violations: diagnostics.map((diagnostic) => toViolation(diagnostic, info, reconciled ?? {})) };
            }),
        );
        return {
            stack,
            packs: checked.map((pack) => pack.info),
            violations: [...remediated.violations, ...checked.flatMap((pack) => pack.violations)],
            remediations: remediated.remediations,
            resourceCount: resources.length,
        };
    }

    /**
     * Starts every pack's process for each of these stacks now, as separate `pulumi preview` runs
     * would, so that their start-up overlaps; `check` then analyzes one stack at a time. A start
     * that fails here is retried, and reported, by `check`.
     */
    prepare(stacks: readonly AnalyzedStack[]): void {
        for (const stack of stacks) {
            for (const session of this.sessions) {
                session.processFor(stack).catch(() => undefined);
            }
        }
    }

    /** Hands each pack (in the order they were given) the process `AnalyzerSession.startFor` started for the stack. */
    adopt(stack: AnalyzedStack, started: readonly Promise<PackProcess>[]): void {
        this.sessions.forEach((session, index) => session.adopt(stack, started[index]).catch(() => undefined));
    }

    close(): void {
        this.sessions.forEach((session) => session.close());
    }
}

interface ConfiguredPack {
    readonly session: AnalyzerSession;
    readonly pack: PackProcess;
    readonly info: PackInfo;
    readonly reconciled: Readonly<Record<string, PolicyConfig>> | undefined;
}

/** Resources remediated at once, as `AnalyzerSession.analyze` keeps calls in flight. */
const REMEDIATION_CONCURRENCY = 64;

/**
 * The engine's first pass over each resource it registers: every pack in turn remediates it, each
 * seeing what the packs before it changed, and every pack then analyzes the final inputs
 * (`GenerateSteps` in pulumi/pulumi `pkg/resource/deploy/step_generator.go`); the stack analysis
 * (`AnalyzeResources`) reads the outputs the provider answers for them. A remediation that could not run
 * is an advisory finding there. `@pulumi/policy` remediates only with policies at level
 * `remediate` (`makeRemediateRpcFun`, pulumi/pulumi-policy `sdk/nodejs/policy/server.ts`) and
 * answers every other call with not-applicable entries, which an offline check does not show:
 * only packs with such a policy are asked.
 *
 * The engine remediates in registration order, and a resource's request carries its provider as
 * the step generator holds it, remediated (`getProviderResource`). A provider registers before
 * the resources it manages, and nothing else one resource's request says depends on another's
 * remediation, so providers go first, one at a time in order, and the rest go 64 at a time. What
 * was found is reported in registration order, however the calls finished.
 */
async function remediateAll(
    configured: readonly ConfiguredPack[],
    resources: readonly PlannedResource[],
    requests: AnalysisRequests,
): Promise<{ requests: AnalysisRequests; violations: Violation[]; remediations: Remediation[] }> {
    const remediating = configured.filter(({ info, reconciled }) =>
        info.policies.some(
            (policy) =>
                policy.kind === "resource" && (reconciled?.[policy.name]?.enforcementLevel ?? policy.enforcementLevel) === "remediate",
        ),
    );
    if (remediating.length === 0) {
        return { requests, violations: [], remediations: [] };
    }
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const changed = new Map<string, PlannedResource>();
    const current = (urn: string) => changed.get(urn) ?? byUrn.get(urn)!;
    const found = requests.resources.map(() => ({ violations: [] as Violation[], remediations: [] as Remediation[] }));
    const remediate = async (index: number) => {
        const { urn, bytes: planned } = requests.resources[index];
        const providerUrn = byUrn.get(urn)!.provider;
        const encode = () => AnalysisRequests.analyzeRequest(current(urn), providerUrn ? current(providerUrn) : undefined);
        let bytes = providerUrn && changed.has(providerUrn) ? encode() : planned;
        for (const { session, pack, info } of remediating) {
            for (const remediation of await session.remediate(pack, urn, bytes)) {
                if (remediation.diagnostic !== undefined) {
                    const policy = info.policies.find((candidate) => candidate.name === remediation.policy);
                    found[index].violations.push({
                        pack: remediation.pack,
                        policy: remediation.policy,
                        enforcementLevel: "advisory",
                        severity: policy?.severity ?? "unspecified",
                        urn,
                        message: remediation.diagnostic,
                        exempted: false,
                    });
                    continue;
                }
                found[index].remediations.push(remediation);
                const before = current(urn);
                const inputs = remediation.properties ?? {};
                changed.set(urn, {
                    ...before,
                    analyzerInputs: inputs,
                    // The stack analysis reads outputs: the provider's answer to the remediated inputs.
                    ...(before.analyzerOutputs
                        ? { analyzerOutputs: outputsAfterInputChange(before.type, before.analyzerOutputs, before.analyzerInputs, inputs) }
                        : {}),
                });
                bytes = encode();
            }
        }
    };
    const isProvider = (index: number) => byUrn.get(requests.resources[index].urn)!.type.startsWith("pulumi:providers:");
    const order = requests.resources.map((_, index) => index);
    for (const index of order.filter(isProvider)) {
        await remediate(index);
    }
    const managed = order.filter((index) => !isProvider(index));
    let next = 0;
    const worker = async () => {
        while (next < managed.length) {
            await remediate(managed[next++]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(REMEDIATION_CONCURRENCY, managed.length) }, worker));
    const violations = found.flatMap((resource) => resource.violations);
    const remediations = found.flatMap((resource) => resource.remediations);
    if (changed.size === 0) {
        return { requests, violations, remediations };
    }
    const final = resources.map((resource) => changed.get(resource.urn) ?? resource);
    return { requests: AnalysisRequests.of(final, requests.context), violations, remediations };
}

/**
 * The config the engine hands a pack with `Configure`, or undefined when it configures none: it
 * configures only a pack that says it takes config, and refuses a config file given for one that
 * does not (the local packs' loop of `loadPolicyPlugins` in pulumi/pulumi `pkg/engine/update.go`).
 */
function configuration(pack: PackInfo, file: PolicyConfigFile | undefined): Record<string, PolicyConfig> | undefined {
    if (pack.supportsConfig) {
        return reconcilePolicyConfig(pack, file);
    }
    if (file && !file.stackDefault) {
        throw new PolicyInputError(
            `${file.file}: policy pack ${pack.name} (${path.relative(process.cwd(), pack.directory) || "."}) does not support config, ` +
                "and the Pulumi CLI refuses a --policy-pack-config for it too; check it without --policy-config",
        );
    }
    return undefined;
}

/**
 * Reads exemption reports back into the violation they excuse: `exempted-violations` reports
 * "<policy> is exempted: <message> (...)" so that the real CLI shows it too.
 */
function toViolation(diagnostic: Diagnostic, pack: PackInfo, config: Readonly<Record<string, PolicyConfig>>): Violation {
    const base = { ...diagnostic, exempted: false };
    if (diagnostic.policy !== EXEMPTED_VIOLATIONS_POLICY) {
        return base;
    }
    const marker = diagnostic.message.indexOf(EXEMPTED_MARKER);
    const excused = marker > 0 ? pack.policies.find((policy) => policy.name === diagnostic.message.slice(0, marker)) : undefined;
    if (!excused) {
        return base; // a stale exemption, reported as the advisory it is
    }
    return {
        ...base,
        policy: excused.name,
        severity: excused.severity,
        enforcementLevel: config[excused.name]?.enforcementLevel ?? excused.enforcementLevel,
        message: diagnostic.message.slice(marker + EXEMPTED_MARKER.length),
        exempted: true,
    };
}
