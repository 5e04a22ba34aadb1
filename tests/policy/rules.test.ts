import * as assert from "node:assert/strict";
import { planStack, type PlannedResource } from "../../tools/plan/planner";
import { readPolicyConfigFile, type PolicyConfigFile } from "../../tools/policy/config";
import { blockingViolations, DEFAULT_PACKS, PolicyRunner } from "../../tools/policy/runner";
import { firingPolicies, mutate, violationsOf } from "./helpers";

/**
 * Every rule of our packs, through the real protocol: the packs run as their own processes and
 * see a compliant prod plan (passing case), then the same plan with the one property the rule
 * checks broken (failing case), where that rule, and no other, must fire.
 */
describe("policy rules, through the Analyzer protocol", function () {
    let runner: PolicyRunner;
    let prodAws: PlannedResource[];
    let prodAzure: PlannedResource[];
    let prodEdge: PlannedResource[];
    before(async () => {
        // The edge's plan plans both sites first (it reads them): take the three from it.
        const [started, edgePlan] = await Promise.all([PolicyRunner.start(DEFAULT_PACKS), planStack({ stack: "prod" })]);
        runner = started;
        prodEdge = [...edgePlan.resources];
        prodAws = [...edgePlan.referencedStacks.find((plan) => plan.stack === "prod-aws")!.resources];
        prodAzure = [...edgePlan.referencedStacks.find((plan) => plan.stack === "prod-azure")!.resources];
    });
    after(() => runner?.close());

    const check = (resources: readonly PlannedResource[], config?: PolicyConfigFile) => runner.check("prod-aws", resources, config);

    it("passes the compliant prod stacks: no rule fires", async () => {
        assert.deepEqual((await check(prodAws)).violations, []);
        assert.deepEqual((await runner.check("prod-azure", prodAzure, undefined)).violations, []);
        assert.deepEqual((await runner.check("prod", prodEdge, undefined)).violations, []);
    });

    interface Case {
        readonly rule: string;
        readonly site: "aws" | "azure" | "edge";
        readonly broken: (resources: PlannedResource[]) => PlannedResource[];
        readonly expect: RegExp;
        readonly level?: "mandatory" | "advisory";
    }
    const cases: Case[] = [
        {
            rule: "aws-default-security-group-closed",
            site: "aws",
            broken: (resources) => mutate(resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws-site-default", (inputs) => {
                inputs.ingress = [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }];
            }),
            expect: /allows 1 ingress rule/,
        },
        {
            rule: "aws-subnet-no-auto-public-ip",
            site: "aws",
            broken: (resources) => mutate(resources, "aws:ec2/subnet:Subnet", "aws-site-public-0", (inputs) => (inputs.mapPublicIpOnLaunch = true)),
            expect: /mapPublicIpOnLaunch is true/,
        },
        {
            rule: "aws-kms-key-rotation",
            site: "aws",
            broken: (resources) => mutate(resources, "aws:kms/key:Key", "aws-site-logs", (inputs) => (inputs.enableKeyRotation = false)),
            expect: /enableKeyRotation is not true/,
        },
        {
            rule: "aws-log-group-retention",
            site: "aws",
            broken: (resources) => mutate(resources, "aws:cloudwatch/logGroup:LogGroup", "aws-site-flow-logs", (inputs) => (inputs.retentionInDays = 30)),
            expect: /retentionInDays is 30; at least 365 required/,
        },
        {
            rule: "aws-log-group-encrypted",
            site: "aws",
            broken: (resources) => mutate(resources, "aws:cloudwatch/logGroup:LogGroup", "aws-site-flow-logs", (inputs) => delete inputs.kmsKeyId),
            expect: /has no kmsKeyId/,
        },
        {
            rule: "required-tags",
            site: "aws",
            broken: (resources) => mutate(resources, "pulumi:providers:aws", "aws-primary", (inputs) => {
                const defaultTags = JSON.parse(inputs.defaultTags as string);
                delete defaultTags.tags.owner;
                inputs.defaultTags = JSON.stringify(defaultTags);
            }),
            expect: /is missing tags: owner/,
        },
        {
            rule: "explicit-providers",
            site: "aws",
            broken: (resources) => {
                const defaultProvider = { ...resources.find((resource) => resource.name === "aws-primary")!, name: "default_7_48_0" };
                const defaultUrn = defaultProvider.urn.replace(/aws-primary$/, "default_7_48_0");
                return [
                    ...resources.map((resource) => (resource.name === "aws-site-public-0" ? { ...resource, provider: defaultUrn } : resource)),
                    { ...defaultProvider, urn: defaultUrn },
                ];
            },
            expect: /uses the default aws provider/,
        },
        {
            rule: "aws-vpc-flow-logs",
            site: "aws",
            broken: (resources) => resources.filter((resource) => resource.type !== "aws:ec2/flowLog:FlowLog"),
            expect: /has no flow log/,
        },
        {
            rule: "aws-subnets-span-zones",
            site: "aws",
            broken: (resources) =>
                resources.map((resource) =>
                    resource.type === "aws:ec2/subnet:Subnet" && resource.name.includes("private")
                        ? { ...resource, analyzerInputs: { ...resource.analyzerInputs, availabilityZone: "us-east-1a" } }
                        : resource,
                ),
            expect: /private subnets span 1 availability zone\(s\); at least 3 required/,
        },
        {
            rule: "aws-nat-gateway-per-zone",
            site: "aws",
            broken: (resources) => resources.filter((resource) => !(resource.type === "aws:ec2/natGateway:NatGateway" && resource.name !== "aws-site-0")),
            expect: /1 NAT gateway\(s\) serve private subnets in 3 zones/,
            level: "advisory",
        },
        {
            rule: "azure-nsg-no-open-inbound",
            site: "azure",
            broken: (resources) => mutate(resources, "azure-native:network:NetworkSecurityGroup", "azure-site-gateway", (inputs) => {
                (inputs.securityRules as Record<string, unknown>[]).push({
                    name: "allow-ssh", priority: 200, direction: "Inbound", access: "Allow", protocol: "Tcp",
                    sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22",
                });
            }),
            expect: /rule allow-ssh allows inbound traffic from any address on ports 22/,
        },
        {
            rule: "azure-subnet-has-nsg",
            site: "azure",
            broken: (resources) => mutate(resources, "azure-native:network:VirtualNetwork", "azure-site", (inputs) => {
                delete (inputs.subnets as Record<string, unknown>[])[1].networkSecurityGroup;
            }),
            expect: /subnet gateway has no network security group/,
        },
        ...platformCases(),
        ...edgeCases(),
        ...workloadCases(),
    ];

    for (const { rule, site, broken, expect, level } of cases) {
        it(`${rule}: fires on the broken property, and no other rule does`, async () => {
            const resources = { aws: prodAws, azure: prodAzure, edge: prodEdge }[site];
            const result = await runner.check(site === "edge" ? "prod" : `prod-${site}`, broken(resources), undefined);
            assert.deepEqual(firingPolicies(result), [rule]);
            const [violation] = violationsOf(result, rule);
            assert.match(violation.message, expect);
            assert.equal(violation.enforcementLevel, level ?? "mandatory");
            assert.equal(violation.exempted, false);
        });
    }

    it("covers every policy of our packs with a case", () => {
        const policies = runner.packs.flatMap((pack) => pack.policies.map((policy) => policy.name));
        const covered = new Set([...cases.map((testCase) => testCase.rule), "exempted-violations", "expired-exemptions"]);
        assert.deepEqual(policies.filter((policy) => !covered.has(policy)), []);
    });

    describe("config reaches the policies", () => {
        it("a property from the stack's config file changes the verdict (minimumDays)", async () => {
            const shortRetention = mutate(prodAws, "aws:cloudwatch/logGroup:LogGroup", "aws-site-flow-logs", (inputs) => (inputs.retentionInDays = 30));
            const lenient: PolicyConfigFile = { file: "inline", entries: { "aws-log-group-retention": { properties: { minimumDays: 30 } } } };
            assert.deepEqual((await check(shortRetention, lenient)).violations, []);
        });

        it("an allowed port in the config lets an open rule through", async () => {
            const openSsh = mutate(prodAzure, "azure-native:network:NetworkSecurityGroup", "azure-site-gateway", (inputs) => {
                (inputs.securityRules as Record<string, unknown>[]).push({
                    name: "allow-https", priority: 200, direction: "Inbound", access: "Allow", protocol: "Tcp",
                    sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443",
                });
            });
            const allowHttps: PolicyConfigFile = { file: "inline", entries: { "azure-nsg-no-open-inbound": { properties: { allowedInternetPorts: [443] } } } };
            assert.equal(violationsOf(await runner.check("prod-azure", openSsh, undefined), "azure-nsg-no-open-inbound").length, 1);
            assert.deepEqual((await runner.check("prod-azure", openSsh, allowHttps)).violations, []);
        });

        it("dev's config makes every policy advisory, so nothing blocks", async () => {
            const broken = mutate(prodAws, "aws:kms/key:Key", "aws-site-logs", (inputs) => (inputs.enableKeyRotation = false));
            const result = await check(broken, readPolicyConfigFile("policies/config/dev.json"));
            assert.equal(violationsOf(result, "aws-kms-key-rotation")[0].enforcementLevel, "advisory");
            assert.deepEqual(blockingViolations(result), []);
            assert.equal(blockingViolations(await check(broken, readPolicyConfigFile("policies/config/prod-aws.json"))).length, 1);
        });
    });
});

