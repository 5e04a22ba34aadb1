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
    before(async () => {
        [runner, prodAws, prodAzure] = await Promise.all([
            PolicyRunner.start(DEFAULT_PACKS),
            planStack({ stack: "prod-aws" }).then((plan) => [...plan.resources]),
            planStack({ stack: "prod-azure" }).then((plan) => [...plan.resources]),
        ]);
    });
    after(() => runner?.close());

    const check = (resources: readonly PlannedResource[], config?: PolicyConfigFile) => runner.check("prod-aws", resources, config);

    it("passes the compliant prod sites: no rule fires", async () => {
        assert.deepEqual((await check(prodAws)).violations, []);
        assert.deepEqual((await runner.check("prod-azure", prodAzure, undefined)).violations, []);
    });

    interface Case {
        readonly rule: string;
        readonly site: "aws" | "azure";
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
    ];

    for (const { rule, site, broken, expect, level } of cases) {
        it(`${rule}: fires on the broken property, and no other rule does`, async () => {
            const resources = site === "aws" ? prodAws : prodAzure;
            const result = await runner.check(`prod-${site}`, broken(resources), undefined);
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
