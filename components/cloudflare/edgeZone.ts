import * as pulumi from "@pulumi/pulumi";
import { AuthenticatedOriginPullsCertificate } from "@pulumi/cloudflare/authenticatedOriginPullsCertificate";
import { AuthenticatedOriginPullsSettings } from "@pulumi/cloudflare/authenticatedOriginPullsSettings";
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import { Ruleset } from "@pulumi/cloudflare/ruleset";
import { ZoneDnssec } from "@pulumi/cloudflare/zoneDnssec";
import { ZoneSetting } from "@pulumi/cloudflare/zoneSetting";
import { type CloudflarePlan } from "../../model/failover";

/** Cloudflare's managed WAF rulesets (fixed ids across every account). */
export const MANAGED_RULESET_IDS = {
    cloudflareManaged: "efb7b8c949ac4650a09736fc376e9aee",
    owaspCore: "4814384a9e5d4991b9815dcfc25d2f1f",
} as const;

/**
 * The zone entry-point rulesets the edge manages, by phase, with the suffix of each one's
 * resource name. A zone holds one entry point per phase: one that exists already must be imported
 * (`npm run preflight`).
 */
export const ENTRY_POINT_RULESETS = {
    http_request_firewall_managed: "managed-waf",
    http_request_firewall_custom: "custom-waf",
    http_ratelimit: "rate-limits",
    http_response_headers_transform: "security-headers",
    http_request_cache_settings: "cache",
} as const;
export type RulesetPhase = keyof typeof ENTRY_POINT_RULESETS;

/** HSTS max-age: one year, above the six months the deployment guide asks for. */
export const HSTS_MAX_AGE_SEC = 31_536_000;

/** Paths where credentials are posted; they get their own, much lower, rate limit. */
export const LOGIN_PATHS = ["/login", "/api/auth/login", "/api/auth/token"] as const;

export interface EdgeZoneArgs {
    /** Cloudflare zone ID of the domain: every setting, ruleset and DNS record goes on it. */
    readonly zoneId: pulumi.Input<string>;
    /** The public hostname the load balancer answers on; `www.` is a proxied alias of it. */
    readonly domain: string;
    /** Requests per minute one client IP may send to `/api/`. */
    readonly apiRateLimitPerMinute: number;
    /** Requests per minute one client IP may send to the login paths. */
    readonly loginRateLimitPerMinute: number;
    /** The Content-Security-Policy header set on every response. */
    readonly contentSecurityPolicy: string;
    /** Edge cache lifetime of static assets (`/assets/`, `/static/`). @default 86400 */
    readonly staticAssetTtlSec?: number;
    /**
     * The zone's own client certificate for authenticated origin pulls (PEM), and its key.
     * Cloudflare's global certificate is presented for every customer's zones, so only a
     * per-zone certificate, verified by the origins, locks them to this zone.
     */
    readonly originPullCertificate: string;
    /** The private key of originPullCertificate, PEM; a secret. */
    readonly originPullPrivateKey: pulumi.Input<string>;
    /** The zone's Cloudflare plan: it decides which WAF signals the custom rules may use. */
    readonly plan: CloudflarePlan;
}

/**
 * Login requests the WAF's attack score classes as attacks get a challenge. `cf.threat_score` is
 * always 0 now; the attack score class needs Business or above, and Pro has no attack score
 * (developers.cloudflare.com/waf/detections/attack-score/).
 */
export function loginChallengeExpression(plan: CloudflarePlan): string | undefined {
    return plan === "pro" ? undefined : `(cf.waf.score.class in {"attack" "likely_attack"}) and (${loginPathExpression()})`;
}

/**
 * The zone's security posture: strict TLS 1.2+ with 1.3 and HSTS, DNSSEC, authenticated origin
 * pulls with the zone's own certificate, Cloudflare's managed and OWASP WAF rulesets plus our own rules, rate limits on the API
 * and login paths, security response headers and caching of static assets. Each ruleset is the
 * zone's entry point for its phase: a zone may hold only one per phase.
 */
