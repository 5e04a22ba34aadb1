/**
 * The passing and failing case of each rule that guards kinds our own stacks do not deploy. Each
 * fixture program under tests/fixtures/policy-breadth/<kind> is planned twice: Pulumi.secure.yaml
 * (the rule finds nothing) and Pulumi.insecure.yaml (the rule finds exactly `findings`, each
 * written as "<resource name>: <message>").
 */
export interface BreadthCase {
    readonly rule: string;
    readonly kind: "kubernetes" | "aws" | "azure" | "cloudflare";
    readonly findings: readonly RegExp[];
}

export const BREADTH_CASES: readonly BreadthCase[] = [
    { rule: "k8s-no-host-namespaces", kind: "kubernetes", findings: [/^reports-pod: shares the node's hostNetwork$/, /^node-agent: shares the node's hostPID$/] },
    { rule: "k8s-no-host-path", kind: "kubernetes", findings: [/^node-agent: volume host-logs mounts the node's \/var\/log$/] },
    { rule: "k8s-not-privileged", kind: "kubernetes", findings: [/^reports: container reports: runs privileged$/] },
    { rule: "k8s-run-as-non-root", kind: "kubernetes", findings: [/^reports-store: container reports: may run as root$/] },
    { rule: "k8s-no-privilege-escalation", kind: "kubernetes", findings: [/^reports-rs: container reports: privilege escalation is allowed$/] },
    { rule: "k8s-drop-all-capabilities", kind: "kubernetes", findings: [/^reports-once: container reports: .*SYS_ADMIN/] },
    { rule: "k8s-seccomp-runtime-default", kind: "kubernetes", findings: [/^reports-nightly: container reports: seccomp profile is Unconfined$/] },
    { rule: "k8s-no-default-service-account", kind: "kubernetes", findings: [/^reports-once: runs under the default service account$/] },
    { rule: "k8s-no-admin-binding", kind: "kubernetes", findings: [/^reports-admin: grants cluster-admin$/] },
    { rule: "k8s-no-wildcard-rbac", kind: "kubernetes", findings: [/^reports: rule 0 has \* in apiGroups, resources, verbs$/] },
    { rule: "k8s-ingress-tls", kind: "kubernetes", findings: [/^reports: has no TLS$/] },
    { rule: "k8s-load-balancer-source-ranges", kind: "kubernetes", findings: [/^reports: an internet-facing load balancer with no loadBalancerSourceRanges$/] },
    { rule: "k8s-no-literal-secret-manifest", kind: "kubernetes", findings: [/^reports-db: holds password as literal data$/] },
];
