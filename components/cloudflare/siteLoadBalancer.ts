import * as pulumi from "@pulumi/pulumi";
import { LoadBalancer } from "@pulumi/cloudflare/loadBalancer";
import { LoadBalancerMonitor } from "@pulumi/cloudflare/loadBalancerMonitor";
import { LoadBalancerPool } from "@pulumi/cloudflare/loadBalancerPool";
import { NotificationPolicy } from "@pulumi/cloudflare/notificationPolicy";
import { failoverDetectionSec, HEALTH_CHECK_REGIONS, type HealthMonitorTiming } from "../../model/failover";
import { otherSite, type Site } from "../../model/stacks";
import { PORTS } from "../../model/intent";

/** Where Cloudflare reaches one site. */
export interface SiteOrigin {
    /** The public address of the site's origin (load balancer DNS name or IP). */
    readonly address: pulumi.Input<string>;
    /** The hostname the origin's certificate names; sent as Host and SNI. */
    readonly hostname: string;
}

export interface HealthMonitorSettings extends HealthMonitorTiming {
    /** Path probed on each site. */
    readonly path: string;
    /** Status it must answer with, e.g. "200" or "2xx". */
    readonly expectedCodes: string;
    /** Good probes in a row before a site is healthy again. */
    readonly consecutiveUp: number;
}

export interface SiteLoadBalancerArgs {
    /** Cloudflare account ID that owns the monitors, pools and notification policy. */
    readonly accountId: pulumi.Input<string>;
    /** Cloudflare zone ID the load balancer's hostname belongs to. */
    readonly zoneId: pulumi.Input<string>;
    /** The public hostname it answers on; proxied, so no DNS TTL slows a failover. */
    readonly hostname: string;
    /** How Cloudflare reaches each site, by site name ("aws", "azure"); each becomes one pool. */
    readonly origins: Readonly<Record<Site, SiteOrigin>>;
    /** The site that takes traffic; the other takes over when it is unhealthy. */
    readonly activeSite: Site;
    /** Percent of traffic sent to the standby while both are healthy. @default 0 (pure failover) */
    readonly standbyTrafficPercent?: number;
    /** The health monitor of both pools: timing, path and expected status. */
    readonly monitor: HealthMonitorSettings;
    /** Email for pool-health notifications. @default "" (none) */
    readonly alertEmail?: string;
}

/** How traffic is spread across the two site pools, in pool order (active first). */
export interface TrafficSplit {
    readonly failoverOrder: readonly [Site, Site];
    /** Share of traffic per site while both are healthy, summing to 1. */
    readonly weights: Readonly<Record<Site, number>>;
    /** "off": everything to the first healthy pool in order; "random": weighted across healthy pools. */
    readonly steeringPolicy: "off" | "random";
}

export function trafficSplit(activeSite: Site, standbyTrafficPercent: number): TrafficSplit {
    if (!Number.isInteger(standbyTrafficPercent) || standbyTrafficPercent < 0 || standbyTrafficPercent > 100) {
        throw new Error(`standbyTrafficPercent ${standbyTrafficPercent} is not allowed; allowed: a whole number from 0 to 100`);
    }
    const standby = otherSite(activeSite);
    const standbyShare = standbyTrafficPercent / 100;
    return {
        failoverOrder: [activeSite, standby],
        weights: { [activeSite]: 1 - standbyShare, [standby]: standbyShare } as Record<Site, number>,
        steeringPolicy: standbyTrafficPercent === 0 ? "off" : "random",
    };
}

/**
 * Cloudflare load balancing across the two sites: an HTTPS monitor and a pool per site, and a
 * proxied load balancer that sends traffic to the active site and fails over to the other when
 * its monitor marks it down. Session affinity keeps a trader on one site, and zero-downtime
 * failover moves sticky sessions as soon as their site is unhealthy.
 */
export class SiteLoadBalancer extends pulumi.ComponentResource {
    /** ID of each site's pool, by site name. */
    public readonly poolIds: Record<Site, pulumi.Output<string>>;
    /** ID of the proxied load balancer on the hostname. */
    public readonly loadBalancerId: pulumi.Output<string>;
    /** The traffic split applied: failover order (active first), weights and steering policy. */
    public readonly split: TrafficSplit;
    /** Worst-case seconds from a site's death to the edge sending its traffic elsewhere. */
    public readonly failoverDetectionSec: number;

