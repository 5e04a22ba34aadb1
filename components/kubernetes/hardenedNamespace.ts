import * as pulumi from "@pulumi/pulumi";
import { LimitRange, Namespace, ResourceQuota } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";

/** The Pod Security Standard every namespace of ours enforces. */
export const POD_SECURITY_LEVEL = "restricted";

export interface HardenedNamespaceArgs {
    /** The namespace's name; fixed, because routes and policies name it. */
    readonly namespace: string;
    /** Totals the namespace may request and use. */
    readonly quota: {
        /** CPU all pods together may request, as a Kubernetes quantity (e.g. "2" cores or "500m"). */
        readonly requestsCpu: string;
        /** Memory all pods together may request, as a Kubernetes quantity (e.g. "4Gi"). */
        readonly requestsMemory: string;
        /** CPU all pods' limits may add up to, as a Kubernetes quantity. */
        readonly limitsCpu: string;
        /** Memory all pods' limits may add up to, as a Kubernetes quantity. */
        readonly limitsMemory: string;
        /** Pods (count) the namespace may hold at once. */
        readonly pods: number;
    };
    /** The traffic allowed besides DNS: everything else is denied both ways. */
    readonly allow: readonly {
        /** The NetworkPolicy's name, unique in the namespace. */
        readonly name: string;
        /** The NetworkPolicy's spec: pod selector, policy types and the flows it admits. */
        readonly spec: k8s.networking.v1.NetworkPolicySpec;
    }[];
}

/**
 * A namespace that starts closed: Pod Security Admission enforcing `restricted`, a default-deny
 * NetworkPolicy for ingress and egress with DNS and the listed flows allowed, a ResourceQuota and
 * a LimitRange that gives every container requests and limits.
 */
export class HardenedNamespace extends pulumi.ComponentResource {
    /** The namespace's name, read back from the created object so dependents wait for it. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: HardenedNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:kubernetes:HardenedNamespace", name, {}, opts);
        const parent = { parent: this };
        const psa = Object.fromEntries(
            ["enforce", "audit", "warn"].flatMap((mode) => [
                [`pod-security.kubernetes.io/${mode}`, POD_SECURITY_LEVEL],
                [`pod-security.kubernetes.io/${mode}-version`, "latest"],
            ]),
        );
        const namespace = new Namespace(name, { metadata: { name: args.namespace, labels: psa } }, parent);
        const metadata = (policy: string) => ({ name: policy, namespace: namespace.metadata.name });

        new NetworkPolicy(
            `${name}-default-deny`,
            {
                metadata: metadata("default-deny"),
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
            parent,
        );
        new NetworkPolicy(
            `${name}-allow-dns`,
            {
                metadata: metadata("allow-dns"),
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [
                        {
                            to: [
                                {
                                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                                    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                                },
                            ],
                            ports: [
                                { protocol: "UDP", port: 53 },
                                { protocol: "TCP", port: 53 },
                            ],
                        },
                    ],
                },
            },
            parent,
        );
        for (const policy of args.allow) {
            new NetworkPolicy(`${name}-${policy.name}`, { metadata: metadata(policy.name), spec: policy.spec }, parent);
        }

        new ResourceQuota(
            `${name}-quota`,
            {
                metadata: metadata("quota"),
                spec: {
                    hard: {
                        "requests.cpu": args.quota.requestsCpu,
                        "requests.memory": args.quota.requestsMemory,
                        "limits.cpu": args.quota.limitsCpu,
                        "limits.memory": args.quota.limitsMemory,
                        pods: String(args.quota.pods),
                    },
                },
            },
            parent,
        );
        new LimitRange(
            `${name}-limits`,
            {
                metadata: metadata("limits"),
                spec: {
                    limits: [
                        {
                            type: "Container",
                            defaultRequest: { cpu: "100m", memory: "128Mi" },
                            default: { cpu: "500m", memory: "512Mi" },
                            max: { cpu: "4", memory: "4Gi" },
                        },
                    ],
                },
            },
            parent,
        );

        this.name = namespace.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
