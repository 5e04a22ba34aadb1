import { objectInput } from "../../lib/props";
import { resourceRule, stackRule } from "../../lib/rules";

export const k8sNamespaceRestricted = resourceRule({
    name: "k8s-namespace-restricted",
    pack: "security",
    description: "Namespaces enforce the restricted Pod Security Standard.",
    severity: "high",
    remediation: "Label the namespace pod-security.kubernetes.io/enforce: restricted.",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.8"] },
    types: ["kubernetes:core/v1:Namespace"],
    check: ({ props }) => {
        const level = objectInput(objectInput(props.metadata)?.labels)?.["pod-security.kubernetes.io/enforce"];
        return level === "restricted" ? [] : [`Pod Security enforce level is ${String(level ?? "unset")}; allowed: restricted`];
    },
});

export const metadataOf = (props: Record<string, unknown>) => objectInput(props.metadata) ?? {};

export const k8sNamespaceDefaultDeny = stackRule({
    name: "k8s-namespace-default-deny",
    pack: "security",
    description: "Every namespace the stack creates denies all ingress and egress unless a NetworkPolicy allows it.",
    severity: "high",
    remediation: "Add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules to the namespace.",
    controls: { pciDss: ["1.3.1", "1.3.2"], soc2: ["CC6.6"], gdpr: ["32"] },
    check: (stack) => {
        const denying = new Set(
            stack
                .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
                .filter((policy) => {
                    const spec = objectInput(policy.props.spec) ?? {};
                    const types = (spec.policyTypes as unknown[] | undefined) ?? [];
                    return (
                        Object.keys(objectInput(spec.podSelector) ?? {}).length === 0 &&
                        types.includes("Ingress") &&
                        types.includes("Egress") &&
                        !spec.ingress &&
                        !spec.egress
                    );
                })
                .map((policy) => String(metadataOf(policy.props).namespace)),
        );
        return stack
            .ofType("kubernetes:core/v1:Namespace")
            .filter((namespace) => !denying.has(String(metadataOf(namespace.props).name)))
            .map((namespace) => ({
                message: `namespace ${String(metadataOf(namespace.props).name)} has no default-deny NetworkPolicy`,
                urn: namespace.urn,
            }));
    },
});

export const k8sNamespaceQuota = stackRule({
    name: "k8s-namespace-quota",
    pack: "resilience",
    description: "Every namespace the stack creates has a ResourceQuota and a LimitRange.",
    severity: "medium",
    remediation: "Add a ResourceQuota and a LimitRange to the namespace (HardenedNamespace does).",
    controls: { soc2: ["A1.2"] },
    check: (stack) => {
        const namespacesWith = (type: string) =>
            new Set(stack.ofType(type).map((resource) => String(metadataOf(resource.props).namespace)));
        const quotas = namespacesWith("kubernetes:core/v1:ResourceQuota");
        const limits = namespacesWith("kubernetes:core/v1:LimitRange");
        return stack.ofType("kubernetes:core/v1:Namespace").flatMap((namespace) => {
            const name = String(metadataOf(namespace.props).name);
            const missing = [...(quotas.has(name) ? [] : ["ResourceQuota"]), ...(limits.has(name) ? [] : ["LimitRange"])];
            return missing.length > 0 ? [{ message: `namespace ${name} has no ${missing.join(" or ")}`, urn: namespace.urn }] : [];
        });
    },
});