/** Cases for the rules that guard the sites' platform defaults: one property broken each. */
function platformCases() {
    const set = (type: string, name: string, change: (inputs: Record<string, unknown>) => void) => (resources: PlannedResource[]) => mutate(resources, type, name, change);
    const nested = (key: string, change: (value: Record<string, unknown>) => void) => (inputs: Record<string, unknown>) => change(inputs[key] as Record<string, unknown>);
    return [
        { rule: "aws-s3-public-access-blocked", site: "aws" as const, broken: set("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws-assets", (inputs) => (inputs.blockPublicPolicy = false)), expect: /blockPublicPolicy not true/ },
        { rule: "aws-s3-default-encryption", site: "aws" as const, broken: set("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws-assets", (inputs) => (inputs.rules = [])), expect: /has no default encryption rule/ },
        { rule: "aws-alb-drops-invalid-headers", site: "aws" as const, broken: set("aws:lb/loadBalancer:LoadBalancer", "aws-origin", (inputs) => (inputs.dropInvalidHeaderFields = false)), expect: /dropInvalidHeaderFields is not true/ },
        { rule: "aws-listener-https-only", site: "aws" as const, broken: set("aws:lb/listener:Listener", "aws-origin-https", (inputs) => (inputs.sslPolicy = "ELBSecurityPolicy-2016-08")), expect: /sslPolicy ELBSecurityPolicy-2016-08 allows TLS below 1\.2/ },
        { rule: "aws-elasticache-encrypted", site: "aws" as const, broken: set("aws:elasticache/replicationGroup:ReplicationGroup", "aws-redis", (inputs) => (inputs.transitEncryptionMode = "preferred")), expect: /TLS is not required in transit/ },
        { rule: "aws-ecr-immutable-scanned", site: "aws" as const, broken: set("aws:ecr/repository:Repository", "aws-registry-api", (inputs) => (inputs.imageTagMutability = "MUTABLE")), expect: /tags are mutable/ },
        { rule: "aws-eks-private-encrypted", site: "aws" as const, broken: set("aws:eks/cluster:Cluster", "aws-site", (inputs) => (inputs.enabledClusterLogTypes = ["api"])), expect: /the audit log is off/ },
        { rule: "aws-imdsv2-required", site: "aws" as const, broken: set("aws:ec2/launchTemplate:LaunchTemplate", "aws-site-nodes", nested("metadataOptions", (options) => (options.httpTokens = "optional"))), expect: /IMDSv2 is not required/ },
        { rule: "aws-cloudtrail-validated", site: "aws" as const, broken: set("aws:cloudtrail/trail:Trail", "aws-monitoring", (inputs) => (inputs.enableLogFileValidation = false)), expect: /log files are not validated/ },
        { rule: "azure-storage-secure", site: "azure" as const, broken: set("azure-native:storage:StorageAccount", "azure-assets", (inputs) => (inputs.allowSharedKeyAccess = true)), expect: /allows shared-key access/ },
        { rule: "azure-key-vault-protected", site: "azure" as const, broken: set("azure-native:keyvault:Vault", "azure-vault", nested("properties", (properties) => (properties.enablePurgeProtection = false))), expect: /purge protection is off/ },
        { rule: "azure-aks-locked-down", site: "azure" as const, broken: set("azure-native:containerservice:ManagedCluster", "azure-site", (inputs) => (inputs.disableLocalAccounts = false)), expect: /local accounts are enabled/ },
        { rule: "azure-acr-locked-down", site: "azure" as const, broken: set("azure-native:containerregistry:Registry", "azure-registry", (inputs) => (inputs.adminUserEnabled = true)), expect: /the admin user is enabled/ },
        { rule: "azure-waf-prevention", site: "azure" as const, broken: set("azure-native:network:WebApplicationFirewallPolicy", "azure-origin", nested("policySettings", (settings) => (settings.mode = "Detection"))), expect: /not enabled in prevention mode/ },
    ];
}

