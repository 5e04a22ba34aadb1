import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ResourceValidation,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
} from "@pulumi/policy";
import { controlTags, type Controls } from "./controls";

/** The tag prefix that names a resource type a resource rule checks; `*` for every type. */
export const APPLIES_TO = "applies-to:";

/** The packs a rule can belong to; each pack's entry selects its rules by this. */
export const PACKS = ["security", "compliance", "resilience"] as const;
export type PackName = (typeof PACKS)[number];

/** What every rule says about itself: reports and the evidence report are built from this. */
export interface RuleInfo {
    /** kebab-case, unique across all packs. */
    readonly name: string;
    /** The pack that runs it. */
    readonly pack: PackName;
    readonly description: string;
    readonly severity: Severity;
    /** What to change so that the rule passes. */
    readonly remediation: string;
    readonly controls: Controls | "best-practice";
    /** @default the pack's level (mandatory) */
    readonly enforcementLevel?: EnforcementLevel;
    readonly configSchema?: PolicyConfigSchema;
}

/** A resource as a rule sees it. */
export interface CheckedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    readonly provider?: { readonly type: string; readonly name: string; readonly urn: string; readonly props: Record<string, unknown> };
}

/** A violation a rule found, on a resource or on the stack as a whole. */
export interface StackFinding {
    readonly message: string;
    readonly urn?: string;
}

/**
 * One rule: the CrossGuard policy a pack runs, and the same check as a pure function over a
 * stack's resources, so that tests and tools can evaluate it without the Analyzer protocol.
 * Every `Rule` a module under policies/rules exports is registered (policies/lib/registry.ts).
 */
export class Rule<Config = Record<string, never>> {
    constructor(
        readonly info: RuleInfo,
        readonly policy: ResourceValidationPolicy | StackValidationPolicy,
        private readonly findings: (stack: StackIndex, config: Config) => readonly StackFinding[],
    ) {}

    get name(): string {
        return this.info.name;
    }

    /**
     * What the rule finds in a stack, with `config` over its schema's defaults: the config a
     * pack receives through `configure` (tools/policy/config.ts builds it the same way).
     */
    evaluate(stack: StackIndex, config: Partial<Config> = {}): readonly StackFinding[] {
        const defaults = Object.entries(this.info.configSchema?.properties ?? {})
            .filter(([, schema]) => typeof schema === "object" && schema !== null && "default" in schema)
            .map(([key, schema]) => [key, (schema as { default: unknown }).default]);
        return this.findings(stack, { ...Object.fromEntries(defaults), ...config } as Config);
    }
}

/** A rule over one resource at a time: returns what is wrong with it, nothing when it passes. */
export function resourceRule<Config = Record<string, never>>(
    info: RuleInfo & {
        /** The type tokens it applies to; `*` for every resource. */
        readonly types: readonly string[] | "*";
        readonly check: (resource: CheckedResource, config: Config) => readonly string[];
    },
): Rule<Config> {
    const types = info.types === "*" ? undefined : new Set(info.types);
    const metadata = policyMetadata(info);
    const policy: ResourceValidationPolicy = {
        ...metadata,
        // What it checks travels with it, so the evidence report can list the resources that passed.
        tags: [...metadata.tags, ...(info.types === "*" ? [`${APPLIES_TO}*`] : info.types.map((type) => `${APPLIES_TO}${type}`))],
        validateResource: ofType(info.types === "*" || info.types.length !== 1 ? undefined : info.types[0], (args, reportViolation) => {
            if (types && !types.has(args.type)) {
                return;
            }
            const config = args.getConfig<Config & object>() as Config;
            for (const message of info.check(args, config)) {
                reportViolation(message);
            }
        }),
    };
    const checked = (stack: StackIndex) => (types ? stack.ofType(...types) : stack.resources);
    return new Rule<Config>(info, policy, (stack, config) =>
        checked(stack).flatMap((resource) => info.check(resource, config).map((message) => ({ message, urn: resource.urn }))),
    );
}

/**
 * Marks a validation as applying to one resource type, as `validateResourceOfType` does
 * (pulumi/pulumi-policy `sdk/nodejs/policy/policy.ts`). The pack's Analyzer server reads the mark
 * before it decodes a resource (`makeAnalyzeRpcFun` in `sdk/nodejs/policy/server.ts`): a policy
 * whose single validation is marked for another type is answered "not applicable" without
 * decoding the resource's properties, which it otherwise does once per policy.
 */
