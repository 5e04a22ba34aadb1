import * as assert from "node:assert/strict";
import { allRules, selectRules } from "../../policies/lib/registry";
import { INTENT_RULE_NAMES } from "../../policies/rules/intent/rules";
import { PACKS } from "../../policies/lib/rules";
import type { PlannedResource } from "../../tools/plan/planner";
import { sharedPlan } from "../helpers";
import { readPolicyConfigFile, type PolicyConfigFile } from "../../tools/policy/config";
import { blockingViolations, type PolicyRunner } from "../../tools/policy/runner";
import { BREADTH_CASES } from "./breadthCases";
import { evaluateRules, firingRules, frozen } from "./evaluate";
import { firingPolicies, mutate, sharedPolicyRunner, violationsOf, withInputs, withOneNatGateway } from "./helpers";

/** The prod plans every test of this file reads: planned once, frozen, and cloned where a case breaks them. */
interface ProdPlans {
    readonly aws: readonly PlannedResource[];
    readonly azure: readonly PlannedResource[];
    readonly edge: readonly PlannedResource[];
}
const STACK_OF = { aws: "prod-aws", azure: "prod-azure", edge: "prod" } as const;

let plans: Promise<ProdPlans> | undefined;
function prodPlans(): Promise<ProdPlans> {
    // The edge's plan plans both sites first (it reads them): take the three from it.
    plans ??= sharedPlan("prod").then((edgePlan) =>
        frozen({
            edge: [...edgePlan.resources],
            aws: [...edgePlan.referencedStacks.find((plan) => plan.stack === "prod-aws")!.resources],
            azure: [...edgePlan.referencedStacks.find((plan) => plan.stack === "prod-azure")!.resources],
        }),
    );
    return plans;
}

/**
 * Every rule as a pure function over prod's plans: the compliant plan (passing case), then the
 * same plan with the one property the rule checks broken (failing case), where that rule, and
 * no other, must fire.
 */
