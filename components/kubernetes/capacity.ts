/**
 * Resource arithmetic for pods and namespaces: Kubernetes quantities as numbers, and the quota a
 * blue/green namespace needs. SDK-free, so components, tests and policies share it.
 */

export interface ResourceAmounts {
    readonly cpuMillicores: number;
    readonly memoryMebibytes: number;
}

const MEMORY_UNITS_MIB: Readonly<Record<string, number>> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/** A CPU quantity ("250m", "2", "0.5") in millicores. */
export function cpuMillicores(quantity: string): number {
    const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
    if (!match) {
        throw new Error(`CPU quantity "${quantity}" is not allowed; allowed: millicores such as 250m, or cores such as 2 or 0.5`);
    }
    return match[2] === "m" ? Number(match[1]) : Number(match[1]) * 1000;
}

/** A memory quantity in binary units ("512Mi", "1Gi") in mebibytes. */
export function memoryMebibytes(quantity: string): number {
    const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/.exec(quantity);
    if (!match) {
        throw new Error(`memory quantity "${quantity}" is not allowed; allowed: a number with Ki, Mi, Gi or Ti, such as 512Mi`);
    }
    return Number(match[1]) * MEMORY_UNITS_MIB[match[2]];
}

/** Amounts of one container's requests or limits. */
export function amounts(resources: { readonly cpu: string; readonly memory: string }): ResourceAmounts {
    return { cpuMillicores: cpuMillicores(resources.cpu), memoryMebibytes: memoryMebibytes(resources.memory) };
}

export function sumAmounts(parts: readonly ResourceAmounts[]): ResourceAmounts {
    return {
        cpuMillicores: parts.reduce((total, part) => total + part.cpuMillicores, 0),
        memoryMebibytes: parts.reduce((total, part) => total + part.memoryMebibytes, 0),
    };
}

export function scaleAmounts(part: ResourceAmounts, count: number): ResourceAmounts {
    return { cpuMillicores: part.cpuMillicores * count, memoryMebibytes: part.memoryMebibytes * count };
}

/** Extra pods a rolling update may start, as a fraction of the replicas (the Deployments' maxSurge). */
export const ROLLOUT_SURGE = 0.25;

/** What the quota of a namespace must admit for one service. */
export interface QuotaService {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
    readonly maxReplicas: number;
}

/** A namespace quota in Kubernetes quantities. */
export interface NamespaceQuota {
    readonly requestsCpu: string;
    readonly requestsMemory: string;
    readonly limitsCpu: string;
    readonly limitsMemory: string;
    readonly pods: number;
}

/**
 * The quota that admits every service in both colours at its maximum, each mid-rollout (surge
 * pods included): a promotion may run both colours at full size at once.
 */
export function blueGreenQuota(services: readonly QuotaService[], colours: number): NamespaceQuota {
    const podsOf = (service: QuotaService) => colours * Math.ceil(service.maxReplicas * (1 + ROLLOUT_SURGE));
    const requests = sumAmounts(services.map((service) => scaleAmounts(amounts(service.requests), podsOf(service))));
    const limits = sumAmounts(services.map((service) => scaleAmounts(amounts(service.limits), podsOf(service))));
    return {
        requestsCpu: `${Math.ceil(requests.cpuMillicores)}m`,
        requestsMemory: `${Math.ceil(requests.memoryMebibytes)}Mi`,
        limitsCpu: `${Math.ceil(limits.cpuMillicores)}m`,
        limitsMemory: `${Math.ceil(limits.memoryMebibytes)}Mi`,
        pods: services.reduce((total, service) => total + podsOf(service), 0),
    };
}
