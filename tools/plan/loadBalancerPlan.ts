import type { PlannedResource, StackPlan } from "./planner";

export const LOAD_BALANCER_TYPE = "cloudflare:index/loadBalancer:LoadBalancer";
const POOL_TYPE = "cloudflare:index/loadBalancerPool:LoadBalancerPool";
const MONITOR_TYPE = "cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor";

export interface PlannedMonitor {
    readonly path: string;
    readonly expectedCodes: string;
    readonly intervalSec: number;
    readonly timeoutSec: number;
    readonly retries: number;
    readonly consecutiveDown: number;
    readonly consecutiveUp: number;
}

export interface PlannedPool {
    /** The site the pool's origin is, from the origin's name. */
    readonly site: string;
    readonly resource: PlannedResource;
    readonly monitor?: { readonly resource: PlannedResource; readonly settings: PlannedMonitor };
}

/** The Cloudflare load balancer a plan would create, as the diagram and the offline drill read it. */
export interface PlannedLoadBalancer {
    readonly resource: PlannedResource;
    readonly hostname: string;
    readonly steeringPolicy: string;
    /** Pools in failover order. */
    readonly pools: readonly PlannedPool[];
    /** The site of the pool that takes traffic when every pool is unhealthy. */
    readonly fallbackSite?: string;
}

/**
 * Reads the load balancer of a planned stack (or of the stacks it references) with its pools in
 * failover order and their monitors. Pools are matched by the resources their ids came from,
 * because a plan does not know the ids themselves.
 */
export function plannedLoadBalancer(plan: StackPlan): PlannedLoadBalancer | undefined {
    const resources = [...plan.referencedStacks.flatMap((referenced) => referenced.resources), ...plan.resources];
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const loadBalancer = resources.find((resource) => resource.type === LOAD_BALANCER_TYPE);
    if (!loadBalancer) {
        return undefined;
    }
    const poolFrom = (urn: string): PlannedPool | undefined => {
        const resource = byUrn.get(urn);
        if (resource?.type !== POOL_TYPE) {
            return undefined;
        }
        const site = String((resource.inputs.origins as { name?: string }[] | undefined)?.[0]?.name ?? resource.name);
        const monitorResource = (resource.propertyDependencies.monitor ?? [])
            .map((dependency) => byUrn.get(dependency))
            .find((candidate) => candidate?.type === MONITOR_TYPE);
        const monitor = monitorResource && {
            resource: monitorResource,
            settings: {
                path: String(monitorResource.inputs.path ?? "/"),
                expectedCodes: String(monitorResource.inputs.expectedCodes ?? "200"),
                intervalSec: Number(monitorResource.inputs.interval ?? 60),
                timeoutSec: Number(monitorResource.inputs.timeout ?? 5),
                retries: Number(monitorResource.inputs.retries ?? 2),
                consecutiveDown: Number(monitorResource.inputs.consecutiveDown ?? 1),
                consecutiveUp: Number(monitorResource.inputs.consecutiveUp ?? 1),
            },
        };
        return { site, resource, monitor };
    };
    const pools = (loadBalancer.propertyDependencies.defaultPools ?? [])
        .map(poolFrom)
        .filter((pool): pool is PlannedPool => pool !== undefined);
    const fallback = (loadBalancer.propertyDependencies.fallbackPool ?? []).map(poolFrom).find((pool) => pool !== undefined);
    return {
        resource: loadBalancer,
        hostname: String(loadBalancer.inputs.name),
        steeringPolicy: String(loadBalancer.inputs.steeringPolicy ?? "off"),
        pools,
        fallbackSite: fallback?.site,
    };
}
