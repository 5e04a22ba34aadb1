import { type ResourceAmounts } from "../kubernetes/capacity";

/** An EC2 instance type as the kubelet sees it on EKS. */
export interface EksNodeType {
    readonly vcpus: number;
    readonly memoryMebibytes: number;
    /** Pods the VPC CNI can address on it: ENIs x (IPv4 addresses per ENI - 1) + 2. */
    readonly maxPods: number;
}

/** The instance types our stacks run, from EC2's published sizes and the EKS AMI's max-pods table. */
export const EKS_NODE_TYPES: Readonly<Record<string, EksNodeType>> = {
    "t3.large": { vcpus: 2, memoryMebibytes: 8192, maxPods: 35 },
    "t3.xlarge": { vcpus: 4, memoryMebibytes: 16384, maxPods: 58 },
    "m6i.large": { vcpus: 2, memoryMebibytes: 8192, maxPods: 29 },
    "m6i.xlarge": { vcpus: 4, memoryMebibytes: 16384, maxPods: 58 },
    "m6a.xlarge": { vcpus: 4, memoryMebibytes: 16384, maxPods: 58 },
};

/** The kubelet's hard eviction threshold on the EKS AMIs: memory it never hands to pods. */
const EVICTION_MEBIBYTES = 100;

/**
 * What pods may request on one node: capacity minus what the EKS AMI reserves for the kubelet and
 * the system (awslabs/amazon-eks-ami, the bootstrap's kube-reserved calculation): CPU 6% of the
 * first core, 1% of the second, 0.5% of the third and fourth, 0.25% of the rest; memory
 * 255 MiB + 11 MiB per pod it can run, plus the eviction threshold.
 */
export function eksNodeAllocatable(instanceType: string): ResourceAmounts & { readonly pods: number } {
    const node = EKS_NODE_TYPES[instanceType];
    if (!node) {
        throw new Error(`instance type ${instanceType} has no capacity on record; allowed: ${Object.keys(EKS_NODE_TYPES).join(", ")}`);
    }
    const coreShares = [60, 10, 5, 5];
    const reservedCpu = Array.from({ length: node.vcpus }, (_, core) => coreShares[core] ?? 2.5).reduce((total, share) => total + share, 0);
    const reservedMemory = 255 + 11 * node.maxPods + EVICTION_MEBIBYTES;
    return { cpuMillicores: node.vcpus * 1000 - reservedCpu, memoryMebibytes: node.memoryMebibytes - reservedMemory, pods: node.maxPods };
}

/**
 * What runs on every node before any workload of ours, as each declares it: the VPC CNI (aws-node,
 * 25m), kube-proxy (100m), the Pod Identity agent, and the Secrets Store CSI driver with the AWS
 * provider (driver, registrar, liveness probe, provider). Rounded up: a budget, not a measurement.
 */
export const EKS_PER_NODE_SYSTEM_PODS = { pods: 5, requests: { cpuMillicores: 300, memoryMebibytes: 512 } } as const;

/** Cluster-wide system pods besides the charts we pin: two CoreDNS replicas at 100m and 70Mi each. */
export const EKS_CLUSTER_SYSTEM_PODS = { pods: 2, requests: { cpuMillicores: 200, memoryMebibytes: 140 } } as const;

/** The share of allocatable CPU and memory kept free at the minimum node count, for rollouts and spikes. */
export const DEV_HEADROOM = 0.25;
