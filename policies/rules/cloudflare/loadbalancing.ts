import { CLOUDFLARE_MONITOR_DEFAULTS, detectionTimeProblem, FAILOVER_DETECTION_TARGET_SEC } from "../../../model/failover";
import { SITES } from "../../../model/stacks";
import { arrayInput, objectInput } from "../../lib/props";
import { resourceRule, stackRule } from "../../lib/rules";

export const cloudflareLoadBalancerProxied = resourceRule({
    name: "cloudflare-load-balancer-proxied",
    pack: "security",
    description: "The load balancer is proxied: traffic passes the WAF, and failover waits for no DNS TTL.",
    severity: "high",
    remediation: "Set proxied: true on the load balancer.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6", "A1.2"] },
    types: ["cloudflare:index/loadBalancer:LoadBalancer"],
    check: ({ props }) => (props.proxied === true ? [] : ["the load balancer is DNS-only"]),
});

export const cloudflareZeroDowntimeFailover = resourceRule({
    name: "cloudflare-zero-downtime-failover",
    pack: "security",
    description: "Sticky sessions move to a healthy pool as soon as theirs fails, instead of erroring until the cookie expires.",
    severity: "medium",
    remediation: "Set sessionAffinityAttributes.zeroDowntimeFailover to sticky (or temporary).",
    controls: { soc2: ["A1.2"] },
    types: ["cloudflare:index/loadBalancer:LoadBalancer"],
    check: ({ props }) => {
        const affinity = String(props.sessionAffinity ?? "none");
        const failover = String(objectInput(props.sessionAffinityAttributes)?.zeroDowntimeFailover ?? "none");
        return affinity !== "none" && failover === "none" ? [`session affinity ${affinity} without zero-downtime failover`] : [];
    },
});

export const cloudflareMonitorHttps = resourceRule({
    name: "cloudflare-monitor-https",
    pack: "security",
    description: "Health monitors probe the origins over HTTPS and verify their certificates.",
    severity: "medium",
    remediation: "Set the monitor's type to https and allowInsecure to false.",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7", "A1.2"] },
    types: ["cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor"],
    check: ({ props }) => {
        const problems = [];
        if (props.type !== "https") problems.push(`monitor type is ${String(props.type ?? "http")}; allowed: https`);
        if (props.allowInsecure === true) problems.push("the monitor accepts invalid certificates");
        return problems;
    },
});

export const cloudflarePoolMonitored = resourceRule({
    name: "cloudflare-pool-monitored",
    pack: "resilience",
    description: "Every load-balancer pool has a health monitor and needs at least one healthy origin.",
    severity: "high",
    remediation: "Set monitor and minimumOrigins (1 or more) on the pool.",
    controls: { soc2: ["A1.2"] },
    types: ["cloudflare:index/loadBalancerPool:LoadBalancerPool"],
    check: ({ props }) => [
        ...(props.monitor ? [] : ["the pool has no health monitor"]),
        ...(Number(props.minimumOrigins ?? 1) >= 1 ? [] : ["minimumOrigins is 0"]),
    ],
});

export const cloudflarePoolNotifications = stackRule({
    name: "cloudflare-pool-health-notifications",
    pack: "compliance",
    description: "Someone is told when a site's pool turns unhealthy, because traffic moved between clouds.",
    severity: "medium",
    remediation: "Add a notification policy of type load_balancing_health_alert (crypto-beacon:edgeAlertEmail).",
    controls: { pciDss: ["10.7.2"], soc2: ["CC7.2"] },
    check: (stack) =>
        stack.ofType("cloudflare:index/loadBalancer:LoadBalancer").length > 0 &&
        !stack
            .ofType("cloudflare:index/notificationPolicy:NotificationPolicy")
            .some((policy) => policy.props.alertType === "load_balancing_health_alert" && policy.props.enabled !== false)
            ? [{ message: "no notification policy for pool health" }]
            : [],
});

export const loadBalancerBothClouds = stackRule({
    name: "load-balancer-both-clouds",
    pack: "resilience",
    description: "The edge load balancer has a monitored pool on each cloud and a fallback pool.",
    severity: "critical",
    remediation: "Give the load balancer defaultPools with one pool per site, each with a health monitor, and a fallbackPool.",
    controls: { soc2: ["A1.2", "CC9.1"] },
    check: (stack) =>
        stack.ofType("cloudflare:index/loadBalancer:LoadBalancer").flatMap((balancer) => {
            const pools = (balancer.propertyDependencies?.defaultPools ?? [])
                .map((dependency) => stack.get(dependency.urn))
                .filter((pool) => pool !== undefined);
            const monitored = pools.filter((pool) => (pool.propertyDependencies?.monitor ?? []).length > 0);
            const sites = new Set(monitored.flatMap((pool) => arrayInput(pool.props.origins).map((origin) => String(origin.name))));
            const problems = [];
            const missing = SITES.filter((site) => !sites.has(site));
            if (missing.length > 0) problems.push(`no monitored pool for ${missing.join(", ")}`);
            if (!balancer.props.fallbackPool) problems.push("no fallback pool");
            return problems.map((problem) => ({ message: problem, urn: balancer.urn }));
        }),
});

export const failoverDetection = stackRule<{ maxDetectionSec: number }>({
    name: "failover-detection-time",
    pack: "resilience",
    description:
        "The edge's health monitors notice a dead site within the limit less the margin, as the stack config requires (prod: 35 s less 5 s): interval x consecutive-down + timeout x (retries + 1) + propagation.",
    severity: "high",
    remediation:
        "Shorten the monitor interval (the plan allows), lower consecutiveDown or retries, or raise maxDetectionSec for a non-prod stack.",
    controls: { soc2: ["A1.2"] },
    configSchema: { properties: { maxDetectionSec: { type: "number", default: FAILOVER_DETECTION_TARGET_SEC } } },
    check: (stack, config) =>
        stack.ofType("cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor").flatMap((monitor) => {
            const props = monitor.props;
            const problem = detectionTimeProblem(
                {
                    intervalSec: Number(props.interval ?? CLOUDFLARE_MONITOR_DEFAULTS.intervalSec),
                    consecutiveDown: Number(props.consecutiveDown ?? CLOUDFLARE_MONITOR_DEFAULTS.consecutiveDown),
                    timeoutSec: Number(props.timeout ?? CLOUDFLARE_MONITOR_DEFAULTS.timeoutSec),
                    retries: Number(props.retries ?? CLOUDFLARE_MONITOR_DEFAULTS.retries),
                },
                config.maxDetectionSec,
            );
            return problem ? [{ message: problem, urn: monitor.urn }] : [];
        }),
});
