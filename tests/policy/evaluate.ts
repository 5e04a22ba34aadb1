import type { EnforcementLevel, PolicyResource } from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { allRules, type RegisteredRule } from "../../policies/lib/registry";
import { StackIndex } from "../../policies/lib/rules";
import type { PlannedResource } from "../../tools/plan/planner";

/**
 * A plan's resources as the policy SDK hands them to a policy: `props` are the inputs for a
 * resource policy (Analyze) and the outputs for a stack policy (AnalyzeStack), the provider comes
 * with its inputs either way, and parents and dependencies are resolved to resources
 * (pulumi/pulumi-policy sdk/nodejs/policy/server.ts builds them the same way from AnalyzeStack,
 * and its own deserializer unwraps secrets, as here).
 */
export function policyResources(planned: readonly PlannedResource[], props: "inputs" | "outputs"): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const plannedByUrn = new Map(planned.map((resource) => [resource.urn, resource]));
    const resources = planned.map((resource): PolicyResource => {
        const converted: PolicyResource = {
            type: resource.type,
            urn: resource.urn,
            name: resource.name,
            props: policyProps(props === "outputs" ? (resource.analyzerOutputs ?? resource.analyzerInputs) : resource.analyzerInputs),
            opts: {
                protect: resource.protect,
                ignoreChanges: [],
                aliases: [],
                additionalSecretOutputs: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                parent: resource.parent ?? undefined,
            },
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        };
        byUrn.set(resource.urn, converted);
        return converted;
    });
    planned.forEach((resource, position) => {
        const converted = resources[position] as { -readonly [K in keyof PolicyResource]: PolicyResource[K] };
        const provider = resource.provider ? byUrn.get(resource.provider) : undefined;
        if (provider) {
            const providerInputs = plannedByUrn.get(provider.urn)!.analyzerInputs;
            converted.provider = { type: provider.type, urn: provider.urn, name: provider.name, props: policyProps(providerInputs) };
        }
        converted.parent = resource.parent ? byUrn.get(resource.parent) : undefined;
        converted.dependencies = resource.dependencies.flatMap((urn) => byUrn.get(urn) ?? []);
        converted.propertyDependencies = Object.fromEntries(
            Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, urns.flatMap((urn) => byUrn.get(urn) ?? [])]),
        );
    });
    return resources;
}

// The policy server's own deserializer; its types mark it @internal, so it has no declaration.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties: (properties: Struct, proxySecrets: boolean) => unknown;
};

const deserialized = new WeakMap<Record<string, unknown>, Record<string, unknown>>();
/** Inputs as a policy sees them; a plan shared across cases is deserialized once. */
function policyProps(inputs: Record<string, unknown>): Record<string, unknown> {
    let props = deserialized.get(inputs);
    if (!props) {
        props = deserializeProperties(Struct.fromJavaScript(inputs as never), false) as Record<string, unknown>;
        deserialized.set(inputs, props);
    }
    return props;
}

/** A finding of one rule, with the level the pack gives it. */
export interface Finding {
    readonly rule: string;
    readonly message: string;
    readonly urn?: string;
    readonly enforcementLevel: EnforcementLevel;
}

/**
 * Every registered rule (or those given) over a plan's resources, as pure functions: what the
 * packs would report, without exemptions and with each rule's own level (the packs default to
 * mandatory). `config` is per rule, over each schema's defaults.
 */
export function evaluateRules(
    planned: readonly PlannedResource[],
    config: Readonly<Record<string, Record<string, unknown>>> = {},
    rules: readonly RegisteredRule[] = allRules(),
): Finding[] {
    const byResource = StackIndex.of(policyResources(planned, "inputs"));
    const byStack = StackIndex.of(policyResources(planned, "outputs"));
    return rules.flatMap(({ rule }) =>
        rule
            .evaluate("validateStack" in rule.policy ? byStack : byResource, config[rule.name] ?? {})
            .map((finding) => ({ rule: rule.name, ...finding, enforcementLevel: rule.info.enforcementLevel ?? "mandatory" })),
    );
}

/** The distinct rules with findings. */
export function firingRules(findings: readonly Finding[]): string[] {
    return [...new Set(findings.map((finding) => finding.rule))].sort();
}

/** Freezes a plan's resources all the way down, so that a test sharing them cannot edit them. */
export function frozen<T>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        Object.values(value).forEach(frozen);
    }
    return value;
}
