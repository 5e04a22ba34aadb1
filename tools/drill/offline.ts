import { CommandError } from "../command";
import { plannedLoadBalancer } from "../plan/loadBalancerPlan";
import { planStack, type PlanOptions, type StackPlan } from "../plan/planner";
import { stackRole } from "../../model/contracts";
import { SITES, type Site } from "../../model/stacks";
import { edgeViewFromOutputs, type DrillBackend, type EdgeView, type SiteHealth } from "./backend";
import { LocalEdge, LocalOrigin, type LocalEdgeConfig } from "./localSites";

const KEY = { activeSite: "crypto-beacon:activeSite", azureCapacity: "crypto-beacon:azureCapacity" } as const;

export interface OfflineBackendOptions {
    readonly stack: string;
    /** A Pulumi program directory; @default this repository */
    readonly program?: string;
    /** Multiplies the planned monitor interval and timeout. @default 0.1 (a 15 s interval probes every 1.5 s) */
    readonly monitorTimeScale?: number;
    /**
     * The site the drill will move traffic to. When the stack files already make it active, this
     * run is a failback: offline runs keep no state between them, so the world starts as the
     * drill to the other site leaves it. @default the other site than the stack files' active one
     */
    readonly to?: Site;
    /** Plans each update; a test passes one that shares plans across tests. @default the offline planner, `planStack` */
    readonly planner?: (options: PlanOptions) => Promise<StackPlan>;
}

/**
 * The drill's offline world. Each update is a plan of the stack by the offline planner, with the
 * config the drill has set so far on top of the stack files (which it never writes). The planned
 * Cloudflare load balancer is applied to a local one that fronts two local origins, one per site.
 */
export class OfflineBackend implements DrillBackend {
    readonly mode = "offline" as const;
    private readonly overrides: Record<string, Record<string, string>> = {};
    private plan!: StackPlan;
    readonly notes: string[] = [];

    private constructor(
        private readonly options: OfflineBackendOptions,
        readonly origins: Readonly<Record<Site, LocalOrigin>>,
        readonly edge: LocalEdge,
    ) {}

    static async start(options: OfflineBackendOptions): Promise<OfflineBackend> {
        const timeScale = options.monitorTimeScale ?? 0.1;
        if (!(timeScale > 0 && timeScale <= 1)) {
            throw new CommandError(`--monitor-time-scale ${timeScale} is not allowed; allowed: a number above 0, up to 1`, 2);
        }
        const planner = options.planner ?? planStack;
        let plan = await planner({ stack: options.stack, program: options.program });
        let view = edgeViewFromOutputs(plan.stack, plan.outputs);
        const overrides: Record<string, Record<string, string>> = {};
        let failbackNote: string | undefined;
        if (options.to === view.activeSite) {
            const away = SITES.find((site) => site !== options.to)!;
            overrides[plan.stack] = { [KEY.activeSite]: away };
            const standby = plan.referencedStacks.find((referenced) => stackRole(referenced.outputs) === "azure-site");
            if (away === "azure" && standby) {
                overrides[standby.stack] = { [KEY.azureCapacity]: "active" };
            }
            plan = await planner({ stack: options.stack, program: options.program, configOverrides: overrides });
            view = edgeViewFromOutputs(plan.stack, plan.outputs);
            failbackNote = `Offline failback: the stack files make ${options.to} active, and offline runs keep no state, so this run started where a drill to ${away} ends (activeSite ${away}${overrides[standby?.stack ?? ""] ? ", Azure at active capacity" : ""}).`;
        }
        const origins = {} as Record<Site, LocalOrigin>;
        for (const site of SITES) {
            origins[site] = await LocalOrigin.start(site, view.sites[site].healthPath, view.failover.siteHeader);
        }
        const edge = await LocalEdge.start(origins, timeScale);
        const backend = new OfflineBackend(options, origins, edge);
        Object.assign(backend.overrides, overrides);
        if (failbackNote) {
            backend.notes.push(failbackNote);
        }
        backend.adopt(plan);
        return backend;
    }

    get publicUrl(): string {
        return `${this.edge.url}${this.view().failover.healthPath}`;
    }

    async describeEdge(): Promise<EdgeView> {
        return this.view();
    }

    /** Offline, the site's own health endpoint stands in for Cloudflare's pool health. */
    async siteHealth(site: Site): Promise<SiteHealth> {
        const url = `${this.origins[site].url}${this.view().sites[site].healthPath}`;
        try {
            const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
            await response.arrayBuffer();
            return { healthy: response.ok, detail: `${url} answered ${response.status}` };
        } catch (error) {
            return { healthy: false, detail: `${url} did not answer: ${(error as Error).message}` };
        }
    }

    async scaleToActive(site: Site): Promise<void> {
        if (site === "aws") {
            return; // The AWS primary always runs at active capacity.
        }
        const siteStack = this.plan.referencedStacks.find((referenced) => stackRole(referenced.outputs) === "azure-site");
        if (!siteStack) {
            throw new Error(`${this.plan.stack} references no azure-site stack`);
        }
        this.overrides[siteStack.stack] = { ...this.overrides[siteStack.stack], [KEY.azureCapacity]: "active" };
        await this.update();
    }

    async switchTo(site: Site): Promise<void> {
        this.overrides[this.plan.stack] = { ...this.overrides[this.plan.stack], [KEY.activeSite]: site };
        await this.update();
    }

    async close(): Promise<void> {
        await this.edge.stop();
        await Promise.all(SITES.map((site) => this.origins[site].stop().catch(() => undefined)));
    }

    private view(): EdgeView {
        return edgeViewFromOutputs(this.plan.stack, this.plan.outputs);
    }

    private async update(): Promise<void> {
        const planner = this.options.planner ?? planStack;
        this.adopt(await planner({ stack: this.options.stack, program: this.options.program, configOverrides: this.overrides }));
    }

    private adopt(plan: StackPlan): void {
        this.plan = plan;
        this.edge.apply(localEdgeConfig(plan, this.view()));
    }
}

function localEdgeConfig(plan: StackPlan, view: EdgeView): LocalEdgeConfig {
    const loadBalancer = plannedLoadBalancer(plan);
    if (!loadBalancer || loadBalancer.pools.length !== SITES.length) {
        throw new Error(`${plan.stack} plans no load balancer with a pool per site`);
    }
    const monitors = Object.fromEntries(
        loadBalancer.pools.map((pool) => {
            if (!pool.monitor) {
                throw new Error(`${plan.stack}: the ${pool.site} pool has no health monitor`);
            }
            return [pool.site, pool.monitor.settings];
        }),
    ) as LocalEdgeConfig["monitors"];
    return {
        order: loadBalancer.pools.map((pool) => pool.site as Site),
        fallback: (loadBalancer.fallbackSite ?? view.activeSite) as Site,
        steeringPolicy: loadBalancer.steeringPolicy,
        weights: view.trafficWeights,
        monitors,
    };
}
