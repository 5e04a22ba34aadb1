/**
 * A plan's resources as the policy SDK hands them to a policy, without a pack process: for the
 * tools that evaluate rules in process (the intent report) and for the tests that evaluate rules
 * as pure functions, so that both see what the packs see.
 */
import { type PolicyResource, unknownCheckingProxy } from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PlannedResource } from "../plan/planner";
import { engineProperties } from "./analyzer";

// The policy server's own deserializer; its types mark it @internal, so it has no declaration.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties: (properties: Struct, proxySecrets: boolean) => Record<string, unknown>;
};

const deserialized = new WeakMap<Record<string, unknown>, Record<string, unknown>>();

/**
 * Properties as a policy reads them: marshalled as the engine sends them (`engineProperties`),
 * decoded by the SDK's deserializer, which unwraps secrets, and behind its proxy, which throws
 * `UnknownValueError` when a value the preview cannot know is read (`makeAnalyzeRpcFun` and
 * `makeAnalyzeStackRpcFun` in pulumi/pulumi-policy `sdk/nodejs/policy/server.ts`). A plan shared
 * by many checks is decoded once.
 */
function policyProps(properties: Record<string, unknown>): Record<string, unknown> {
    const cached = deserialized.get(properties);
    if (cached) {
        return cached;
    }
    const props = unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(engineProperties(properties) as never), false));
    deserialized.set(properties, props);
    return props;
}

/**
 * A plan's resources as the policy SDK hands them to a policy: `props` are the inputs for a
 * resource policy (Analyze) and the outputs for a stack policy (AnalyzeStack), the provider comes
 * with its inputs either way, and parents and dependencies are resolved to resources
 * (`makeAnalyzeStackRpcFun` builds them the same way from AnalyzeStack).
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
