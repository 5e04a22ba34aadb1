import { type Environment } from "./stacks";

/**
 * How fast Cloudflare's load balancer notices a dead site, from its health-monitor settings, and
 * the one rule every check applies: the config schema, the `failover-detection-time` policy, the
 * edge's outputs and the DR drill.
 *
 * How Cloudflare decides (developers.cloudflare.com/load-balancing/understand-basics/health-details):
 * each health-check region probes from three data centres; a region is unhealthy when most of its
 * data centres see the origin fail `consecutiveDown` probes in a row, and the origin (our pool has
 * one) is unhealthy when most of the checked regions are. Only that global decision is then spread
 * to every edge data centre, which is what moves traffic.
 */

export const CLOUDFLARE_PLANS = ["pro", "business", "enterprise"] as const;
export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];

/** Cloudflare's shortest health-monitor interval per plan, in seconds. */
const MINIMUM_INTERVAL_SEC: Readonly<Record<CloudflarePlan, number>> = { pro: 60, business: 15, enterprise: 10 };

export function minimumMonitorIntervalSec(plan: CloudflarePlan): number {
    return MINIMUM_INTERVAL_SEC[plan];
}

/**
 * The regions that probe each pool: an odd number, so that "most regions" is never a tie, and on
 * both sides of the Atlantic, so that one region's network trouble cannot fail a healthy site.
 */
export const HEALTH_CHECK_REGIONS = ["ENAM", "WNAM", "WEU"] as const;

/**
 * Seconds allowed for the global health decision to reach every edge data centre. Cloudflare
 * publishes no figure; this allowance is ours, and the live drill measures the real time.
 */
export const HEALTH_PROPAGATION_ALLOWANCE_SEC = 5;

/** Our target for noticing a dead site, in seconds (the deployment guide's RTO is 4 h). */
export const FAILOVER_DETECTION_TARGET_SEC = 35;

/** Headroom every environment keeps between the modelled worst case and its limit. */
export const FAILOVER_DETECTION_MARGIN_SEC = 5;

/** The longest worst-case detection each environment accepts: the target in prod and staging, which mirrors it. */
export const FAILOVER_DETECTION_LIMIT_SEC: Readonly<Record<Environment, number>> = {
    dev: 130,
    test: 130,
    staging: FAILOVER_DETECTION_TARGET_SEC,
    prod: FAILOVER_DETECTION_TARGET_SEC,
};

export interface HealthMonitorTiming {
    /** Seconds between two probes from one data centre; at least the plan's minimum (minimumMonitorIntervalSec). */
    readonly intervalSec: number;
    /** Seconds a probe waits for an answer before it counts as failed; less than intervalSec. */
    readonly timeoutSec: number;
    /** Extra attempts (count) a probe makes after a timeout before it counts as failed. */
    readonly retries: number;
    /** Failed probes in a row (count) after which a data centre calls the origin down. */
    readonly consecutiveDown: number;
}

/**
 * What Cloudflare uses for a monitor setting left out: the API's documented defaults for interval
 * (60), timeout (5) and retries (2); an unset consecutiveDown marks the origin down on one failure.
 */
export const CLOUDFLARE_MONITOR_DEFAULTS: HealthMonitorTiming = { intervalSec: 60, timeoutSec: 5, retries: 2, consecutiveDown: 1 };

/**
 * Worst-case seconds for one probing data centre to call a dead site down: its last good probe
 * lands just before the failure, then `consecutiveDown` probes must fail, each after waiting out
 * its timeout on every retry.
 */
export function probeDetectionSec(monitor: HealthMonitorTiming): number {
    return monitor.intervalSec * monitor.consecutiveDown + monitor.timeoutSec * (monitor.retries + 1);
}

/**
 * Worst-case seconds from a site's death to every edge data centre sending its traffic elsewhere.
 * The data centres probe independently, so the majority that decides is done no later than the
 * slowest of them: the per-probe worst case bounds the global decision, which then propagates.
 * A proxied load balancer adds no DNS TTL.
 */
export function failoverDetectionSec(monitor: HealthMonitorTiming): number {
    return probeDetectionSec(monitor) + HEALTH_PROPAGATION_ALLOWANCE_SEC;
}

/** The longest modelled worst case a limit admits, keeping the margin. */
export function maximumDetectionSec(limitSec: number): number {
    return limitSec - FAILOVER_DETECTION_MARGIN_SEC;
}

/**
 * Why a monitor is too slow for a limit, spelling out the formula; undefined when its worst case
 * plus the margin fits. `limitOwner` names whose limit it is in the message ("prod's").
 */
export function detectionTimeProblem(monitor: HealthMonitorTiming, limitSec: number, limitOwner = "a"): string | undefined {
    const detectionSec = failoverDetectionSec(monitor);
    const allowedSec = maximumDetectionSec(limitSec);
    if (detectionSec <= allowedSec) {
        return undefined;
    }
    return (
        `worst-case failover detection is ${detectionSec} s (interval ${monitor.intervalSec} s x consecutiveDown ${monitor.consecutiveDown}` +
        ` + timeout ${monitor.timeoutSec} s x (retries ${monitor.retries} + 1) + propagation ${HEALTH_PROPAGATION_ALLOWANCE_SEC} s);` +
        ` at most ${allowedSec} s allowed (${limitOwner} ${limitSec} s limit less a ${FAILOVER_DETECTION_MARGIN_SEC} s margin)`
    );
}
