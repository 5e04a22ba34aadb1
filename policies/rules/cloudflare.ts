import { arrayInput, objectInput } from "../lib/props";
import { resourceRule, stackRule } from "../lib/rules";

const ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting";
const RULESET = "cloudflare:index/ruleset:Ruleset";

/** HSTS must be remembered for at least six months (the deployment guide's floor). */
const HSTS_MIN_AGE_SEC = 15_552_000;

/** Cloudflare's managed WAF rulesets: Cloudflare Managed and OWASP Core (fixed ids). */
const MANAGED_RULESETS = { "Cloudflare Managed": "efb7b8c949ac4650a09736fc376e9aee", "OWASP Core": "4814384a9e5d4991b9815dcfc25d2f1f" } as const;

/** A zone setting rule: the setting, when a stack sets it, must have an allowed value. */
function zoneSettingRule(info: { name: string; settingId: string; description: string; remediation: string; allowed: readonly string[]; controls: Parameters<typeof resourceRule>[0]["controls"]; severity: "high" | "medium" }) {
    return resourceRule({
        name: info.name,
        description: info.description,
        severity: info.severity,
        remediation: info.remediation,
        controls: info.controls,
        types: [ZONE_SETTING],
        check: ({ props }) =>
            props.settingId === info.settingId && !info.allowed.includes(String(props.value)) ? [`${info.settingId} is ${JSON.stringify(props.value)}; allowed: ${info.allowed.join(", ")}`] : [],
    });
}

export const cloudflareSslStrict = zoneSettingRule({
    name: "cloudflare-ssl-strict",
    settingId: "ssl",
    description: "Cloudflare verifies the origin's certificate (SSL Full (strict)), so nobody can impersonate an origin.",
    remediation: "Set the zone's ssl setting to strict; the origins present Cloudflare Origin CA certificates.",
    allowed: ["strict"],
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"], ccpa: ["1798.150"] },
    severity: "high",
});

export const cloudflareMinTls = zoneSettingRule({
    name: "cloudflare-min-tls-1-2",
    settingId: "min_tls_version",
    description: "Clients must speak TLS 1.2 or later to the edge.",
    remediation: "Set the zone's min_tls_version to 1.2 (or 1.3).",
    allowed: ["1.2", "1.3"],
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"], ccpa: ["1798.150"] },
    severity: "high",
});

export const cloudflareTls13 = zoneSettingRule({
    name: "cloudflare-tls-1-3",
    settingId: "tls_1_3",
    description: "The edge offers TLS 1.3.",
    remediation: "Set the zone's tls_1_3 setting to on.",
    allowed: ["on", "zrt"],
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"] },
    severity: "medium",
});

export const cloudflareAlwaysHttps = zoneSettingRule({
    name: "cloudflare-always-https",
    settingId: "always_use_https",
    description: "Plain HTTP requests are redirected to HTTPS at the edge.",
    remediation: "Set the zone's always_use_https setting to on.",
    allowed: ["on"],
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    severity: "high",
});

export const cloudflareHsts = resourceRule({
    name: "cloudflare-hsts",
    description: "The zone sends HSTS for at least six months, to subdomains too, so browsers never fall back to HTTP.",
    severity: "medium",
    remediation: `Set security_header.strict_transport_security: enabled, max_age >= ${HSTS_MIN_AGE_SEC}, include_subdomains.`,
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"] },
    types: [ZONE_SETTING],
    check: ({ props }) => {
        if (props.settingId !== "security_header") {
            return [];
        }
        const hsts = objectInput(objectInput(props.value)?.strict_transport_security);
        const problems = [];
        if (hsts?.enabled !== true) problems.push("HSTS is off");
        if (!(Number(hsts?.max_age) >= HSTS_MIN_AGE_SEC)) problems.push(`HSTS max_age ${String(hsts?.max_age)} is under ${HSTS_MIN_AGE_SEC} s`);
        if (hsts?.include_subdomains !== true) problems.push("HSTS does not include subdomains");
        return problems;
    },
});

export const cloudflareDnssec = resourceRule({
    name: "cloudflare-dnssec",
    description: "The zone is signed with DNSSEC, so resolvers reject forged answers for the trading hub's names.",
    severity: "medium",
    remediation: "Set the zone's DNSSEC status to active, and publish the DS record at the registrar.",
    controls: { soc2: ["CC6.6"], gdpr: ["32"] },
    types: ["cloudflare:index/zoneDnssec:ZoneDnssec"],
    check: ({ props }) => (props.status === "active" ? [] : [`DNSSEC status is ${String(props.status)}; allowed: active`]),
});