    constructor(name: string, args: SiteLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:cloudflare:SiteLoadBalancer", name, {}, opts);
        if (args.monitor.timeoutSec >= args.monitor.intervalSec) {
            throw new Error(
                `SiteLoadBalancer ${name}: monitor.timeoutSec (${args.monitor.timeoutSec}) must be shorter than monitor.intervalSec (${args.monitor.intervalSec})`,
            );
        }
        this.split = trafficSplit(args.activeSite, args.standbyTrafficPercent ?? 0);
        this.failoverDetectionSec = failoverDetectionSec(args.monitor);
        const parent = { parent: this };

        const pools = {} as Record<Site, LoadBalancerPool>;
        for (const site of this.split.failoverOrder) {
            const origin = args.origins[site];
            const monitor = new LoadBalancerMonitor(
                `${name}-${site}`,
                {
                    accountId: args.accountId,
                    description: `${site} site health`,
                    type: "https",
                    method: "GET",
                    port: PORTS.https,
                    path: args.monitor.path,
                    expectedCodes: args.monitor.expectedCodes,
                    interval: args.monitor.intervalSec,
                    timeout: args.monitor.timeoutSec,
                    retries: args.monitor.retries,
                    consecutiveDown: args.monitor.consecutiveDown,
                    consecutiveUp: args.monitor.consecutiveUp,
                    header: { Host: [origin.hostname] },
                    followRedirects: false,
                    allowInsecure: false,
                },
                parent,
            );
            pools[site] = new LoadBalancerPool(
                `${name}-${site}`,
                {
                    accountId: args.accountId,
                    name: `${name}-${site}`,
                    description: `The ${site} site`,
                    enabled: true,
                    minimumOrigins: 1,
                    monitor: monitor.id,
                    // Named, odd in number: the majority of regions that decides health is then fixed.
                    checkRegions: [...HEALTH_CHECK_REGIONS],
                    origins: [{ name: site, address: origin.address, enabled: true, weight: 1, header: { hosts: [origin.hostname] } }],
                },
                parent,
            );
        }
        const [first, second] = this.split.failoverOrder;
        const poolWeights = pulumi
            .all([pools[first].id, pools[second].id])
            .apply(([firstId, secondId]) => ({ [firstId]: this.split.weights[first], [secondId]: this.split.weights[second] }));

        const loadBalancer = new LoadBalancer(
            name,
            {
                zoneId: args.zoneId,
                name: args.hostname,
                description: `Crypto Beacon: ${first} first, ${second} on failure`,
                proxied: true,
                defaultPools: [pools[first].id, pools[second].id],
                // Used only when every pool is unhealthy. Monitors that all fail at once more likely
                // mean the probes broke than both clouds, so the active site takes that traffic.
                fallbackPool: pools[first].id,
                steeringPolicy: this.split.steeringPolicy,
                randomSteering: this.split.steeringPolicy === "random" ? { defaultWeight: 0, poolWeights } : undefined,
                adaptiveRouting: { failoverAcrossPools: true },
                sessionAffinity: "cookie",
                sessionAffinityTtl: 1800,
                sessionAffinityAttributes: { zeroDowntimeFailover: "sticky", drainDuration: 60, secure: "Always", samesite: "Strict" },
            },
            parent,
        );

        if (args.alertEmail) {
            new NotificationPolicy(
                `${name}-pool-health`,
                {
                    accountId: args.accountId,
                    name: `${args.hostname}: site pool health`,
                    description: "A site's pool turned unhealthy or recovered: traffic moved between clouds",
                    alertType: "load_balancing_health_alert",
                    enabled: true,
                    filters: { poolIds: [pools.aws.id, pools.azure.id], newHealths: ["Unhealthy", "Healthy"] },
                    mechanisms: { emails: [{ id: args.alertEmail }] },
                },
                parent,
            );
        }

        this.poolIds = { aws: pools.aws.id, azure: pools.azure.id };
        this.loadBalancerId = loadBalancer.id;
        this.registerOutputs({ poolIds: this.poolIds, loadBalancerId: this.loadBalancerId });
    }
}