describe("policy rules", function () {
    let prod: ProdPlans;
    before(async () => {
        prod = await prodPlans();
    });

    it("passes the compliant prod stacks: no rule fires", () => {
        assert.deepEqual(evaluateRules(prod.aws), []);
        assert.deepEqual(evaluateRules(prod.azure), []);
        assert.deepEqual(evaluateRules(prod.edge), []);
    });

    interface Case {
        readonly rule: string;
        readonly site: "aws" | "azure" | "edge";
        readonly broken: (resources: PlannedResource[]) => PlannedResource[];
        readonly expect: RegExp;
        readonly level?: "mandatory" | "advisory";
        /**
         * Other rules the same break also breaks: intent rules that see it from the whole graph (a lost
         * grant, a new opening), or a rule on another concern of the same input. @default none
         */
        readonly also?: readonly string[];
    }
    const cases: Case[] = [
        {
            rule: "aws-default-security-group-closed",
            site: "aws",
            broken: (resources) =>
                mutate(resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws-site-default", (inputs) => {
                    inputs.ingress = [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }];
                }),
            expect: /allows 1 ingress rule/,
        },
        {
            rule: "aws-subnet-no-auto-public-ip",
            site: "aws",
            broken: (resources) =>
                mutate(resources, "aws:ec2/subnet:Subnet", "aws-site-public-0", (inputs) => (inputs.mapPublicIpOnLaunch = true)),
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
            broken: (resources) =>
                mutate(resources, "aws:cloudwatch/logGroup:LogGroup", "aws-site-flow-logs", (inputs) => (inputs.retentionInDays = 30)),
            expect: /retentionInDays is 30; at least 365 required/,
        },
        {
            rule: "aws-log-group-encrypted",
            site: "aws",
            broken: (resources) =>
                mutate(resources, "aws:cloudwatch/logGroup:LogGroup", "aws-site-flow-logs", (inputs) => delete inputs.kmsKeyId),
            expect: /has no kmsKeyId/,
        },
        {
            rule: "required-tags",
            site: "aws",
            broken: (resources) =>
                mutate(resources, "pulumi:providers:aws", "aws-primary", (inputs) => {
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
                    ...resources.map((resource) =>
                        resource.name === "aws-site-public-0" ? { ...resource, provider: defaultUrn } : resource,
                    ),
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
                        ? withInputs(resource, { ...resource.analyzerInputs, availabilityZone: "us-east-1a" })
                        : resource,
                ),
            expect: /private subnets span 1 availability zone\(s\); at least 3 required/,
        },
        {
            rule: "aws-nat-gateway-per-zone",
            site: "aws",
            broken: withOneNatGateway,
            expect: /1 NAT gateway\(s\) serve private subnets in 3 zones/,
            level: "advisory",
        },
        {
            rule: "azure-nsg-no-open-inbound",
            also: ["no-unintended-flows"],
            site: "azure",
            broken: (resources) =>
                mutate(resources, "azure-native:network:NetworkSecurityGroup", "azure-site-gateway", (inputs) => {
                    (inputs.securityRules as Record<string, unknown>[]).push({
                        name: "allow-ssh",
                        priority: 200,
                        direction: "Inbound",
                        access: "Allow",
                        protocol: "Tcp",
                        sourceAddressPrefix: "Internet",
                        sourcePortRange: "*",
                        destinationAddressPrefix: "*",
                        destinationPortRange: "22",
                    });
                }),
            expect: /rule allow-ssh allows inbound traffic from any address on ports 22/,
        },
        {
            rule: "azure-subnet-has-nsg",
            also: ["no-unintended-flows"],
            site: "azure",
            broken: (resources) =>
                mutate(resources, "azure-native:network:VirtualNetwork", "azure-site", (inputs) => {
                    delete (inputs.subnets as Record<string, unknown>[])[1].networkSecurityGroup;
                }),
            expect: /subnet gateway has no network security group/,
        },
        ...platformCases(),
        ...edgeCases(),
        ...workloadCases(),
        ...hardeningCases(),
    ];

    for (const { rule, site, broken, expect, level, also = [] } of cases) {
        it(`${rule} (${site}): fires on the broken property, and no other rule does${also.length > 0 ? ` but ${also.join(", ")}` : ""}`, () => {
            const findings = evaluateRules(broken([...prod[site]]));
            assert.deepEqual(firingRules(findings), [rule, ...also].sort());
            const [finding] = findings.filter((candidate) => candidate.rule === rule);
            assert.match(finding.message, expect);
            assert.equal(finding.enforcementLevel, level ?? "mandatory");
        });
    }

    it("covers every rule with a case, here or on the breadth fixtures", () => {
        // The intent rules have their own mutations of these plans in intent.test.ts.
        const covered = new Set([...[...cases, ...BREADTH_CASES].map((testCase) => testCase.rule), ...INTENT_RULE_NAMES]);
        assert.deepEqual(
            allRules()
                .map(({ rule }) => rule.name)
                .filter((name) => !covered.has(name)),
            [],
        );
    });

    describe("rules read every form of what they check", () => {
        const TRAIL_BUCKET = "aws-monitoring-trail";
        const withoutTrailBucketLogging = () =>
            prod.aws.filter((resource) => !(resource.type === "aws:s3/bucketLogging:BucketLogging" && resource.name === TRAIL_BUCKET));
        const trailBucketLogging = () =>
            prod.aws.find((resource) => resource.type === "aws:s3/bucketLogging:BucketLogging" && resource.name === TRAIL_BUCKET)!;
        const ruleFindings = (resources: readonly PlannedResource[], rule: string, config = {}) =>
            evaluateRules(resources, { [rule]: config }).filter((finding) => finding.rule === rule);

        it("the trail bucket's access logging counts inline on the Bucket (logging) and on a BucketV2 (loggings)", () => {
            const inline = mutate(withoutTrailBucketLogging(), "aws:s3/bucket:Bucket", TRAIL_BUCKET, (inputs) => {
                inputs.logging = { targetBucket: "aws-site-access-logs-f000d7e", targetPrefix: "s3/trail/" };
            });
            assert.deepEqual(ruleFindings(inline, "aws-cloudtrail-bucket-access-logged"), []);
            const asBucketV2 = withoutTrailBucketLogging().map((resource) =>
                resource.type === "aws:s3/bucket:Bucket" && resource.name === TRAIL_BUCKET
                    ? withInputs(
                          resource,
                          { ...resource.analyzerInputs, loggings: [{ targetBucket: "aws-site-access-logs-f000d7e" }] },
                          {
                              type: "aws:s3/bucketV2:BucketV2",
                              urn: resource.urn.replace("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"),
                          },
                      )
                    : resource,
            );
            const trail = asBucketV2.find((resource) => resource.type === "aws:cloudtrail/trail:Trail")!;
            const renamed = asBucketV2.map((resource) =>
                resource === trail ? { ...trail, propertyDependencies: { ...trail.propertyDependencies, s3BucketName: [] } } : resource,
            );
            assert.deepEqual(ruleFindings(renamed, "aws-cloudtrail-bucket-access-logged"), []);
            const unlogged = renamed.map((resource) =>
                resource.type === "aws:s3/bucketV2:BucketV2"
                    ? withInputs(resource, { ...resource.analyzerInputs, loggings: [] })
                    : resource,
            );
            assert.match(ruleFindings(unlogged, "aws-cloudtrail-bucket-access-logged")[0].message, /no server access logging/);
        });

        it("the trail bucket's separate BucketLogging counts when it names the bucket by value, without a dependency", () => {
            const logging = trailBucketLogging();
            const byName = [
                ...withoutTrailBucketLogging(),
                { ...logging, propertyDependencies: { ...logging.propertyDependencies, bucket: [] } },
            ];
            assert.deepEqual(ruleFindings(byName, "aws-cloudtrail-bucket-access-logged"), []);
            const otherBucket = [
                ...withoutTrailBucketLogging(),
                withInputs(
                    logging,
                    { ...logging.analyzerInputs, bucket: "another-bucket" },
                    { propertyDependencies: { ...logging.propertyDependencies, bucket: [] } },
                ),
            ];
            assert.equal(ruleFindings(otherBucket, "aws-cloudtrail-bucket-access-logged").length, 1);
        });

        it("every bucket needs its public access block, encryption, versioning and lifecycle, inline or as a separate resource", () => {
            const without = (type: string) => prod.aws.filter((resource) => !(resource.type === type && resource.name === "aws-assets"));
            const settings = [
                {
                    rule: "aws-s3-public-access-blocked",
                    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    missing: /^bucket aws-assets has no public access block$/,
                },
                {
                    rule: "aws-s3-default-encryption",
                    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    missing: /^bucket aws-assets has no default encryption rule$/,
                    inline: {
                        serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } } },
                    },
                    inlineV2: {
                        serverSideEncryptionConfigurations: [
                            { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
                        ],
                    },
                    inlineWrong: { serverSideEncryptionConfiguration: { rule: {} } },
                },
                {
                    rule: "aws-s3-versioning",
                    type: "aws:s3/bucketVersioning:BucketVersioning",
                    missing: /^bucket aws-assets has no versioning$/,
                    inline: { versioning: { enabled: true } },
                    inlineV2: { versionings: [{ enabled: true }] },
                    inlineWrong: { versioning: { enabled: false } },
                },
                {
                    rule: "aws-s3-lifecycle",
                    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                    missing: /^bucket aws-assets has no lifecycle configuration$/,
                    inline: { lifecycleRules: [{ enabled: true, noncurrentVersionExpiration: { days: 90 } }] },
                    inlineV2: { lifecycleRules: [{ enabled: true, expiration: { days: 365 } }] },
                    inlineWrong: { lifecycleRules: [{ enabled: false }] },
                },
            ];
            for (const { rule, type, missing, inline, inlineV2, inlineWrong } of settings) {
                const bare = without(type);
                const findings = ruleFindings(bare, rule);
                assert.equal(findings.length, 1, `${rule}: ${findings.map((finding) => finding.message).join("; ")}`);
                assert.match(findings[0].message, missing);
                if (!inline) {
                    continue;
                }
                const withInline = (inputs: Record<string, unknown>) =>
                    mutate(bare, "aws:s3/bucket:Bucket", "aws-assets", (bucket) => Object.assign(bucket, inputs));
                assert.deepEqual(ruleFindings(withInline(inline), rule), [], `${rule} reads the Bucket's inline form`);
                assert.match(
                    ruleFindings(withInline(inlineWrong), rule)[0].message,
                    /^bucket aws-assets: /,
                    `${rule} judges the inline form`,
                );
                const asBucketV2 = bare.map((resource) =>
                    resource.type === "aws:s3/bucket:Bucket" && resource.name === "aws-assets"
                        ? withInputs(
                              resource,
                              { ...resource.analyzerInputs, ...inlineV2 },
                              {
                                  type: "aws:s3/bucketV2:BucketV2",
                                  urn: resource.urn.replace("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"),
                              },
                          )
                        : resource,
                );
                assert.deepEqual(ruleFindings(asBucketV2, rule), [], `${rule} reads the BucketV2's inline form`);
            }
        });

        it("a plain secret value passes with a SecretRotation on schedule, and fails past the configured limit", () => {
            const plainValue = mutate(prod.aws, "aws:secretsmanager/secretVersion:SecretVersion", "aws-redis-auth-token", (inputs) => {
                inputs.secretString = "value";
                delete inputs.secretStringWo;
                delete inputs.secretStringWoVersion;
            });
            const version = plainValue.find((resource) => resource.type === "aws:secretsmanager/secretVersion:SecretVersion")!;
            // Made here, not planned: its inputs stand for its outputs.
            const rotation = (rotationRules: Record<string, unknown>): PlannedResource => ({
                ...version,
                analyzerOutputs: undefined,
                type: "aws:secretsmanager/secretRotation:SecretRotation",
                urn: version.urn.replace(
                    "aws:secretsmanager/secretVersion:SecretVersion",
                    "aws:secretsmanager/secretRotation:SecretRotation",
                ),
                analyzerInputs: {
                    secretId: version.analyzerInputs.secretId,
                    rotationLambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:rotate-redis-token",
                    rotationRules,
                },
            });
            const rule = "aws-secrets-manager-rotation";
            assert.deepEqual(ruleFindings([...plainValue, rotation({ automaticallyAfterDays: 30 })], rule), []);
            assert.deepEqual(ruleFindings([...plainValue, rotation({ scheduleExpression: "rate(10 days)" })], rule), []);
            // As outputs carry it: the bridge gives the attribute left unset as null.
            assert.match(
                ruleFindings([...plainValue, rotation({ automaticallyAfterDays: null, scheduleExpression: "rate(180 days)" })], rule)[0]
                    .message,
                /rotates every 180 days; at most 90 allowed/,
            );
            assert.match(
                ruleFindings([...plainValue, rotation({ automaticallyAfterDays: 180 })], rule)[0].message,
                /rotates every 180 days; at most 90 allowed/,
            );
            assert.deepEqual(
                ruleFindings([...plainValue, rotation({ automaticallyAfterDays: 180 })], rule, { maximumRotationDays: 180 }),
                [],
            );
            assert.match(
                ruleFindings(
                    [
                        ...plainValue,
                        {
                            ...rotation({ automaticallyAfterDays: 30 }),
                            analyzerInputs: { ...rotation({}).analyzerInputs, rotationEnabled: false },
                        },
                    ],
                    rule,
                )[0].message,
                /its rotation is turned off/,
            );
        });

        it("prod's service secrets, written through the write-only input with a version to raise, count as rotated; set outside the program, they are not judged", () => {
            const serviceSecrets = prod.aws.filter(
                (resource) => resource.type === "aws:secretsmanager/secret:Secret" && resource.name.startsWith("aws-registry-"),
            );
            assert.equal(serviceSecrets.length, 4);
            const serviceVersions = prod.aws.filter(
                (resource) =>
                    resource.type === "aws:secretsmanager/secretVersion:SecretVersion" &&
                    serviceSecrets.some((secret) => resource.propertyDependencies.secretId?.includes(secret.urn)),
            );
            assert.equal(serviceVersions.length, 4);
            for (const version of serviceVersions) {
                assert.equal(version.inputs.secretString, undefined, version.name);
                assert.equal(typeof version.inputs.secretStringWoVersion, "number", version.name);
            }
            assert.deepEqual(ruleFindings(prod.aws, "aws-secrets-manager-rotation"), []);
            const valuesSetOutside = prod.aws.filter((resource) => !serviceVersions.includes(resource));
            assert.deepEqual(ruleFindings(valuesSetOutside, "aws-secrets-manager-rotation"), []);
        });
    });

    describe("config reaches the rules", () => {
        it("a property from the stack's config changes the verdict (minimumDays)", () => {
            const shortRetention = mutate(
                prod.aws,
                "aws:cloudwatch/logGroup:LogGroup",
                "aws-site-flow-logs",
                (inputs) => (inputs.retentionInDays = 30),
            );
            assert.deepEqual(firingRules(evaluateRules(shortRetention)), ["aws-log-group-retention"]);
            assert.deepEqual(evaluateRules(shortRetention, { "aws-log-group-retention": { minimumDays: 30 } }), []);
        });

        it("an allowed port in the config lets an open rule through", () => {
            const openHttps = mutate(prod.azure, "azure-native:network:NetworkSecurityGroup", "azure-site-gateway", (inputs) => {
                (inputs.securityRules as Record<string, unknown>[]).push({
                    name: "allow-https",
                    priority: 200,
                    direction: "Inbound",
                    access: "Allow",
                    protocol: "Tcp",
                    sourceAddressPrefix: "*",
                    sourcePortRange: "*",
                    destinationAddressPrefix: "*",
                    destinationPortRange: "443",
                });
            });
            // The intent check still sees the opening: the design admits only Cloudflare's ranges.
            assert.deepEqual(firingRules(evaluateRules(openHttps)), ["azure-nsg-no-open-inbound", "no-unintended-flows"]);
            assert.deepEqual(firingRules(evaluateRules(openHttps, { "azure-nsg-no-open-inbound": { allowedInternetPorts: [443] } })), [
                "no-unintended-flows",
            ]);
        });
    });
});