export const cloudflareDnsProxied = resourceRule<{ unproxiedNames?: string[] }>({
    name: "cloudflare-dns-proxied",
    description: "Address records are proxied, so the origins' addresses stay hidden behind the WAF.",
    severity: "high",
    remediation: "Set proxied: true on A, AAAA and CNAME records, or list a deliberate exception in the policy config (unproxiedNames).",
    controls: { pciDss: ["1.4.2", "6.4.2"], soc2: ["CC6.6"] },
    configSchema: { properties: { unproxiedNames: { type: "array", items: { type: "string" }, default: [] } } },
    types: ["cloudflare:index/dnsRecord:DnsRecord"],
    check: ({ props }, config) =>
        ["A", "AAAA", "CNAME"].includes(String(props.type)) && props.proxied !== true && !(config.unproxiedNames ?? []).includes(String(props.name))
            ? [`${String(props.type)} record ${String(props.name)} is not proxied`]
            : [],
});

export const cloudflareOriginPulls = resourceRule({
    name: "cloudflare-authenticated-origin-pulls",
    description: "Cloudflare presents its client certificate to the origins (authenticated origin pulls), the edge half of the origin lock.",
    severity: "medium",
    remediation: "Enable authenticated origin pulls on the zone.",
    controls: { pciDss: ["1.4.2"], soc2: ["CC6.6"] },
    types: ["cloudflare:index/authenticatedOriginPullsSettings:AuthenticatedOriginPullsSettings"],
    check: ({ props }) => (props.enabled === true ? [] : ["authenticated origin pulls are off"]),
});

export const cloudflareLoadBalancerProxied = resourceRule({
    name: "cloudflare-load-balancer-proxied",
    description: "The load balancer is proxied: traffic passes the WAF, and failover waits for no DNS TTL.",
    severity: "high",
    remediation: "Set proxied: true on the load balancer.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6", "A1.2"] },
    types: ["cloudflare:index/loadBalancer:LoadBalancer"],
    check: ({ props }) => (props.proxied === true ? [] : ["the load balancer is DNS-only"]),
});

export const cloudflareZeroDowntimeFailover = resourceRule({
    name: "cloudflare-zero-downtime-failover",
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

/** Rulesets of one phase with the rules that match. */
function rulesInPhase(rulesets: readonly { props: Record<string, unknown> }[], phase: string) {
    return rulesets.filter((ruleset) => ruleset.props.phase === phase).flatMap((ruleset) => arrayInput(ruleset.props.rules));
}

/** Whether the stack manages a Cloudflare zone at all: then it owns the zone's rulesets too. */
function managesZone(stack: { ofType: (...types: string[]) => unknown[] }): boolean {
    return stack.ofType(ZONE_SETTING).length > 0;
}

export const cloudflareManagedWaf = stackRule({
    name: "cloudflare-managed-waf",
    description: "A zone the stack manages runs Cloudflare's Managed and OWASP Core rulesets on every request.",
    severity: "critical",
    remediation: "Add a ruleset in phase http_request_firewall_managed that executes both managed rulesets.",
    controls: { pciDss: ["6.4.1", "6.4.2"], soc2: ["CC6.6"], gdpr: ["32"], ccpa: ["1798.150"] },
    check: (stack) => {
        if (!managesZone(stack)) {
            return [];
        }
        const executed = new Set(rulesInPhase(stack.ofType(RULESET), "http_request_firewall_managed").filter((rule) => rule.action === "execute").map((rule) => objectInput(rule.actionParameters)?.id));
        const missing = Object.entries(MANAGED_RULESETS).filter(([, id]) => !executed.has(id)).map(([title]) => title);
        return missing.length > 0 ? [{ message: `the zone does not run the ${missing.join(" and ")} ruleset${missing.length > 1 ? "s" : ""}` }] : [];
    },
});

export const cloudflareRateLimits = stackRule({
    name: "cloudflare-rate-limits",
    description: "A zone the stack manages blocks clients that exceed a request rate (credential stuffing, scraping).",
    severity: "high",
    remediation: "Add a ruleset in phase http_ratelimit with block rules for the API and login paths.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"] },
    check: (stack) =>
        managesZone(stack) && !rulesInPhase(stack.ofType(RULESET), "http_ratelimit").some((rule) => rule.action === "block" && objectInput(rule.ratelimit))
            ? [{ message: "the zone has no blocking rate-limit rule" }]
            : [],
});

