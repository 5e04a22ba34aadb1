import { objectInput } from "../../lib/props";
import { resourceRule, type RuleInfo } from "../../lib/rules";

export const ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting";

/** HSTS must be remembered for at least six months (the deployment guide's floor). */
const HSTS_MIN_AGE_SEC = 15_552_000;

/** A zone setting rule: the setting, when a stack sets it, must have an allowed value. */
function zoneSettingRule(info: RuleInfo & { readonly settingId: string; readonly allowed: readonly string[] }) {
    const { settingId, allowed, ...rest } = info;
    return resourceRule({
        ...rest,
        types: [ZONE_SETTING],
        check: ({ props }) =>
            props.settingId === settingId && !allowed.includes(String(props.value))
                ? [`${settingId} is ${JSON.stringify(props.value)}; allowed: ${allowed.join(", ")}`]
                : [],
    });
}

export const cloudflareSslStrict = zoneSettingRule({
    name: "cloudflare-ssl-strict",
    pack: "security",
    settingId: "ssl",
    description: "Cloudflare verifies the origin's certificate (SSL Full (strict)), so nobody can impersonate an origin.",
    remediation: "Set the zone's ssl setting to strict; the origins present Cloudflare Origin CA certificates.",
    allowed: ["strict"],
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"], ccpa: ["1798.150"] },
    severity: "high",
});

export const cloudflareMinTls = zoneSettingRule({
    name: "cloudflare-min-tls-1-2",
    pack: "security",
    settingId: "min_tls_version",
    description: "Clients must speak TLS 1.2 or later to the edge.",
    remediation: "Set the zone's min_tls_version to 1.2 (or 1.3).",
    allowed: ["1.2", "1.3"],
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"], ccpa: ["1798.150"] },
    severity: "high",
});

export const cloudflareTls13 = zoneSettingRule({
    name: "cloudflare-tls-1-3",
    pack: "security",
    settingId: "tls_1_3",
    description: "The edge offers TLS 1.3.",
    remediation: "Set the zone's tls_1_3 setting to on.",
    allowed: ["on", "zrt"],
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"] },
    severity: "medium",
});

export const cloudflareAlwaysHttps = zoneSettingRule({
    name: "cloudflare-always-https",
    pack: "security",
    settingId: "always_use_https",
    description: "Plain HTTP requests are redirected to HTTPS at the edge.",
    remediation: "Set the zone's always_use_https setting to on.",
    allowed: ["on"],
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    severity: "high",
});

export const cloudflareHsts = resourceRule({
    name: "cloudflare-hsts",
    pack: "security",
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
        if (!(Number(hsts?.max_age) >= HSTS_MIN_AGE_SEC))
            problems.push(`HSTS max_age ${String(hsts?.max_age)} is under ${HSTS_MIN_AGE_SEC} s`);
        if (hsts?.include_subdomains !== true) problems.push("HSTS does not include subdomains");
        return problems;
    },
});

export const cloudflareDnssec = resourceRule({
    name: "cloudflare-dnssec",
    pack: "security",
    description: "The zone is signed with DNSSEC, so resolvers reject forged answers for the trading hub's names.",
    severity: "medium",
    remediation: "Set the zone's DNSSEC status to active, and publish the DS record at the registrar.",
    controls: { soc2: ["CC6.6"], gdpr: ["32"] },
    types: ["cloudflare:index/zoneDnssec:ZoneDnssec"],
    check: ({ props }) => (props.status === "active" ? [] : [`DNSSEC status is ${String(props.status)}; allowed: active`]),
});

export const cloudflareOriginPulls = resourceRule({
    name: "cloudflare-authenticated-origin-pulls",
    pack: "security",
    description:
        "Cloudflare presents its client certificate to the origins (authenticated origin pulls), the edge half of the origin lock.",
    severity: "medium",
    remediation: "Enable authenticated origin pulls on the zone.",
    controls: { pciDss: ["1.4.2"], soc2: ["CC6.6"] },
    types: ["cloudflare:index/authenticatedOriginPullsSettings:AuthenticatedOriginPullsSettings"],
    check: ({ props }) => (props.enabled === true ? [] : ["authenticated origin pulls are off"]),
});

export const cloudflareSecurityLevel = zoneSettingRule({
    name: "cloudflare-security-level",
    pack: "security",
    description: "The zone's security level challenges visitors with a bad reputation; it is never turned off.",
    severity: "high",
    remediation: "Set the security_level zone setting to medium (the default), high or under_attack.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"] },
    settingId: "security_level",
    allowed: ["low", "medium", "high", "under_attack"],
});

export const cloudflareBrowserCheck = zoneSettingRule({
    name: "cloudflare-browser-check",
    pack: "security",
    description: "The browser integrity check stays on, turning away requests with the headers of known abusive clients.",
    severity: "medium",
    remediation: "Set the browser_check zone setting to on.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"] },
    settingId: "browser_check",
    allowed: ["on"],
});

export const cloudflareHttpsRewrites = zoneSettingRule({
    name: "cloudflare-automatic-https-rewrites",
    pack: "security",
    description: "Automatic HTTPS rewrites stay on, so pages never load their resources over plain HTTP.",
    severity: "medium",
    remediation: "Set the automatic_https_rewrites zone setting to on.",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"] },
    settingId: "automatic_https_rewrites",
    allowed: ["on"],
});

export const cloudflareNoZeroRtt = zoneSettingRule({
    name: "cloudflare-no-0rtt",
    pack: "security",
    description: "TLS 0-RTT stays off: early data can be replayed, and the API's POSTs move money.",
    severity: "medium",
    remediation: "Set the 0rtt zone setting to off.",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"] },
    settingId: "0rtt",
    allowed: ["off"],
});