/**
 * Each pack once through the real protocol: the pack runs as its own process, offers exactly the
 * rules whose metadata names it, passes prod, and reports a broken rule at its level; dev's
 * config makes it advisory.
 */
describe("policy packs, through the Analyzer protocol", function () {
    let runner: PolicyRunner;
    let prod: ProdPlans;
    let compliant: Awaited<ReturnType<PolicyRunner["check"]>>[];
    before(async () => {
        [runner, prod] = await Promise.all([sharedPolicyRunner(), prodPlans()]);
        compliant = await Promise.all(
            (["aws", "azure", "edge"] as const).map((site) => runner.check(STACK_OF[site], prod[site], undefined)),
        );
    });

    const endToEnd: Record<
        (typeof PACKS)[number],
        {
            site: keyof ProdPlans;
            rule: string;
            broken: (resources: readonly PlannedResource[]) => PlannedResource[];
            level: "mandatory" | "advisory";
        }
    > = {
        security: {
            site: "aws",
            rule: "aws-kms-key-rotation",
            broken: (resources) => mutate(resources, "aws:kms/key:Key", "aws-site-logs", (inputs) => (inputs.enableKeyRotation = false)),
            level: "mandatory",
        },
        compliance: {
            site: "aws",
            rule: "aws-log-group-retention",
            broken: (resources) =>
                mutate(resources, "aws:cloudwatch/logGroup:LogGroup", "aws-site-flow-logs", (inputs) => (inputs.retentionInDays = 30)),
            level: "mandatory",
        },
        resilience: {
            site: "aws",
            rule: "aws-nat-gateway-per-zone",
            broken: withOneNatGateway,
            level: "advisory",
        },
    };

    for (const pack of PACKS) {
        it(`crypto-beacon-${pack}: offers the rules filed for it, passes prod, and reports a broken rule`, async () => {
            const session = runner.packs.find((candidate) => candidate.name === `crypto-beacon-${pack}`)!;
            // In the registry's order, which the pack's build and this process (tsx) must share.
            assert.deepEqual(
                session.policies.map((policy) => policy.name),
                [...selectRules({ pack }).map(({ rule }) => rule.name), "exempted-violations", "expired-exemptions"],
            );
            for (const result of compliant) {
                assert.deepEqual(
                    result.violations.filter((violation) => violation.pack === session.name),
                    [],
                );
            }
            const { site, rule, broken, level } = endToEnd[pack];
            const stack = STACK_OF[site];
            const result = await runner.check(stack, broken(prod[site]), undefined);
            assert.deepEqual(firingPolicies(result), [rule]);
            const [violation] = violationsOf(result, rule);
            assert.equal(violation.enforcementLevel, level);
            assert.equal(violation.exempted, false);
            const dev = await runner.check(stack, broken(prod[site]), readPolicyConfigFile("policies/config/dev.json"));
            assert.equal(violationsOf(dev, rule)[0].enforcementLevel, "advisory");
            assert.deepEqual(blockingViolations(dev), []);
        });
    }

    it("a property from the stack's config file reaches the pack (minimumDays)", async () => {
        const shortRetention = endToEnd.compliance.broken(prod.aws);
        const lenient: PolicyConfigFile = { file: "inline", entries: { "aws-log-group-retention": { properties: { minimumDays: 30 } } } };
        assert.deepEqual((await runner.check("prod-aws", shortRetention, lenient)).violations, []);
    });
});