export class EdgeZone extends pulumi.ComponentResource {
    constructor(name: string, args: EdgeZoneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:cloudflare:EdgeZone", name, {}, opts);
        if (args.loginRateLimitPerMinute > args.apiRateLimitPerMinute) {
            throw new Error(
                `EdgeZone ${name}: loginRateLimitPerMinute (${args.loginRateLimitPerMinute}) must not exceed apiRateLimitPerMinute (${args.apiRateLimitPerMinute})`,
            );
        }
        if (!args.originPullCertificate.includes("-----BEGIN CERTIFICATE-----")) {
            throw new Error(`EdgeZone ${name}: originPullCertificate must be a PEM certificate (-----BEGIN CERTIFICATE----- ...)`);
        }
        const parent = { parent: this };
        const zoneId = args.zoneId;

        const settings: Record<string, unknown> = {
            ssl: "strict",
            min_tls_version: "1.2",
            tls_1_3: "on",
            always_use_https: "on",
            automatic_https_rewrites: "on",
            security_header: {
                strict_transport_security: {
                    enabled: true,
                    max_age: HSTS_MAX_AGE_SEC,
                    include_subdomains: true,
                    preload: true,
                    nosniff: true,
                },
            },
        };
        for (const [settingId, value] of Object.entries(settings)) {
            new ZoneSetting(`${name}-${settingId.replace(/_/g, "-")}`, { zoneId, settingId, value }, parent);
        }
        new ZoneDnssec(`${name}-dnssec`, { zoneId, status: "active" }, parent);
        // The origin lock's edge half: Cloudflare presents this zone's own client certificate to
        // the origins, which admit only Cloudflare's ranges and verify the certificate's issuer.
        // Enabling the setting before the upload would present the global certificate instead.
        const originPullCertificate = new AuthenticatedOriginPullsCertificate(
            `${name}-origin-pull`,
            {
                zoneId,
                certificate: args.originPullCertificate,
                privateKey: pulumi.secret(args.originPullPrivateKey),
            },
            parent,
        );
        new AuthenticatedOriginPullsSettings(
            `${name}-origin-pulls`,
            { zoneId, enabled: true },
            { parent: this, dependsOn: [originPullCertificate] },
        );

        new DnsRecord(
            `${name}-www`,
            {
                zoneId,
                name: `www.${args.domain}`,
                type: "CNAME",
                content: args.domain,
                proxied: true,
                ttl: 1, // "automatic": required for proxied records
                comment: "Alias of the load-balanced hostname; proxied, so the WAF and headers apply",
            },
            parent,
        );

        new Ruleset(
            `${name}-${ENTRY_POINT_RULESETS.http_request_firewall_managed}`,
            {
                zoneId,
                kind: "zone",
                phase: "http_request_firewall_managed",
                name: "Managed WAF",
                description: "Cloudflare Managed and OWASP Core rulesets on every request",
                rules: [
                    {
                        action: "execute",
                        expression: "true",
                        description: "Cloudflare Managed Ruleset",
                        actionParameters: { id: MANAGED_RULESET_IDS.cloudflareManaged },
                    },
                    {
                        action: "execute",
                        expression: "true",
                        description: "Cloudflare OWASP Core Ruleset",
                        actionParameters: { id: MANAGED_RULESET_IDS.owaspCore },
                    },
                ],
            },
            parent,
        );

        const loginChallenge = loginChallengeExpression(args.plan);
        new Ruleset(
            `${name}-${ENTRY_POINT_RULESETS.http_request_firewall_custom}`,
            {
                zoneId,
                kind: "zone",
                phase: "http_request_firewall_custom",
                name: "Custom WAF rules",
                rules: [
                    {
                        action: "block",
                        expression: `not http.request.method in {"GET" "HEAD" "POST" "PUT" "PATCH" "DELETE" "OPTIONS"}`,
                        description: "Block HTTP methods the hub does not serve",
                    },
                    {
                        action: "block",
                        expression: `(http.request.uri.path contains "/.git") or (http.request.uri.path contains "/.env") or (http.request.uri.path contains "/wp-admin")`,
                        description: "Block probes for source, secrets and foreign admin panels",
                    },
                    ...(loginChallenge
                        ? [
                              {
                                  action: "managed_challenge",
                                  expression: loginChallenge,
                                  description: "Challenge login requests the WAF attack score classes as attacks",
                              },
                          ]
                        : []),
                ],
            },
            parent,
        );

        new Ruleset(
            `${name}-${ENTRY_POINT_RULESETS.http_ratelimit}`,
            {
                zoneId,
                kind: "zone",
                phase: "http_ratelimit",
                name: "Rate limits",
                rules: [
                    rateLimitRule("Login paths, per client IP", loginPathExpression(), args.loginRateLimitPerMinute, 600),
                    rateLimitRule("API, per client IP", `starts_with(http.request.uri.path, "/api/")`, args.apiRateLimitPerMinute, 60),
                ],
            },
            parent,
        );

        new Ruleset(
            `${name}-${ENTRY_POINT_RULESETS.http_response_headers_transform}`,
            {
                zoneId,
                kind: "zone",
                phase: "http_response_headers_transform",
                name: "Security response headers",
                rules: [
                    {
                        action: "rewrite",
                        expression: "true",
                        // HSTS comes from the zone's security_header setting alone: one source of truth.
                        description: "CSP, nosniff, referrer and permissions policies on every response",
                        actionParameters: {
                            headers: {
                                "Content-Security-Policy": { operation: "set", value: args.contentSecurityPolicy },
                                "X-Content-Type-Options": { operation: "set", value: "nosniff" },
                                "Referrer-Policy": { operation: "set", value: "strict-origin-when-cross-origin" },
                                "Permissions-Policy": { operation: "set", value: "camera=(), microphone=(), geolocation=(), payment=()" },
                            },
                        },
                    },
                ],
            },
            parent,
        );

        new Ruleset(
            `${name}-${ENTRY_POINT_RULESETS.http_request_cache_settings}`,
            {
                zoneId,
                kind: "zone",
                phase: "http_request_cache_settings",
                name: "Cache rules",
                rules: [
                    {
                        action: "set_cache_settings",
                        expression: `starts_with(http.request.uri.path, "/assets/") or starts_with(http.request.uri.path, "/static/")`,
                        description: "Cache static assets at the edge",
                        actionParameters: { cache: true, edgeTtl: { mode: "override_origin", default: args.staticAssetTtlSec ?? 86_400 } },
                    },
                    {
                        action: "set_cache_settings",
                        expression: `starts_with(http.request.uri.path, "/api/")`,
                        description: "Never cache API answers: they carry account data",
                        actionParameters: { cache: false },
                    },
                ],
            },
            parent,
        );

        this.registerOutputs({});
    }
}

function loginPathExpression(): string {
    return `http.request.uri.path in {${LOGIN_PATHS.map((path) => `"${path}"`).join(" ")}}`;
}

function rateLimitRule(description: string, expression: string, requestsPerMinute: number, mitigationTimeoutSec: number) {
    return {
        action: "block",
        description,
        expression,
        ratelimit: {
            characteristics: ["ip.src", "cf.colo.id"],
            period: 60,
            requestsPerPeriod: requestsPerMinute,
            mitigationTimeout: mitigationTimeoutSec,
        },
    };
}
