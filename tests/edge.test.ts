import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { loginChallengeExpression } from "../components/cloudflare/edgeZone";
import {
    FAILOVER_DETECTION_MARGIN_SEC,
    failoverDetectionSec,
    HEALTH_CHECK_REGIONS,
    HEALTH_PROPAGATION_ALLOWANCE_SEC,
    maximumDetectionSec,
    probeDetectionSec,
} from "../model/failover";
import { trafficSplit } from "../components/cloudflare/siteLoadBalancer";
import { databaseTopologyProblems, survivorsAfterLosing, type DatabaseTopology } from "../model/topology";
import { plannedLoadBalancer } from "../tools/plan/loadBalancerPlan";
import type { StackPlan } from "../tools/plan/planner";
import { assertPlanFails, one, providerOf, REPOSITORY_ROOT, resourceNamed, resourcesOfType, sharedPlan } from "./helpers";

const ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting";

/** A value of a committed stack file, as the CLI reads it. */
function stackFileValue(stackFile: string, key: string): string {
    const document = parse(readFileSync(path.join(REPOSITORY_ROOT, stackFile), "utf8")) as { config: Record<string, string> };
    return document.config[`crypto-beacon:${key}`];
}
const RULESET = "cloudflare:index/ruleset:Ruleset";
const LOAD_BALANCER = "cloudflare:index/loadBalancer:LoadBalancer";
const CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";

/**
 * Plans prod with edge config changed as `pulumi config set` would, leaving the file alone. Azure
 * is scaled to active whenever it is made the active site, as the runbook does first.
 */
function planProd(edgeConfig: Record<string, string> = {}): Promise<StackPlan> {
    const overrides = Object.fromEntries(Object.entries(edgeConfig).map(([key, value]) => [`crypto-beacon:${key}`, value]));
    const azureCapacity = edgeConfig.activeSite === "azure" ? "active" : "standby";
    return sharedPlan("prod", { prod: overrides, "prod-azure": { "crypto-beacon:azureCapacity": azureCapacity } });
}

/**
 * Edge settings that do not touch one another, changed together in one plan of prod: each test
 * reads only what its own setting shapes, and the sites are planned once for all of them.
 */
const CHANGED_EDGE_SETTINGS = {
    apiRateLimitPerMinute: "900",
    loginRateLimitPerMinute: "7",
    contentSecurityPolicy: "default-src 'none'",
    healthMonitorIntervalSec: "10",
    cloudflarePlan: "enterprise",
    healthMonitorExpectedCodes: "2xx",
    standbyTrafficPercent: "10",
    databaseOutageSimulation: "aws",
};
const planProdWithChangedEdge = () => planProd(CHANGED_EDGE_SETTINGS);

function ruleset(plan: StackPlan, phase: string) {
    const found = resourcesOfType(plan, RULESET).filter((resource) => resource.inputs.phase === phase);
    assert.equal(found.length, 1, `one entry-point ruleset for phase ${phase}`);
    return found[0].inputs as {
        rules: { action: string; expression: string; actionParameters?: Record<string, unknown>; ratelimit?: Record<string, unknown> }[];
    };
}