/** Cases for the rules that guard the sites' platform defaults: one property broken each. */
function platformCases() {
    const set = (type: string, name: string, change: (inputs: Record<string, unknown>) => void) => (resources: PlannedResource[]) =>
        mutate(resources, type, name, change);
    const nested = (key: string, change: (value: Record<string, unknown>) => void) => (inputs: Record<string, unknown>) =>
        change(inputs[key] as Record<string, unknown>);
    return [
        {
            rule: "aws-s3-public-access-blocked",
            site: "aws" as const,
            broken: set(
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "aws-assets",
                (inputs) => (inputs.blockPublicPolicy = false),
            ),
            expect: /blockPublicPolicy not true/,
        },
        {
            rule: "aws-s3-default-encryption",
            site: "aws" as const,
            broken: set(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "aws-assets",
                (inputs) => (inputs.rules = []),
            ),
            expect: /has no default encryption rule/,
        },
        {
            rule: "aws-alb-drops-invalid-headers",
            site: "aws" as const,
            broken: set("aws:lb/loadBalancer:LoadBalancer", "aws-origin", (inputs) => (inputs.dropInvalidHeaderFields = false)),
            expect: /dropInvalidHeaderFields is not true/,
        },
        {
            rule: "aws-listener-https-only",
            site: "aws" as const,
            broken: set("aws:lb/listener:Listener", "aws-origin-https", (inputs) => (inputs.sslPolicy = "ELBSecurityPolicy-2016-08")),
            expect: /sslPolicy ELBSecurityPolicy-2016-08 allows TLS below 1\.2/,
        },
        {
            rule: "aws-elasticache-encrypted",
            site: "aws" as const,
            broken: set(
                "aws:elasticache/replicationGroup:ReplicationGroup",
                "aws-redis",
                (inputs) => (inputs.transitEncryptionMode = "preferred"),
            ),
            expect: /TLS is not required in transit/,
        },
        {
            rule: "aws-ecr-immutable-scanned",
            site: "aws" as const,
            broken: set("aws:ecr/repository:Repository", "aws-registry-api", (inputs) => (inputs.imageTagMutability = "MUTABLE")),
            expect: /tags are mutable/,
        },
        {
            rule: "aws-eks-private-encrypted",
            site: "aws" as const,
            broken: set("aws:eks/cluster:Cluster", "aws-site", (inputs) => (inputs.enabledClusterLogTypes = ["api"])),
            expect: /the audit log is off/,
        },
        {
            rule: "aws-imdsv2-required",
            site: "aws" as const,
            broken: set(
                "aws:ec2/launchTemplate:LaunchTemplate",
                "aws-site-nodes",
                nested("metadataOptions", (options) => (options.httpTokens = "optional")),
            ),
            expect: /IMDSv2 is not required/,
        },
        {
            rule: "aws-cloudtrail-validated",
            site: "aws" as const,
            broken: set("aws:cloudtrail/trail:Trail", "aws-monitoring", (inputs) => (inputs.enableLogFileValidation = false)),
            expect: /log files are not validated/,
        },
        {
            rule: "azure-storage-secure",
            site: "azure" as const,
            broken: set("azure-native:storage:StorageAccount", "azure-assets", (inputs) => (inputs.allowSharedKeyAccess = true)),
            expect: /allows shared-key access/,
        },
        {
            rule: "azure-key-vault-protected",
            site: "azure" as const,
            broken: set(
                "azure-native:keyvault:Vault",
                "azure-vault",
                nested("properties", (properties) => (properties.enablePurgeProtection = false)),
            ),
            expect: /purge protection is off/,
        },
        {
            rule: "azure-aks-locked-down",
            site: "azure" as const,
            broken: set("azure-native:containerservice:ManagedCluster", "azure-site", (inputs) => (inputs.disableLocalAccounts = false)),
            expect: /local accounts are enabled/,
        },
        {
            rule: "azure-acr-locked-down",
            site: "azure" as const,
            broken: set("azure-native:containerregistry:Registry", "azure-registry", (inputs) => (inputs.adminUserEnabled = true)),
            expect: /the admin user is enabled/,
        },
        {
            rule: "azure-waf-prevention",
            site: "azure" as const,
            broken: set(
                "azure-native:network:WebApplicationFirewallPolicy",
                "azure-origin",
                nested("policySettings", (settings) => (settings.mode = "Detection")),
            ),
            expect: /not enabled in prevention mode/,
        },
    ];
}

/** Edits one resource's inputs, for the tables of cases below. */
function set(type: string, name: string, change: (inputs: Record<string, any>) => void) {
    return (resources: PlannedResource[]) => mutate(resources, type, name, change);
}