export function ofType(type: string | undefined, validate: ResourceValidation): ResourceValidation {
    if (type !== undefined) {
        Object.defineProperty(validate, PULUMI_TYPE_MARK, { value: type, enumerable: false });
    }
    return validate;
}

/** The type a validation is marked for by `ofType` or `validateResourceOfType`, if any. */
export function markedType(validate: ResourceValidation): string | undefined {
    const type = (validate as unknown as Record<string, unknown>)[PULUMI_TYPE_MARK];
    return typeof type === "string" && type.length > 0 ? type : undefined;
}

const PULUMI_TYPE_MARK = "__pulumiType";

/** A rule over the whole stack, given an index built once per analysis. */
export function stackRule<Config = Record<string, never>>(
    info: RuleInfo & { readonly check: (stack: StackIndex, config: Config) => readonly StackFinding[] },
): Rule<Config> {
    const policy: StackValidationPolicy = {
        ...policyMetadata(info),
        validateStack: (args, reportViolation) => {
            const config = args.getConfig<Config & object>() as Config;
            for (const finding of info.check(StackIndex.of(args.resources), config)) {
                reportViolation(finding.message, finding.urn);
            }
        },
    };
    return new Rule<Config>(info, policy, info.check);
}

function policyMetadata(info: RuleInfo) {
    return {
        name: info.name,
        description: info.description,
        severity: info.severity,
        remediationSteps: info.remediation,
        tags: controlTags(info.controls),
        ...(info.enforcementLevel ? { enforcementLevel: info.enforcementLevel } : {}),
        ...(info.configSchema ? { configSchema: info.configSchema } : {}),
    };
}

/**
 * The resources of a stack indexed by type, URN and inbound references. Built once per
 * `analyzeStack` and shared by every stack rule, so that no rule rescans the stack.
 */
export class StackIndex {
    private static readonly cache = new WeakMap<readonly PolicyResource[], StackIndex>();
    private readonly byType = new Map<string, PolicyResource[]>();
    private readonly byUrn = new Map<string, PolicyResource>();
    private readonly referrers = new Map<string, { resource: PolicyResource; property: string }[]>();

    static of(resources: readonly PolicyResource[]): StackIndex {
        let index = StackIndex.cache.get(resources);
        if (!index) {
            index = new StackIndex(resources);
            StackIndex.cache.set(resources, index);
        }
        return index;
    }

    private constructor(readonly resources: readonly PolicyResource[]) {
        for (const resource of resources) {
            this.byUrn.set(resource.urn, resource);
            const sameType = this.byType.get(resource.type) ?? [];
            sameType.push(resource);
            this.byType.set(resource.type, sameType);
            for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
                for (const dependency of urns) {
                    const referring = this.referrers.get(dependency.urn) ?? [];
                    referring.push({ resource, property });
                    this.referrers.set(dependency.urn, referring);
                }
            }
        }
    }

    /** The stack's name, read from its resources' URNs. */
    get stack(): string | undefined {
        return this.resources[0]?.urn.split("::")[0].slice("urn:pulumi:".length);
    }

    ofType(...types: string[]): PolicyResource[] {
        return types.flatMap((type) => this.byType.get(type) ?? []);
    }

    get(urn: string): PolicyResource | undefined {
        return this.byUrn.get(urn);
    }

    /** Resources whose `property` input was computed from the resource with this URN. */
    referencing(urn: string, type: string, property: string): PolicyResource[] {
        return (this.referrers.get(urn) ?? [])
            .filter((referrer) => referrer.resource.type === type && referrer.property === property)
            .map((referrer) => referrer.resource);
    }
}

/** A resource rule that checks one thing: `problem` says what is wrong, or undefined when it passes. */
export function propertyRule(
    info: RuleInfo & {
        readonly types: readonly string[];
        readonly problem: (props: Record<string, unknown>, resource: CheckedResource) => string | undefined;
    },
): Rule {
    return resourceRule({
        ...info,
        check: (resource) => {
            const problem = info.problem(resource.props, resource);
            return problem ? [problem] : [];
        },
    });
}