/** Edits one resource's inputs, for the tables of cases below. */
function set(type: string, name: string, change: (inputs: Record<string, any>) => void) {
    return (resources: PlannedResource[]) => mutate(resources, type, name, change);
}

/** Cases for the edge stack's rules: Cloudflare, the database, failover and backups. */
function edgeCases() {
    const zoneSetting = (name: string, value: unknown) => set("cloudflare:index/zoneSetting:ZoneSetting", name, (inputs) => (inputs.value = value));
    const ruleset = (name: string, change: (inputs: Record<string, any>) => void) => set("cloudflare:index/ruleset:Ruleset", name, change);
    const cluster = (change: (inputs: Record<string, any>) => void) => set("mongodbatlas:index/advancedCluster:AdvancedCluster", "trading-hub", change);
    const edge = "edge" as const;
    return [
        { rule: "cloudflare-ssl-strict", site: edge, broken: zoneSetting("edge-ssl", "full"), expect: /ssl is "full"; allowed: strict/ },
        { rule: "cloudflare-min-tls-1-2", site: edge, broken: zoneSetting("edge-min-tls-version", "1.0"), expect: /min_tls_version is "1\.0"/ },
        { rule: "cloudflare-tls-1-3", site: edge, broken: zoneSetting("edge-tls-1-3", "off"), expect: /tls_1_3 is "off"/ },
        { rule: "cloudflare-always-https", site: edge, broken: zoneSetting("edge-always-use-https", "off"), expect: /always_use_https is "off"/ },
        {
            rule: "cloudflare-hsts",
            site: edge,
            broken: set("cloudflare:index/zoneSetting:ZoneSetting", "edge-security-header", (inputs) => (inputs.value.strict_transport_security.max_age = 3600)),
            expect: /HSTS max_age 3600 is under 15552000 s/,
        },
        { rule: "cloudflare-dnssec", site: edge, broken: set("cloudflare:index/zoneDnssec:ZoneDnssec", "edge-dnssec", (inputs) => (inputs.status = "disabled")), expect: /DNSSEC status is disabled/ },
        { rule: "cloudflare-dns-proxied", site: edge, broken: set("cloudflare:index/dnsRecord:DnsRecord", "edge-www", (inputs) => (inputs.proxied = false)), expect: /CNAME record www\.trade\.example\.com is not proxied/ },
        {
            rule: "cloudflare-authenticated-origin-pulls",
            site: edge,
            broken: set("cloudflare:index/authenticatedOriginPullsSettings:AuthenticatedOriginPullsSettings", "edge-origin-pulls", (inputs) => (inputs.enabled = false)),
            expect: /authenticated origin pulls are off/,
        },
        { rule: "cloudflare-load-balancer-proxied", site: edge, broken: set("cloudflare:index/loadBalancer:LoadBalancer", "edge", (inputs) => (inputs.proxied = false)), expect: /DNS-only/ },
        {
            rule: "cloudflare-zero-downtime-failover",
            site: edge,
            broken: set("cloudflare:index/loadBalancer:LoadBalancer", "edge", (inputs) => (inputs.sessionAffinityAttributes.zeroDowntimeFailover = "none")),
            expect: /session affinity cookie without zero-downtime failover/,
        },
        { rule: "cloudflare-monitor-https", site: edge, broken: set("cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor", "edge-aws", (inputs) => (inputs.type = "http")), expect: /monitor type is http; allowed: https/ },
        { rule: "cloudflare-managed-waf", site: edge, broken: ruleset("edge-managed-waf", (inputs) => inputs.rules.pop()), expect: /does not run the OWASP Core ruleset/ },
        { rule: "cloudflare-rate-limits", site: edge, broken: ruleset("edge-rate-limits", (inputs) => inputs.rules.forEach((rule: Record<string, unknown>) => (rule.action = "log"))), expect: /no blocking rate-limit rule/ },
        {
            rule: "cloudflare-security-headers",
            site: edge,
            broken: ruleset("edge-security-headers", (inputs) => delete inputs.rules[0].actionParameters.headers["Content-Security-Policy"]),
            expect: /responses lack content-security-policy/,
        },
        { rule: "atlas-cluster-tls-1-2", site: edge, broken: cluster((inputs) => (inputs.advancedConfiguration.minimumEnabledTlsProtocol = "TLS1_0")), expect: /minimum TLS is TLS1_0/ },
        { rule: "atlas-cluster-continuous-backup", site: edge, broken: cluster((inputs) => (inputs.pitEnabled = false)), expect: /point-in-time restore is off/ },
        { rule: "atlas-majority-write-concern", site: edge, broken: cluster((inputs) => (inputs.advancedConfiguration.defaultWriteConcern = "1")), expect: /default write concern is 1/ },
        {
            rule: "atlas-no-public-access",
            site: edge,
            broken: (resources: PlannedResource[]) => {
                const user = resources.find((resource) => resource.name === "trading-hub-app")!;
                const inputs = { projectId: user.inputs.projectId, cidrBlock: "0.0.0.0/0" };
                return [...resources, { ...user, type: "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList", name: "open", urn: user.urn.replace(/databaseUser:DatabaseUser::trading-hub-app$/, "projectIpAccessList:ProjectIpAccessList::open"), inputs, analyzerInputs: inputs, propertyDependencies: {} }];
            },
            expect: /access list entry 0\.0\.0\.0\/0 admits the whole internet/,
        },
        {
            rule: "atlas-user-least-privilege",
            site: edge,
            broken: set("mongodbatlas:index/databaseUser:DatabaseUser", "trading-hub-app", (inputs) => (inputs.roles = [{ roleName: "atlasAdmin", databaseName: "admin" }])),
            expect: /holds atlasAdmin/,
        },
        {
            rule: "database-majority-survives-cloud-loss",
            site: edge,
            broken: cluster((inputs) => {
                const [aws, , tieBreaker] = inputs.replicationSpecs[0].regionConfigs;
                aws.electableSpecs.nodeCount = 3;
                tieBreaker.electableSpecs.nodeCount = 0;
            }),
            expect: /losing AWS leaves 2 of 5 electable nodes, no majority/,
        },
        {
            rule: "backup-retention",
            site: edge,
            broken: set("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule", "trading-hub", (inputs) => (inputs.policyItemDaily.retentionValue = 7)),
            expect: /database backups: dailies kept under 30 days/,
        },
        { rule: "load-balancer-both-clouds", site: edge, broken: set("cloudflare:index/loadBalancer:LoadBalancer", "edge", (inputs) => delete inputs.fallbackPool), expect: /no fallback pool/ },
        {
            rule: "failover-detection-time",
            site: edge,
            broken: set("cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor", "edge-aws", (inputs) => (inputs.interval = 60)),
            expect: /worst-case detection is 125 s; at most 35 s allowed/,
        },
    ];
}