/** Cases for the edge stack's rules: Cloudflare, the database, failover and backups. */
function edgeCases() {
    const zoneSetting = (name: string, value: unknown) =>
        set("cloudflare:index/zoneSetting:ZoneSetting", name, (inputs) => (inputs.value = value));
    const ruleset = (name: string, change: (inputs: Record<string, any>) => void) => set("cloudflare:index/ruleset:Ruleset", name, change);
    const cluster = (change: (inputs: Record<string, any>) => void) =>
        set("mongodbatlas:index/advancedCluster:AdvancedCluster", "trading-hub", change);
    const edge = "edge" as const;
    return [
        { rule: "cloudflare-ssl-strict", site: edge, broken: zoneSetting("edge-ssl", "full"), expect: /ssl is "full"; allowed: strict/ },
        {
            rule: "cloudflare-min-tls-1-2",
            site: edge,
            broken: zoneSetting("edge-min-tls-version", "1.0"),
            expect: /min_tls_version is "1\.0"/,
        },
        { rule: "cloudflare-tls-1-3", site: edge, broken: zoneSetting("edge-tls-1-3", "off"), expect: /tls_1_3 is "off"/ },
        {
            rule: "cloudflare-always-https",
            site: edge,
            broken: zoneSetting("edge-always-use-https", "off"),
            expect: /always_use_https is "off"/,
        },
        {
            rule: "cloudflare-hsts",
            site: edge,
            broken: set(
                "cloudflare:index/zoneSetting:ZoneSetting",
                "edge-security-header",
                (inputs) => (inputs.value.strict_transport_security.max_age = 3600),
            ),
            expect: /HSTS max_age 3600 is under 15552000 s/,
        },
        {
            rule: "cloudflare-dnssec",
            site: edge,
            broken: set("cloudflare:index/zoneDnssec:ZoneDnssec", "edge-dnssec", (inputs) => (inputs.status = "disabled")),
            expect: /DNSSEC status is disabled/,
        },
        {
            rule: "cloudflare-dns-proxied",
            site: edge,
            broken: set("cloudflare:index/dnsRecord:DnsRecord", "edge-www", (inputs) => (inputs.proxied = false)),
            expect: /CNAME record www\.trade\.example\.com is not proxied/,
        },
        {
            rule: "cloudflare-authenticated-origin-pulls",
            site: edge,
            broken: set(
                "cloudflare:index/authenticatedOriginPullsSettings:AuthenticatedOriginPullsSettings",
                "edge-origin-pulls",
                (inputs) => (inputs.enabled = false),
            ),
            expect: /authenticated origin pulls are off/,
        },
        {
            rule: "cloudflare-load-balancer-proxied",
            site: edge,
            broken: set("cloudflare:index/loadBalancer:LoadBalancer", "edge", (inputs) => (inputs.proxied = false)),
            expect: /DNS-only/,
        },
        {
            rule: "cloudflare-zero-downtime-failover",
            site: edge,
            broken: set(
                "cloudflare:index/loadBalancer:LoadBalancer",
                "edge",
                (inputs) => (inputs.sessionAffinityAttributes.zeroDowntimeFailover = "none"),
            ),
            expect: /session affinity cookie without zero-downtime failover/,
        },
        {
            rule: "cloudflare-monitor-https",
            site: edge,
            broken: set("cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor", "edge-aws", (inputs) => (inputs.type = "http")),
            expect: /monitor type is http; allowed: https/,
        },
        {
            rule: "cloudflare-managed-waf",
            site: edge,
            broken: ruleset("edge-managed-waf", (inputs) => inputs.rules.pop()),
            expect: /does not run the OWASP Core ruleset/,
        },
        {
            rule: "cloudflare-rate-limits",
            site: edge,
            broken: ruleset("edge-rate-limits", (inputs) => inputs.rules.forEach((rule: Record<string, unknown>) => (rule.action = "log"))),
            expect: /no blocking rate-limit rule/,
        },
        {
            rule: "cloudflare-security-headers",
            site: edge,
            broken: ruleset(
                "edge-security-headers",
                (inputs) => delete inputs.rules[0].actionParameters.headers["Content-Security-Policy"],
            ),
            expect: /responses lack content-security-policy/,
        },
        {
            rule: "atlas-cluster-tls-1-2",
            site: edge,
            broken: cluster((inputs) => (inputs.advancedConfiguration.minimumEnabledTlsProtocol = "TLS1_0")),
            expect: /minimum TLS is TLS1_0/,
        },
        {
            rule: "atlas-cluster-continuous-backup",
            site: edge,
            broken: cluster((inputs) => (inputs.pitEnabled = false)),
            expect: /point-in-time restore is off/,
        },
        {
            rule: "atlas-majority-write-concern",
            site: edge,
            broken: cluster((inputs) => (inputs.advancedConfiguration.defaultWriteConcern = "1")),
            expect: /default write concern is 1/,
        },
        {
            rule: "atlas-no-public-access",
            site: edge,
            broken: (resources: PlannedResource[]) => {
                const user = resources.find((resource) => resource.name === "trading-hub-app")!;
                const inputs = { projectId: user.inputs.projectId, cidrBlock: "0.0.0.0/0" };
                return [
                    ...resources,
                    {
                        ...user,
                        type: "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList",
                        name: "open",
                        urn: user.urn.replace(
                            /databaseUser:DatabaseUser::trading-hub-app$/,
                            "projectIpAccessList:ProjectIpAccessList::open",
                        ),
                        inputs,
                        analyzerInputs: inputs,
                        analyzerOutputs: undefined,
                        propertyDependencies: {},
                    },
                ];
            },
            expect: /access list entry 0\.0\.0\.0\/0 admits the whole internet/,
        },
        {
            rule: "atlas-user-least-privilege",
            site: edge,
            broken: set(
                "mongodbatlas:index/databaseUser:DatabaseUser",
                "trading-hub-app",
                (inputs) => (inputs.roles = [{ roleName: "atlasAdmin", databaseName: "admin" }]),
            ),
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
            broken: set(
                "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule",
                "trading-hub",
                (inputs) => (inputs.policyItemDaily.retentionValue = 7),
            ),
            expect: /database backups: dailies kept under 30 days/,
        },
        {
            rule: "load-balancer-both-clouds",
            site: edge,
            broken: set("cloudflare:index/loadBalancer:LoadBalancer", "edge", (inputs) => delete inputs.fallbackPool),
            expect: /no fallback pool/,
        },
        {
            rule: "failover-detection-time",
            site: edge,
            broken: set("cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor", "edge-aws", (inputs) => (inputs.interval = 60)),
            expect: /worst-case failover detection is 70 s .*; at most 30 s allowed \(a 35 s limit less a 5 s margin\)/,
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
    const context = (key: string, value: unknown) =>
        api((_, container) => (container.securityContext = { ...container.securityContext, [key]: value }));
    const aws = "aws" as const;
    return [
        { rule: "k8s-run-as-non-root", site: aws, broken: context("runAsNonRoot", false), expect: /container api: may run as root/ },
        {
            rule: "k8s-read-only-root-filesystem",
            site: aws,
            broken: context("readOnlyRootFilesystem", false),
            expect: /the root filesystem is writable/,
        },
        {
            rule: "k8s-no-privilege-escalation",
            site: aws,
            broken: context("allowPrivilegeEscalation", true),
            expect: /privilege escalation is allowed/,
        },
        { rule: "k8s-not-privileged", site: aws, broken: context("privileged", true), expect: /runs privileged/ },
        {
            rule: "k8s-drop-all-capabilities",
            site: aws,
            broken: context("capabilities", { drop: ["NET_RAW"] }),
            expect: /does not drop all capabilities/,
        },
        {
            rule: "k8s-seccomp-runtime-default",
            site: aws,
            broken: context("seccompProfile", { type: "Unconfined" }),
            expect: /seccomp profile is Unconfined/,
        },
        {
            rule: "k8s-resource-requests-limits",
            site: aws,
            broken: api((_, container) => delete container.resources.limits),
            expect: /missing limits\.cpu, limits\.memory/,
        },
        {
            rule: "k8s-image-pinned",
            site: aws,
            broken: api((_, container) => (container.image = String(container.image).replace(/:[^:]+$/, ":latest"))),
            expect: /crypto-beacon\/prod-aws\/api:latest is not pinned/,
        },
        {
            rule: "k8s-no-literal-secret-env",
            site: aws,
            broken: api((_, container) => container.env.push({ name: "DB_PASSWORD", value: "hunter2hunter2" })),
            expect: /literal value in DB_PASSWORD/,
        },
        {
            rule: "k8s-no-host-namespaces",
            site: aws,
            broken: api((pod) => (pod.hostNetwork = true)),
            expect: /shares the node's hostNetwork/,
        },
        {
            rule: "k8s-no-service-account-token",
            site: aws,
            broken: api((pod) => (pod.automountServiceAccountToken = true)),
            expect: /mounts a Kubernetes API token/,
        },
        {
            rule: "k8s-probes",
            site: aws,
            broken: api((_, container) => delete container.livenessProbe),
            expect: /container api: no livenessProbe/,
        },
        {
            rule: "k8s-namespace-restricted",
            site: aws,
            broken: set(
                "kubernetes:core/v1:Namespace",
                "aws-hub-trading-hub",
                (inputs) => (inputs.metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline"),
            ),
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
            broken: (resources: PlannedResource[]) =>
                resources.filter(
                    (resource) => !(resource.type === "kubernetes:policy/v1:PodDisruptionBudget" && resource.name === "aws-hub-api-blue"),
                ),
            expect: /Deployment trading-hub\/api-blue runs 3 replicas with no PodDisruptionBudget/,
        },
        {
            rule: "aws-alb-waf-associated",
            site: aws,
            broken: (resources: PlannedResource[]) =>
                resources.filter((resource) => resource.type !== "aws:wafv2/webAclAssociation:WebAclAssociation"),
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

/** Cases for the hardening rules of both sites and the edge: one property broken each. */
function hardeningCases() {
    const aws = "aws" as const;
    const azure = "azure" as const;
    const edge = "edge" as const;
    const without = (type: string, name?: string) => (resources: PlannedResource[]) =>
        resources.filter((resource) => !(resource.type === type && (name === undefined || resource.name === name)));
    const policyJson = (type: string, name: string, change: (document: { Statement: Record<string, any>[] }) => void) =>
        set(type, name, (inputs) => {
            const document = JSON.parse(inputs.policy);
            change(document);
            inputs.policy = JSON.stringify(document);
        });
    return [
        {
            rule: "aws-s3-versioning",
            site: aws,
            broken: set(
                "aws:s3/bucketVersioning:BucketVersioning",
                "aws-assets",
                (inputs) => (inputs.versioningConfiguration.status = "Suspended"),
            ),
            expect: /versioning is not enabled/,
        },
        {
            rule: "aws-s3-acls-disabled",
            site: aws,
            broken: set(
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                "aws-assets",
                (inputs) => (inputs.rule.objectOwnership = "ObjectWriter"),
            ),
            expect: /objectOwnership is ObjectWriter/,
        },
        {
            rule: "aws-s3-tls-only",
            site: aws,
            broken: policyJson("aws:s3/bucketPolicy:BucketPolicy", "aws-assets", (document) => document.Statement.shift()),
            expect: /no statement denies requests without TLS/,
        },
        {
            rule: "aws-s3-lifecycle",
            site: aws,
            broken: set("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws-assets", (inputs) =>
                inputs.rules.forEach((rule: Record<string, unknown>) => (rule.status = "Disabled")),
            ),
            expect: /no enabled lifecycle rule/,
        },
        {
            rule: "aws-secrets-manager-kms",
            site: aws,
            broken: set("aws:secretsmanager/secret:Secret", "aws-redis-auth-token", (inputs) => delete inputs.kmsKeyId),
            expect: /uses the default AWS-managed key/,
        },
        {
            rule: "aws-secrets-manager-recovery-window",
            site: aws,
            broken: set("aws:secretsmanager/secret:Secret", "aws-redis-auth-token", (inputs) => (inputs.recoveryWindowInDays = 0)),
            expect: /recoveryWindowInDays is 0/,
        },
        {
            rule: "aws-sns-encrypted",
            site: aws,
            broken: set("aws:sns/topic:Topic", "aws-monitoring-alarms", (inputs) => delete inputs.kmsMasterKeyId),
            expect: /the topic is not encrypted/,
        },
        {
            rule: "aws-backup-vault-kms",
            site: aws,
            broken: set("aws:backup/vault:Vault", "aws-backup", (inputs) => delete inputs.kmsKeyArn),
            expect: /the vault uses the default key/,
        },
        {
            rule: "aws-backup-vault-lock",
            site: aws,
            broken: set(
                "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
                "aws-backup",
                (inputs) => delete inputs.changeableForDays,
            ),
            expect: /not in compliance mode/,
        },
        {
            rule: "aws-waf-managed-rules",
            site: aws,
            broken: set(
                "aws:wafv2/webAcl:WebAcl",
                "aws-origin",
                (inputs) =>
                    (inputs.rules = inputs.rules.filter(
                        (rule: Record<string, any>) => rule.name !== "AWSManagedRulesKnownBadInputsRuleSet",
                    )),
            ),
            expect: /missing AWSManagedRulesKnownBadInputsRuleSet/,
        },
        {
            rule: "aws-waf-rate-limit",
            site: aws,
            broken: set(
                "aws:wafv2/webAcl:WebAcl",
                "aws-origin",
                (inputs) => (inputs.rules = inputs.rules.filter((rule: Record<string, any>) => !rule.statement.rateBasedStatement)),
            ),
            expect: /no blocking rate-based rule/,
        },
        {
            rule: "aws-waf-logged",
            site: aws,
            broken: without("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"),
            expect: /web ACL aws-origin does not log/,
        },
        {
            rule: "aws-alb-access-logs",
            site: aws,
            broken: set("aws:lb/loadBalancer:LoadBalancer", "aws-origin", (inputs) => (inputs.accessLogs.enabled = false)),
            expect: /access logs are off/,
        },
        {
            rule: "aws-alb-desync-mitigation",
            site: aws,
            broken: set("aws:lb/loadBalancer:LoadBalancer", "aws-origin", (inputs) => (inputs.desyncMitigationMode = "monitor")),
            expect: /desyncMitigationMode is monitor/,
        },
        {
            rule: "aws-node-volumes-encrypted",
            site: aws,
            broken: set(
                "aws:ec2/launchTemplate:LaunchTemplate",
                "aws-site-nodes",
                (inputs) => (inputs.blockDeviceMappings[0].ebs.encrypted = "false"),
            ),
            expect: /a volume is not encrypted/,
        },
        {
            rule: "aws-eks-node-volumes-customer-key",
            site: aws,
            broken: set(
                "aws:ec2/launchTemplate:LaunchTemplate",
                "aws-site-nodes",
                (inputs) => delete inputs.blockDeviceMappings[0].ebs.kmsKeyId,
            ),
            expect: /node group aws-site-general: launch template aws-site-nodes has 1 volume\(s\) not on a customer-managed key/,
        },
        {
            rule: "aws-eks-node-volumes-customer-key",
            site: aws,
            broken: set(
                "aws:ec2/launchTemplate:LaunchTemplate",
                "aws-site-nodes",
                (inputs) => (inputs.blockDeviceMappings[0].ebs.kmsKeyId = "alias/aws/ebs"),
            ),
            expect: /launch template aws-site-nodes has 1 volume\(s\) not on a customer-managed key/,
        },
        {
            rule: "aws-eks-node-volumes-customer-key",
            site: aws,
            broken: set("aws:eks/nodeGroup:NodeGroup", "aws-site-general", (inputs) => delete inputs.launchTemplate),
            expect: /node group aws-site-general: has no launch template, so its volumes use the AWS-managed key/,
        },
        {
            rule: "aws-cloudtrail-bucket-access-logged",
            site: aws,
            broken: (resources: PlannedResource[]) =>
                resources.filter(
                    (resource) => !(resource.type === "aws:s3/bucketLogging:BucketLogging" && resource.name === "aws-monitoring-trail"),
                ),
            expect: /bucket aws-monitoring-trail of trail aws-monitoring has no server access logging/,
        },
        {
            rule: "aws-secrets-manager-rotation",
            site: aws,
            broken: set("aws:secretsmanager/secretVersion:SecretVersion", "aws-redis-auth-token", (inputs) => {
                inputs.secretString = inputs.secretStringWo;
                delete inputs.secretStringWo;
                delete inputs.secretStringWoVersion;
            }),
            expect: /secret aws-redis-auth-token: the program writes its value with no rotation/,
        },
        {
            rule: "aws-iam-no-wildcard-policy",
            also: ["no-access-beyond-needs"],
            site: aws,
            broken: policyJson("aws:iam/rolePolicy:RolePolicy", "aws-workloads-api", (document) =>
                document.Statement.push({ Effect: "Allow", Action: "*", Resource: "*" }),
            ),
            expect: /allows \* on \*/,
        },
        {
            rule: "aws-iam-no-administrator-access",
            also: ["access-needs-granted", "no-access-beyond-needs"],
            site: aws,
            broken: set(
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "aws-site-cluster",
                (inputs) => (inputs.policyArn = "arn:aws:iam::aws:policy/AdministratorAccess"),
            ),
            expect: /attaches arn:aws:iam::aws:policy\/AdministratorAccess/,
        },
        {
            rule: "aws-alarms-notify",
            site: aws,
            broken: set("aws:cloudwatch/metricAlarm:MetricAlarm", "aws-monitoring-redis-cpu", (inputs) => (inputs.alarmActions = [])),
            expect: /the alarm notifies nobody/,
        },
        {
            rule: "aws-elasticache-multi-az",
            site: aws,
            broken: set("aws:elasticache/replicationGroup:ReplicationGroup", "aws-redis", (inputs) => (inputs.multiAzEnabled = false)),
            expect: /no automatic multi-zone failover/,
        },
        {
            rule: "aws-elasticache-snapshots",
            site: aws,
            broken: set("aws:elasticache/replicationGroup:ReplicationGroup", "aws-redis", (inputs) => (inputs.snapshotRetentionLimit = 0)),
            expect: /no snapshots are kept/,
        },
        {
            rule: "aws-vpc-endpoint-private-dns",
            also: ["intended-flows-allowed"],
            site: aws,
            broken: set("aws:ec2/vpcEndpoint:VpcEndpoint", "aws-site-sts", (inputs) => (inputs.privateDnsEnabled = false)),
            expect: /private DNS is off/,
        },
        {
            rule: "aws-security-group-no-open-ingress",
            also: ["no-unintended-flows"],
            site: aws,
            broken: set("aws:ec2/securityGroup:SecurityGroup", "aws-redis", (inputs) =>
                inputs.ingress.push({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            ),
            expect: /admits the internet on ports 22-22/,
        },
        {
            rule: "aws-security-group-rule-no-open-ingress",
            also: ["no-unintended-flows"],
            site: aws,
            broken: set("aws:ec2/securityGroupRule:SecurityGroupRule", "aws-workloads-gateway-from-origin", (inputs) => {
                delete inputs.sourceSecurityGroupId;
                inputs.cidrBlocks = ["0.0.0.0/0"];
            }),
            expect: /admits the internet/,
        },
        {
            rule: "aws-kms-deletion-window",
            site: aws,
            broken: set("aws:kms/key:Key", "aws-site-data", (inputs) => (inputs.deletionWindowInDays = 7)),
            expect: /deletionWindowInDays is 7/,
        },
        {
            rule: "aws-target-group-health-check",
            site: aws,
            broken: set("aws:lb/targetGroup:TargetGroup", "aws-origin", (inputs) => (inputs.healthCheck.enabled = false)),
            expect: /no health check/,
        },
        {
            rule: "aws-ecr-lifecycle",
            site: aws,
            broken: without("aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws-registry-api"),
            expect: /repository aws-registry-api keeps every image forever/,
        },
        {
            rule: "azure-storage-versioning",
            site: azure,
            broken: set("azure-native:storage:BlobServiceProperties", "azure-assets", (inputs) => (inputs.isVersioningEnabled = false)),
            expect: /versioning or soft delete is off/,
        },
        {
            rule: "azure-storage-container-private",
            site: azure,
            broken: set("azure-native:storage:BlobContainer", "azure-assets-assets", (inputs) => (inputs.publicAccess = "Blob")),
            expect: /publicAccess is Blob/,
        },
        {
            rule: "azure-storage-infrastructure-encryption",
            site: azure,
            broken: set(
                "azure-native:storage:StorageAccount",
                "azure-assets",
                (inputs) => (inputs.encryption.requireInfrastructureEncryption = false),
            ),
            expect: /infrastructure encryption is off/,
        },
        {
            rule: "azure-storage-network-deny",
            site: azure,
            broken: set("azure-native:storage:StorageAccount", "azure-assets", (inputs) => (inputs.networkRuleSet.defaultAction = "Allow")),
            expect: /network access is allowed by default/,
        },
        {
            rule: "azure-aks-workload-identity",
            site: azure,
            broken: set(
                "azure-native:containerservice:ManagedCluster",
                "azure-site",
                (inputs) => (inputs.securityProfile.workloadIdentity.enabled = false),
            ),
            expect: /workload identity is off/,
        },
        {
            rule: "azure-aks-encryption-at-host",
            site: azure,
            broken: set("azure-native:containerservice:AgentPool", "azure-site-user", (inputs) => (inputs.enableEncryptionAtHost = false)),
            expect: /a node pool is not encrypted at host/,
        },
        {
            rule: "azure-aks-container-insights",
            site: azure,
            broken: set(
                "azure-native:containerservice:ManagedCluster",
                "azure-site",
                (inputs) => (inputs.addonProfiles.omsagent.enabled = false),
            ),
            expect: /Container Insights is off/,
        },
        {
            rule: "azure-aks-key-vault-secrets-provider",
            site: azure,
            broken: set(
                "azure-native:containerservice:ManagedCluster",
                "azure-site",
                (inputs) => (inputs.addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation = "false"),
            ),
            expect: /does not rotate/,
        },
        {
            rule: "azure-redis-tls-private",
            site: azure,
            broken: set("azure-native:redisenterprise:RedisEnterprise", "azure-redis", (inputs) => (inputs.minimumTlsVersion = "1.0")),
            expect: /TLS below 1\.2 or public access allowed/,
        },
        {
            rule: "azure-redis-database-entra-tls",
            site: azure,
            broken: set("azure-native:redisenterprise:Database", "azure-redis", (inputs) => (inputs.accessKeysAuthentication = "Enabled")),
            expect: /access keys enabled/,
        },
        {
            rule: "azure-backup-vault-resilient",
            site: azure,
            broken: set(
                "azure-native:dataprotection:BackupVault",
                "azure-backup",
                (inputs) => (inputs.properties.storageSettings[0].type = "LocallyRedundant"),
            ),
            expect: /not geo-redundant/,
        },
        {
            rule: "azure-flow-log-retention",
            site: azure,
            broken: set("azure-native:network:FlowLog", "azure-site", (inputs) => (inputs.retentionPolicy.days = 7)),
            expect: /flow logs are kept 7 days/,
        },
        {
            rule: "azure-app-gateway-tls-policy",
            site: azure,
            broken: set(
                "azure-native:network:ApplicationGateway",
                "azure-origin",
                (inputs) => (inputs.sslPolicy = { policyType: "Predefined", policyName: "AppGwSslPolicy20150501" }),
            ),
            expect: /AppGwSslPolicy20150501 allows TLS below 1\.2/,
        },
        {
            rule: "azure-log-analytics-retention",
            site: azure,
            broken: set("azure-native:operationalinsights:Workspace", "azure-logs", (inputs) => (inputs.retentionInDays = 90)),
            expect: /retentionInDays is 90; at least 365 required/,
        },
        {
            rule: "azure-public-ip-standard",
            site: azure,
            broken: set("azure-native:network:PublicIPAddress", "azure-origin", (inputs) => (inputs.sku = { name: "Basic" })),
            expect: /sku is Basic/,
        },
        {
            rule: "azure-role-assignment-least-privilege",
            also: ["access-needs-granted", "no-access-beyond-needs"],
            site: azure,
            broken: set(
                "azure-native:authorization:RoleAssignment",
                "azure-workloads-api",
                (inputs) =>
                    (inputs.roleDefinitionId = String(inputs.roleDefinitionId).replace(
                        /[0-9a-f-]+$/,
                        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                    )),
            ),
            expect: /assigns a broad administrative role/,
        },
        {
            rule: "azure-diagnostics-all-logs",
            site: azure,
            broken: set("azure-native:monitor:DiagnosticSetting", "azure-vault-diagnostics", (inputs) => (inputs.logs = [])),
            expect: /not every log reaches the workspace/,
        },
        {
            rule: "azure-alerts-notify",
            site: azure,
            broken: set("azure-native:monitor:MetricAlert", "azure-alerts-cluster-node-cpu", (inputs) => (inputs.actions = [])),
            expect: /the alert notifies nobody/,
        },
        {
            rule: "azure-acr-retention",
            site: azure,
            broken: set(
                "azure-native:containerregistry:Registry",
                "azure-registry",
                (inputs) => (inputs.policies.retentionPolicy.status = "disabled"),
            ),
            expect: /no retention policy/,
        },
        {
            rule: "k8s-namespace-quota",
            site: aws,
            broken: without("kubernetes:core/v1:ResourceQuota", "aws-hub-trading-hub-quota"),
            expect: /namespace trading-hub has no ResourceQuota/,
        },
        {
            rule: "k8s-cronjob-no-overlap",
            site: azure,
            broken: set("kubernetes:batch/v1:CronJob", "azure-asset-sync", (inputs) => (inputs.spec.concurrencyPolicy = "Allow")),
            expect: /concurrencyPolicy is Allow/,
        },
        {
            rule: "k8s-service-account-no-token",
            site: aws,
            broken: set("kubernetes:core/v1:ServiceAccount", "aws-hub-api", (inputs) => delete inputs.automountServiceAccountToken),
            expect: /mounts an API token into every pod by default/,
        },
        {
            rule: "k8s-routes-name-site",
            site: aws,
            broken: set(
                "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
                "aws-hub-api-route",
                (inputs) => (inputs.spec.rules[0].filters = []),
            ),
            expect: /a rule does not set x-beacon-site/,
        },
        {
            rule: "k8s-helm-chart-pinned",
            site: aws,
            broken: set("kubernetes:helm.sh/v3:Release", "aws-hub-envoy-gateway", (inputs) => delete inputs.version),
            expect: /is not pinned to an exact version/,
        },
        {
            rule: "k8s-zone-spread",
            site: aws,
            broken: set(
                "kubernetes:apps/v1:Deployment",
                "aws-hub-web-blue",
                (inputs) => delete inputs.spec.template.spec.topologySpreadConstraints,
            ),
            expect: /pods are not spread across zones/,
        },
        {
            rule: "cloudflare-pool-monitored",
            site: edge,
            broken: set("cloudflare:index/loadBalancerPool:LoadBalancerPool", "edge-azure", (inputs) => (inputs.minimumOrigins = 0)),
            expect: /minimumOrigins is 0/,
        },
        {
            rule: "cloudflare-pool-health-notifications",
            site: edge,
            broken: without("cloudflare:index/notificationPolicy:NotificationPolicy"),
            expect: /no notification policy for pool health/,
        },
        {
            rule: "cloudflare-custom-waf",
            site: edge,
            broken: set("cloudflare:index/ruleset:Ruleset", "edge-custom-waf", (inputs) =>
                inputs.rules.forEach((rule: Record<string, unknown>) => (rule.action = "log")),
            ),
            expect: /no blocking custom WAF rule/,
        },
        {
            rule: "no-hardcoded-credentials",
            // A value written in plain secretString is also one the program never rotates.
            also: ["aws-secrets-manager-rotation"],
            site: aws,
            broken: set(
                "aws:secretsmanager/secretVersion:SecretVersion",
                "aws-redis-auth-token",
                (inputs) => (inputs.secretString = "AKIAIOSFODNN7EXAMPLE"),
            ),
            expect: /secretString holds an AWS access key id/,
        },
        {
            rule: "data-stores-backed-up",
            also: ["intended-flows-allowed"],
            site: aws,
            broken: without("aws:backup/selection:Selection"),
            expect: /Bucket aws-assets is in no backup/,
        },
        {
            rule: "data-stores-backed-up",
            site: azure,
            broken: without("azure-native:dataprotection:BackupInstance"),
            expect: /StorageAccount azure-assets is in no backup/,
        },
        {
            rule: "data-stores-backed-up",
            site: edge,
            broken: without("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule"),
            expect: /AdvancedCluster trading-hub is in no backup/,
        },
        {
            rule: "aws-ecr-kms",
            site: aws,
            broken: set(
                "aws:ecr/repository:Repository",
                "aws-registry-api",
                (inputs) => (inputs.encryptionConfigurations = [{ encryptionType: "AES256" }]),
            ),
            expect: /layers use the default AES-256 key/,
        },
        {
            rule: "azure-acr-zone-redundant",
            site: azure,
            broken: set("azure-native:containerregistry:Registry", "azure-registry", (inputs) => (inputs.zoneRedundancy = "Disabled")),
            expect: /not zone-redundant/,
        },
        {
            rule: "k8s-autoscaler-has-metric",
            site: aws,
            broken: set("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "aws-hub-api-blue", (inputs) => (inputs.spec.metrics = [])),
            expect: /the autoscaler has no metric/,
        },
        {
            rule: "cloudflare-api-not-cached",
            site: edge,
            broken: set("cloudflare:index/ruleset:Ruleset", "edge-cache", (inputs) => (inputs.rules[1].actionParameters = { cache: true })),
            expect: /cache rule "Never cache API answers: they carry account data" caches API answers/,
        },
        {
            rule: "atlas-backup-copied-to-other-cloud",
            site: edge,
            broken: set(
                "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule",
                "trading-hub",
                (inputs) => (inputs.copySettings[0].shouldCopyOplogs = false),
            ),
            expect: /not copied, with the oplog/,
        },
    ];
}
