import { arrayInput, objectInput } from "../../lib/props";
import { stackRule } from "../../lib/rules";
import { ZONE_SETTING } from "./zone";

const RULESET = "cloudflare:index/ruleset:Ruleset";

/** Cloudflare's managed WAF rulesets: Cloudflare Managed and OWASP Core (fixed ids). */
const MANAGED_RULESETS = {
    "Cloudflare Managed": "efb7b8c949ac4650a09736fc376e9aee",
    "OWASP Core": "4814384a9e5d4991b9815dcfc25d2f1f",
} as const;

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
    pack: "security",
    description: "A zone the stack manages runs Cloudflare's Managed and OWASP Core rulesets on every request.",
    severity: "critical",
    remediation: "Add a ruleset in phase http_request_firewall_managed that executes both managed rulesets.",
    controls: { pciDss: ["6.4.1", "6.4.2"], soc2: ["CC6.6"], gdpr: ["32"], ccpa: ["1798.150"] },
    check: (stack) => {
        if (!managesZone(stack)) {
            return [];
        }
        const executed = new Set(
            rulesInPhase(stack.ofType(RULESET), "http_request_firewall_managed")
                .filter((rule) => rule.action === "execute")
                .map((rule) => objectInput(rule.actionParameters)?.id),
        );
        const missing = Object.entries(MANAGED_RULESETS)
            .filter(([, id]) => !executed.has(id))
            .map(([title]) => title);
        return missing.length > 0
            ? [{ message: `the zone does not run the ${missing.join(" and ")} ruleset${missing.length > 1 ? "s" : ""}` }]
            : [];
    },
});

export const cloudflareRateLimits = stackRule({
    name: "cloudflare-rate-limits",
    pack: "security",
    description: "A zone the stack manages blocks clients that exceed a request rate (credential stuffing, scraping).",
    severity: "high",
    remediation: "Add a ruleset in phase http_ratelimit with block rules for the API and login paths.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"] },
    check: (stack) =>
        managesZone(stack) &&
        !rulesInPhase(stack.ofType(RULESET), "http_ratelimit").some((rule) => rule.action === "block" && objectInput(rule.ratelimit))
            ? [{ message: "the zone has no blocking rate-limit rule" }]
            : [],
});

export const cloudflareSecurityHeaders = stackRule({
    name: "cloudflare-security-headers",
    pack: "security",
    description:
        "A zone the stack manages sets Content-Security-Policy, HSTS and X-Content-Type-Options on every response (HSTS from the zone's security_header setting or a header rule).",
    severity: "medium",
    remediation:
        "Add a ruleset in phase http_response_headers_transform that sets the headers; HSTS may come from the zone's security_header setting instead.",
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
            .some(
                (setting) =>
                    setting.props.settingId === "security_header" &&
                    objectInput(objectInput(setting.props.value)?.strict_transport_security)?.enabled === true,
            );
        if (zoneHsts) {
            set.add("strict-transport-security");
        }
        const missing = ["content-security-policy", "strict-transport-security", "x-content-type-options"].filter(
            (header) => !set.has(header),
        );
        return missing.length > 0 ? [{ message: `responses lack ${missing.join(", ")}` }] : [];
    },
});

export const cloudflareCustomWaf = stackRule({
    name: "cloudflare-custom-waf",
    pack: "security",
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
    pack: "security",
    description: "The edge never caches API answers: they carry account data.",
    severity: "high",
    remediation: "Make every cache rule that matches /api/ set cache: false.",
    controls: { pciDss: ["3.5.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    check: (stack) =>
        rulesInPhase(stack.ofType(RULESET), "http_request_cache_settings")
            .filter((rule) => String(rule.expression).includes("/api/") && objectInput(rule.actionParameters)?.cache === true)
            .map((rule) => ({ message: `cache rule "${String(rule.description ?? rule.expression)}" caches API answers` })),
});