export const cloudflareSecurityHeaders = stackRule({
    name: "cloudflare-security-headers",
    description: "A zone the stack manages sets Content-Security-Policy, HSTS and X-Content-Type-Options on every response (HSTS from the zone's security_header setting or a header rule).",
    severity: "medium",
    remediation: "Add a ruleset in phase http_response_headers_transform that sets the headers; HSTS may come from the zone's security_header setting instead.",
    controls: { pciDss: ["6.4.1"], soc2: ["CC6.6"] },
    check: (stack) => {
        if (!managesZone(stack)) {
            return [];
        }
        const set = new Set(
            rulesInPhase(stack.ofType(RULESET), "http_response_headers_transform").flatMap((rule) =>
                Object.entries(objectInput(objectInput(rule.actionParameters)?.headers) ?? {})
                    .filter(([, header]) => objectInput(header)?.operation === "set")
                    .map(([name]) => name.toLowerCase()),
            ),
        );
        const zoneHsts = stack
            .ofType(ZONE_SETTING)
            .some((setting) => setting.props.settingId === "security_header" && objectInput(objectInput(setting.props.value)?.strict_transport_security)?.enabled === true);
        if (zoneHsts) {
            set.add("strict-transport-security");
        }
        const missing = ["content-security-policy", "strict-transport-security", "x-content-type-options"].filter((header) => !set.has(header));
        return missing.length > 0 ? [{ message: `responses lack ${missing.join(", ")}` }] : [];
    },
});

export const cloudflarePoolMonitored = resourceRule({
    name: "cloudflare-pool-monitored",
    description: "Every load-balancer pool has a health monitor and needs at least one healthy origin.",
    severity: "high",
    remediation: "Set monitor and minimumOrigins (1 or more) on the pool.",
    controls: { soc2: ["A1.2"] },
    types: ["cloudflare:index/loadBalancerPool:LoadBalancerPool"],
    check: ({ props }) => [...(props.monitor ? [] : ["the pool has no health monitor"]), ...(Number(props.minimumOrigins ?? 1) >= 1 ? [] : ["minimumOrigins is 0"])],
});

export const cloudflarePoolNotifications = stackRule({
    name: "cloudflare-pool-health-notifications",
    description: "Someone is told when a site's pool turns unhealthy, because traffic moved between clouds.",
    severity: "medium",
    remediation: "Add a notification policy of type load_balancing_health_alert (crypto-beacon:edgeAlertEmail).",
    controls: { pciDss: ["10.7.2"], soc2: ["CC7.2"] },
    check: (stack) =>
        stack.ofType("cloudflare:index/loadBalancer:LoadBalancer").length > 0 &&
        !stack.ofType("cloudflare:index/notificationPolicy:NotificationPolicy").some((policy) => policy.props.alertType === "load_balancing_health_alert" && policy.props.enabled !== false)
            ? [{ message: "no notification policy for pool health" }]
            : [],
});

export const cloudflareCustomWaf = stackRule({
    name: "cloudflare-custom-waf",
    description: "A zone the stack manages has custom WAF rules that block what the hub never serves.",
    severity: "medium",
    remediation: "Add a ruleset in phase http_request_firewall_custom with block rules.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"] },
    check: (stack) =>
        managesZone(stack) && !rulesInPhase(stack.ofType(RULESET), "http_request_firewall_custom").some((rule) => rule.action === "block")
            ? [{ message: "the zone has no blocking custom WAF rule" }]
            : [],
});

export const cloudflareApiNotCached = stackRule({
    name: "cloudflare-api-not-cached",
    description: "The edge never caches API answers: they carry account data.",
    severity: "high",
    remediation: "Make every cache rule that matches /api/ set cache: false.",
    controls: { pciDss: ["3.5.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    check: (stack) =>
        rulesInPhase(stack.ofType(RULESET), "http_request_cache_settings")
            .filter((rule) => String(rule.expression).includes("/api/") && objectInput(rule.actionParameters)?.cache === true)
            .map((rule) => ({ message: `cache rule "${String(rule.description ?? rule.expression)}" caches API answers` })),
});