describe("Cloudflare edge", () => {
    let prod: StackPlan;
    before(async () => {
        prod = await sharedPlan("prod");
    });

    describe("zone security", () => {
        it("sets strict TLS from 1.2, TLS 1.3, HTTPS only and HSTS of at least six months with subdomains", () => {
            const settings = Object.fromEntries(
                resourcesOfType(prod, ZONE_SETTING).map((resource) => [resource.inputs.settingId, resource.inputs.value]),
            );
            assert.equal(settings.ssl, "strict");
            assert.equal(settings.min_tls_version, "1.2");
            assert.equal(settings.tls_1_3, "on");
            assert.equal(settings.always_use_https, "on");
            const hsts = (
                settings.security_header as {
                    strict_transport_security: { enabled: boolean; max_age: number; include_subdomains: boolean };
                }
            ).strict_transport_security;
            assert.equal(hsts.enabled, true);
            assert.ok(hsts.max_age >= 15_552_000, `HSTS max-age ${hsts.max_age} is at least 180 days`);
            assert.equal(hsts.include_subdomains, true);
        });

        it("signs the zone with DNSSEC, pulls from origins with the zone's own client certificate, and proxies its records", () => {
            assert.equal(one(prod, "cloudflare:index/zoneDnssec:ZoneDnssec").inputs.status, "active");
            const certificate = one(prod, "cloudflare:index/authenticatedOriginPullsCertificate:AuthenticatedOriginPullsCertificate");
            assert.equal(certificate.inputs.certificate, stackFileValue("Pulumi.prod.yaml", "originPullCertificate"));
            assert.equal(certificate.inputs.privateKey, "[secret]");
            const settings = one(prod, "cloudflare:index/authenticatedOriginPullsSettings:AuthenticatedOriginPullsSettings");
            assert.equal(settings.inputs.enabled, true);
            assert.ok(settings.dependencies.includes(certificate.urn), "enabled only once the zone's certificate is uploaded");
            assert.equal(one(prod, "cloudflare:index/dnsRecord:DnsRecord").inputs.proxied, true);
            assert.equal(one(prod, LOAD_BALANCER).inputs.proxied, true);
        });

        it("issues the zone's origin-pull certificate from the CA each origin trusts", () => {
            const client = new X509Certificate(stackFileValue("Pulumi.prod.yaml", "originPullCertificate"));
            for (const site of ["Pulumi.prod-azure.yaml"]) {
                const authority = new X509Certificate(stackFileValue(site, "azureOriginPullCaCertificate"));
                assert.ok(client.verify(authority.publicKey), `${site}'s CA issued it`);
            }
        });

        it("challenges login requests by the WAF attack score class, never the retired threat score", async () => {
            const rules = ruleset(prod, "http_request_firewall_custom").rules;
            assert.ok(rules.every((rule) => !rule.expression.includes("cf.threat_score")));
            const challenge = rules.find((rule) => rule.action === "managed_challenge");
            assert.equal(challenge?.expression, loginChallengeExpression("business"));
            assert.match(
                String(challenge?.expression),
                /^\(cf\.waf\.score\.class in \{"attack" "likely_attack"\}\) and \(http\.request\.uri\.path in \{"\/login"/,
            );
            assert.equal(loginChallengeExpression("pro"), undefined, "Pro has no attack score: the rule is left out");
        });

        it("sets HSTS once, as the zone setting, not again in a response header rule", () => {
            const headers = ruleset(prod, "http_response_headers_transform").rules.flatMap((rule) =>
                Object.keys(rule.actionParameters?.headers ?? {}),
            );
            assert.ok(!headers.some((header) => header.toLowerCase() === "strict-transport-security"), headers.join());
            assert.equal(resourcesOfType(prod, ZONE_SETTING).filter((setting) => setting.inputs.settingId === "security_header").length, 1);
        });

        it("runs Cloudflare's managed and OWASP rulesets and custom rules", () => {
            const managed = ruleset(prod, "http_request_firewall_managed").rules;
            assert.deepEqual(
                managed.map((rule) => [rule.action, rule.actionParameters?.id]),
                [
                    ["execute", "efb7b8c949ac4650a09736fc376e9aee"],
                    ["execute", "4814384a9e5d4991b9815dcfc25d2f1f"],
                ],
            );
            const custom = ruleset(prod, "http_request_firewall_custom").rules;
            assert.ok(custom.some((rule) => rule.action === "block" && rule.expression.includes("http.request.method")));
        });

        it("rate-limits the API and login paths per client IP with the limits from config", async () => {
            const plan = await planProdWithChangedEdge();
            const rules = ruleset(plan, "http_ratelimit").rules;
            const login = rules.find((rule) => rule.expression.includes("/login"));
            const api = rules.find((rule) => rule.expression.includes('"/api/"'));
            assert.equal(login?.ratelimit?.requestsPerPeriod, 7);
            assert.equal(api?.ratelimit?.requestsPerPeriod, 900);
            for (const rule of [login, api]) {
                assert.equal(rule?.action, "block");
                assert.equal(rule?.ratelimit?.period, 60);
                assert.ok((rule?.ratelimit?.characteristics as string[]).includes("ip.src"));
            }
        });

        it("sets CSP from config and the other security headers (HSTS aside) on every response", async () => {
            const plan = await planProdWithChangedEdge();
            const headers = ruleset(plan, "http_response_headers_transform").rules[0].actionParameters?.headers as Record<
                string,
                { operation: string; value: string }
            >;
            assert.equal(headers["Content-Security-Policy"].value, "default-src 'none'");
            assert.equal(headers["X-Content-Type-Options"].value, "nosniff");
            assert.ok(headers["Referrer-Policy"].value);
            assert.ok(headers["Permissions-Policy"].value);
        });

        it("caches static assets and never the API", () => {
            const rules = ruleset(prod, "http_request_cache_settings").rules;
            assert.equal(rules.find((rule) => rule.expression.includes("/assets/"))?.actionParameters?.cache, true);
            assert.equal(rules.find((rule) => rule.expression.includes("/api/"))?.actionParameters?.cache, false);
        });

        it("notifies on pool health changes of both pools", () => {
            const policy = one(prod, "cloudflare:index/notificationPolicy:NotificationPolicy");
            assert.equal(policy.inputs.alertType, "load_balancing_health_alert");
            assert.equal((policy.propertyDependencies["filters"] ?? []).length, 2, "filtered on the two pools");
        });

        it("manages everything through the stack's Cloudflare provider", () => {
            for (const resource of prod.resources.filter((candidate) => candidate.type.startsWith("cloudflare:index/"))) {
                assert.equal(providerOf(prod, resource)?.name, "cloudflare", resource.urn);
            }
        });
    });

    describe("load balancing and failover", () => {
        it("monitors each site over HTTPS with the configured health path, codes and timing", async () => {
            const plan = await planProdWithChangedEdge();
            const balancer = plannedLoadBalancer(plan);
            assert.deepEqual(
                balancer?.pools.map((pool) => pool.site),
                ["aws", "azure"],
            );
            for (const pool of balancer!.pools) {
                assert.equal(pool.monitor?.resource.inputs.type, "https");
                assert.deepEqual(pool.monitor?.settings, {
                    path: "/healthz",
                    expectedCodes: "2xx",
                    intervalSec: 10,
                    timeoutSec: 5,
                    retries: 0,
                    consecutiveDown: 1,
                    consecutiveUp: 2,
                });
                assert.deepEqual((pool.monitor?.resource.inputs.header as { Host: string[] }).Host, [
                    `${pool.site}-origin.trade.example.com`,
                ]);
            }
        });

        for (const activeSite of ["aws", "azure"] as const) {
            it(`orders the pools ${activeSite} first when activeSite is ${activeSite}, with failover across pools and zero-downtime affinity`, async () => {
                // Pulumi.prod.yaml sets activeSite aws: its plan is the shared one.
                const plan = activeSite === "aws" ? await sharedPlan("prod") : await planProd({ activeSite });
                const balancer = plannedLoadBalancer(plan)!;
                const standby = activeSite === "aws" ? "azure" : "aws";
                assert.deepEqual(
                    balancer.pools.map((pool) => pool.site),
                    [activeSite, standby],
                );
                assert.equal(balancer.fallbackSite, activeSite);
                assert.equal(balancer.steeringPolicy, "off");
                const inputs = balancer.resource.inputs;
                assert.deepEqual(inputs.adaptiveRouting, { failoverAcrossPools: true });
                assert.equal(inputs.sessionAffinity, "cookie");
                assert.equal((inputs.sessionAffinityAttributes as { zeroDowntimeFailover: string }).zeroDowntimeFailover, "sticky");
                assert.deepEqual((plan.outputs.edge as { failoverOrder: string[] }).failoverOrder, [activeSite, standby]);
                // The database primary prefers the active site's region.
                const regions = (
                    one(plan, CLUSTER).inputs.replicationSpecs as { regionConfigs: { providerName: string; priority: number }[] }[]
                )[0].regionConfigs;
                assert.equal(regions.find((region) => region.priority === 7)?.providerName, activeSite.toUpperCase());
            });
        }

        const weightCases = [
            { percent: 0, steering: "off", weights: { aws: 1, azure: 0 } },
            { percent: 10, steering: "random", weights: { aws: 0.9, azure: 0.1 } },
            { percent: 50, steering: "random", weights: { aws: 0.5, azure: 0.5 } },
            { percent: 100, steering: "random", weights: { aws: 0, azure: 1 } },
        ];
        for (const { percent, steering, weights } of weightCases) {
            it(`sends ${percent}% to the standby with standbyTrafficPercent ${percent}`, async () => {
                const split = trafficSplit("aws", percent);
                assert.equal(split.steeringPolicy, steering);
                assert.deepEqual(split.weights, weights);
                if (percent === 10) {
                    const plan = await planProdWithChangedEdge();
                    const inputs = plannedLoadBalancer(plan)!.resource.inputs;
                    assert.equal(inputs.steeringPolicy, "random");
                    assert.deepEqual(
                        Object.values((inputs.randomSteering as { poolWeights: Record<string, number> }).poolWeights).sort(),
                        [0.1, 0.9],
                    );
                    assert.deepEqual((plan.outputs.edge as { trafficWeights: unknown }).trafficWeights, weights);
                }
            });
        }

        it("rejects a traffic share outside 0-100 in the component and in config", async () => {
            assert.throws(
                () => trafficSplit("aws", 101),
                /standbyTrafficPercent 101 is not allowed; allowed: a whole number from 0 to 100/,
            );
            await assertPlanFails(
                planProd({ standbyTrafficPercent: "120" }),
                2,
                "Pulumi.prod.yaml",
                "crypto-beacon:standbyTrafficPercent: must be a whole number from 0 to 100",
            );
        });
    });

    describe("failover detection time", () => {
        it("is the slowest probe's worst case, interval x consecutiveDown + timeout x (retries + 1), plus the health decision's propagation", () => {
            assert.equal(probeDetectionSec({ intervalSec: 15, consecutiveDown: 2, timeoutSec: 5, retries: 0 }), 35);
            assert.equal(probeDetectionSec({ intervalSec: 60, consecutiveDown: 2, timeoutSec: 5, retries: 1 }), 130);
            assert.equal(
                failoverDetectionSec({ intervalSec: 15, consecutiveDown: 1, timeoutSec: 5, retries: 0 }),
                20 + HEALTH_PROPAGATION_ALLOWANCE_SEC,
            );
            assert.equal(maximumDetectionSec(35), 35 - FAILOVER_DETECTION_MARGIN_SEC);
        });

        it("probes each pool from an odd number of regions, so that most regions is never a tie", () => {
            for (const pool of resourcesOfType(prod, "cloudflare:index/loadBalancerPool:LoadBalancerPool")) {
                assert.deepEqual(pool.inputs.checkRegions, [...HEALTH_CHECK_REGIONS], pool.name);
            }
            assert.equal(HEALTH_CHECK_REGIONS.length % 2, 1);
        });

        it("is what plan reports for prod, with its margin under prod's 35 s", () => {
            const failover = (prod.outputs.edge as { failover: { detectionSec: number; detectionLimitSec: number } }).failover;
            assert.deepEqual(failover, { detectionSec: 25, detectionLimitSec: 35, healthPath: "/healthz", siteHeader: "x-beacon-site" });
            assert.ok(failover.detectionSec <= failover.detectionLimitSec - FAILOVER_DETECTION_MARGIN_SEC);
        });

        it("rejects a monitor config whose worst case eats into the margin, with the arithmetic", async () => {
            await assertPlanFails(
                planProd({ healthMonitorConsecutiveDown: "2" }),
                2,
                "Pulumi.prod.yaml",
                "crypto-beacon:healthMonitorIntervalSec: worst-case failover detection is 40 s (interval 15 s x consecutiveDown 2 + timeout 5 s x (retries 0 + 1) + propagation 5 s); at most 30 s allowed (prod's 35 s limit less a 5 s margin)",
            );
        });

        it("rejects an interval below the Cloudflare plan's minimum", async () => {
            await assertPlanFails(
                planProd({ cloudflarePlan: "pro" }),
                2,
                "crypto-beacon:healthMonitorIntervalSec: 15 is below the pro plan's minimum; allowed: 60 or more",
            );
        });
    });

    describe("cross-cloud database", () => {
        const topology = (aws: number, azure: number, tieBreaker: number): DatabaseTopology => ({
            aws: { region: "US_EAST_1", electableNodes: aws },
            azure: { region: "US_EAST_2", electableNodes: azure },
            tieBreaker: { region: "CENTRAL_US", electableNodes: tieBreaker },
        });

        for (const [aws, azure, tieBreaker] of [
            [2, 2, 1],
            [1, 1, 1],
            [3, 3, 1],
            [2, 3, 2],
        ]) {
            it(`${aws} AWS + ${azure} Azure + ${tieBreaker} tie-breaker keeps a majority when either cloud is lost`, () => {
                assert.deepEqual(databaseTopologyProblems(topology(aws, azure, tieBreaker)), []);
                for (const lost of ["aws", "azure", "tieBreaker"] as const) {
                    assert.equal(survivorsAfterLosing(topology(aws, azure, tieBreaker), lost).majority, true, `without ${lost}`);
                }
            });
        }

        it("rejects 3 AWS + 2 Azure: losing AWS leaves 2 of 5", () => {
            const problems = databaseTopologyProblems(topology(3, 2, 0));
            assert.deepEqual(
                problems.map((problem) => problem.key),
                ["databaseAwsElectableNodes"],
            );
            assert.match(problems[0].message, /losing all of aws leaves 2 of 5 electable nodes, no majority/);
        });

        it("rejects a total Atlas does not allow, and a site without local nodes", () => {
            assert.match(databaseTopologyProblems(topology(2, 2, 0))[0].message, /add up to 4; Atlas allows 3, 5, 7/);
            assert.ok(
                databaseTopologyProblems(topology(0, 2, 1)).some(
                    (problem) =>
                        problem.key === "databaseAwsElectableNodes" && /each site needs local database nodes/.test(problem.message),
                ),
            );
        });

        it("rejects a bad topology in stack config, naming the key", async () => {
            await assertPlanFails(
                planProd({ databaseAwsElectableNodes: "3", databaseTieBreakerElectableNodes: "0" }),
                2,
                "Pulumi.prod.yaml",
                "crypto-beacon:databaseAwsElectableNodes: losing all of aws leaves 2 of 5 electable nodes, no majority",
            );
        });

        it("places the planned cluster's nodes across AWS, Azure and GCP with majority writes and TLS 1.2", () => {
            const cluster = one(prod, CLUSTER);
            const regions = (
                cluster.inputs.replicationSpecs as {
                    regionConfigs: { providerName: string; regionName: string; electableSpecs: { nodeCount: number } }[];
                }[]
            )[0].regionConfigs;
            assert.deepEqual(
                regions.map((region) => [region.providerName, region.regionName, region.electableSpecs.nodeCount]),
                [
                    ["AWS", "US_EAST_1", 2],
                    ["AZURE", "US_EAST_2", 2],
                    ["GCP", "CENTRAL_US", 1],
                ],
            );
            const advanced = cluster.inputs.advancedConfiguration as Record<string, unknown>;
            assert.equal(advanced.defaultWriteConcern, "majority");
            assert.equal(advanced.minimumEnabledTlsProtocol, "TLS1_2");
            assert.equal(cluster.protect, true, "prod's cluster is protected");
            assert.equal(cluster.inputs.terminationProtectionEnabled, true);
            const settings = (prod.outputs.edge as { database: { connectionSettings: { writeConcern: string; uriOptions: string } } })
                .database.connectionSettings;
            assert.equal(settings.writeConcern, "majority");
            assert.match(settings.uriOptions, /w=majority/);
        });

        it("backs up hourly, daily for 30 days and monthly for a year, copied with the oplog to the other cloud", () => {
            const schedule = one(prod, "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule").inputs as Record<string, any>;
            assert.equal(schedule.policyItemHourly.frequencyInterval, 1);
            assert.deepEqual([schedule.policyItemDaily.retentionUnit, schedule.policyItemDaily.retentionValue], ["days", 30]);
            assert.deepEqual(
                [schedule.policyItemMonthlies[0].retentionUnit, schedule.policyItemMonthlies[0].retentionValue],
                ["months", 12],
            );
            assert.equal(schedule.copySettings[0].cloudProvider, "AZURE");
            assert.equal(schedule.copySettings[0].frequencies, undefined, "frequencies is deprecated in provider 4.x");
            assert.deepEqual(
                schedule.copySettings[0].copyPolicyItems.map((item: Record<string, unknown>) => [
                    item.frequencyType,
                    item.retentionUnit,
                    item.retentionValue,
                ]),
                [
                    ["hourly", "days", 2],
                    ["daily", "days", 30],
                    ["monthly", "months", 12],
                ],
            );
            assert.equal(schedule.copySettings[0].shouldCopyOplogs, true);
        });

        it("opens no IP access list, and takes its user's password from a secret", () => {
            assert.equal(resourcesOfType(prod, "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList").length, 0);
            const user = one(prod, "mongodbatlas:index/databaseUser:DatabaseUser");
            assert.equal(user.inputs.password, "[secret]");
        });

        it("simulates a cloud's outage only when a drill asks for it", async () => {
            assert.equal(resourcesOfType(prod, "mongodbatlas:index/clusterOutageSimulation:ClusterOutageSimulation").length, 0);
            const plan = await planProdWithChangedEdge();
            const simulation = one(plan, "mongodbatlas:index/clusterOutageSimulation:ClusterOutageSimulation");
            assert.deepEqual(simulation.inputs.outageFilters, [{ cloudProvider: "AWS", regionName: "US_EAST_1", type: "REGION" }]);
        });

        it("is reached from each site through a private endpoint registered with Atlas", () => {
            const [aws, azure] = prod.referencedStacks;
            const vpcEndpoint = resourceNamed(aws, "aws:ec2/vpcEndpoint:VpcEndpoint", "aws-database");
            assert.equal(vpcEndpoint.inputs.vpcEndpointType, "Interface");
            assert.match(String(vpcEndpoint.inputs.serviceName), /^com\.amazonaws\.vpce\.us-east-1\.vpce-svc-/);
            const securityGroup = resourceNamed(aws, "aws:ec2/securityGroup:SecurityGroup", "aws-database");
            for (const rule of securityGroup.inputs.ingress as { cidrBlocks: string[] }[]) {
                assert.ok(
                    rule.cidrBlocks.every((cidr) => cidr.startsWith("10.100.")),
                    "only the VPC's subnets",
                );
            }
            const privateEndpoint = resourceNamed(azure, "azure-native:network:PrivateEndpoint", "azure-database");
            assert.match(
                String(
                    (privateEndpoint.inputs.manualPrivateLinkServiceConnections as { privateLinkServiceId: string }[])[0]
                        .privateLinkServiceId,
                ),
                /privateLinkServices\/pls_/,
            );
            for (const site of [aws, azure]) {
                const registration = one(site, "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService");
                assert.equal(providerOf(site, registration)?.type, "pulumi:providers:mongodbatlas");
            }
        });
    });
});