/** Cases for the workload rules, on the AWS cluster's API Deployment (the same component runs on AKS). */
function workloadCases() {
    const api = (change: (pod: Record<string, any>, container: Record<string, any>) => void) =>
        set("kubernetes:apps/v1:Deployment", "aws-hub-api-blue", (inputs) => {
            const pod = inputs.spec.template.spec;
            change(pod, pod.containers[0]);
        });
    const context = (key: string, value: unknown) => api((_, container) => (container.securityContext = { ...container.securityContext, [key]: value }));
    const aws = "aws" as const;
    return [
        { rule: "k8s-run-as-non-root", site: aws, broken: context("runAsNonRoot", false), expect: /container api: may run as root/ },
        { rule: "k8s-read-only-root-filesystem", site: aws, broken: context("readOnlyRootFilesystem", false), expect: /the root filesystem is writable/ },
        { rule: "k8s-no-privilege-escalation", site: aws, broken: context("allowPrivilegeEscalation", true), expect: /privilege escalation is allowed/ },
        { rule: "k8s-not-privileged", site: aws, broken: context("privileged", true), expect: /runs privileged/ },
        { rule: "k8s-drop-all-capabilities", site: aws, broken: context("capabilities", { drop: ["NET_RAW"] }), expect: /does not drop all capabilities/ },
        { rule: "k8s-seccomp-runtime-default", site: aws, broken: context("seccompProfile", { type: "Unconfined" }), expect: /seccomp profile is Unconfined/ },
        { rule: "k8s-resource-requests-limits", site: aws, broken: api((_, container) => delete container.resources.limits), expect: /missing limits\.cpu, limits\.memory/ },
        { rule: "k8s-image-pinned", site: aws, broken: api((_, container) => (container.image = String(container.image).replace(/:[^:]+$/, ":latest"))), expect: /crypto-beacon\/api:latest is not pinned/ },
        { rule: "k8s-no-literal-secret-env", site: aws, broken: api((_, container) => container.env.push({ name: "DB_PASSWORD", value: "hunter2hunter2" })), expect: /literal value in DB_PASSWORD/ },
        { rule: "k8s-no-host-namespaces", site: aws, broken: api((pod) => (pod.hostNetwork = true)), expect: /shares the node's hostNetwork/ },
        { rule: "k8s-no-service-account-token", site: aws, broken: api((pod) => (pod.automountServiceAccountToken = true)), expect: /mounts a Kubernetes API token/ },
        { rule: "k8s-probes", site: aws, broken: api((_, container) => delete container.livenessProbe), expect: /container api: no livenessProbe/ },
        {
            rule: "k8s-namespace-restricted",
            site: aws,
            broken: set("kubernetes:core/v1:Namespace", "aws-hub-trading-hub", (inputs) => (inputs.metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline")),
            expect: /enforce level is baseline; allowed: restricted/,
        },
        {
            rule: "k8s-namespace-default-deny",
            site: aws,
            broken: (resources: PlannedResource[]) => resources.filter((resource) => resource.name !== "aws-hub-trading-hub-default-deny"),
            expect: /namespace trading-hub has no default-deny NetworkPolicy/,
        },
        {
            rule: "k8s-disruption-budget",
            site: aws,
            broken: (resources: PlannedResource[]) => resources.filter((resource) => !(resource.type === "kubernetes:policy/v1:PodDisruptionBudget" && resource.name === "aws-hub-api-blue")),
            expect: /Deployment trading-hub\/api-blue runs 3 replicas with no PodDisruptionBudget/,
        },
        {
            rule: "aws-alb-waf-associated",
            site: aws,
            broken: (resources: PlannedResource[]) => resources.filter((resource) => resource.type !== "aws:wafv2/webAclAssociation:WebAclAssociation"),
            expect: /internet-facing load balancer aws-origin has no WAF web ACL/,
        },
        {
            rule: "backup-retention",
            site: aws,
            broken: set("aws:backup/plan:Plan", "aws-backup", (inputs) => (inputs.rules[2].lifecycle.deleteAfter = 90)),
            expect: /backup plan: no rule kept 365 days/,
        },
    ];
}
