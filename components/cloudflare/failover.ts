/**
 * How fast Cloudflare's load balancer notices a dead site, from its health-monitor settings.
 * The schema rejects a stack whose worst case exceeds its environment's limit, and `plan` and the
 * DR drill report it.
 */

export const CLOUDFLARE_PLANS = ["pro", "business", "enterprise"] as const;
export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];

/** Cloudflare's shortest health-monitor interval per plan, in seconds. */
const MINIMUM_INTERVAL_SEC: Readonly<Record<CloudflarePlan, number>> = { pro: 60, business: 15, enterprise: 10 };

export function minimumMonitorIntervalSec(plan: CloudflarePlan): number {
    return MINIMUM_INTERVAL_SEC[plan];
}

export interface HealthMonitorTiming {
    readonly intervalSec: number;
    readonly timeoutSec: number;
    readonly retries: number;
    readonly consecutiveDown: number;
}

/**
 * Worst-case seconds from a site's death to Cloudflare marking its pool unhealthy: the last good
 * probe lands just before the failure, then `consecutiveDown` probes must fail, each after
 * waiting out its timeout on every retry. A proxied load balancer adds no DNS TTL.
 */
export function failoverDetectionSec(monitor: HealthMonitorTiming): number {
    return monitor.intervalSec * monitor.consecutiveDown + monitor.timeoutSec * (monitor.retries + 1);
}
