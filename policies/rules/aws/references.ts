import type { PolicyResource } from "@pulumi/policy";
import type { StackIndex } from "../../lib/rules";

/**
 * How one resource names another in the same stack. In a first preview the target's id and ARN
 * are unknown, so the engine's property dependencies are what tie them together; a value written
 * out (a bucket or secret name typed as a string) is matched against the target's own name input.
 */
export interface Reference {
    /** The input of the referring resource that holds the target's name, id or ARN. */
    readonly property: string;
    /** The target's input that such a literal value matches. */
    readonly targetKey: string;
}

/** The resources of `types` that `resource`'s `reference.property` names. */
export function referencedResources(
    stack: StackIndex,
    resource: PolicyResource,
    reference: Reference,
    types: readonly string[],
): PolicyResource[] {
    const dependencies = new Set((resource.propertyDependencies?.[reference.property] ?? []).map((dependency) => dependency.urn));
    const value = resource.props[reference.property];
    return stack
        .ofType(...types)
        .filter(
            (target) =>
                dependencies.has(target.urn) || (typeof value === "string" && value !== "" && target.props[reference.targetKey] === value),
        );
}

/** The resources of `type` whose `reference.property` names `target`. */
export function referringResources(stack: StackIndex, target: PolicyResource, type: string, reference: Reference): PolicyResource[] {
    const byDependency = stack.referencing(target.urn, type, reference.property);
    const name = target.props[reference.targetKey];
    const byValue =
        typeof name === "string" && name !== ""
            ? stack.ofType(type).filter((referrer) => referrer.props[reference.property] === name && !byDependency.includes(referrer))
            : [];
    return [...byDependency, ...byValue];
}
