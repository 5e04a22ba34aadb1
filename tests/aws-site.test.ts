import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AwsBackup, BACKUP_RULES } from "../components/aws/backup";
import { CLUSTER_AUTOSCALER_CHART, EKS_CONTROL_PLANE_LOGS, EKS_CORE_ADDONS, EksCluster, METRICS_SERVER_CHART } from "../components/aws/eks";
import { SECRET_FILES } from "../components/kubernetes/hubService";
import { AwsMonitoring } from "../components/aws/monitoring";
import { AWS_INTERFACE_ENDPOINTS } from "../components/aws/network";
import { AWS_MANAGED_RULE_GROUPS, AwsOrigin } from "../components/aws/origin";
import { AwsRedis } from "../components/aws/redis";
import { AwsRegistry } from "../components/aws/registry";
import { SecureBucket } from "../components/aws/secureBucket";
import { CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES } from "../components/cloudflare/ipRanges";
import { EKS_SERVICE_CIDR, parseIpv4Cidr } from "../model/addressing";
import { SITE_HEADER } from "../stacks/siteIdentity";
import { GATEWAY_NODE_PORT } from "../stacks/workloads";
import { type StackPlan } from "../tools/plan/planner";
import { one, parentOf, providerOf, resourceNamed, resourcesOfType, sharedPlan } from "./helpers";

describe("AWS primary site", () => {
    let dev: StackPlan;
    let prod: StackPlan;
    before(async () => {
        dev = await sharedPlan("dev");
        prod = await sharedPlan("prod-aws");
    });

    describe("network", () => {
        it("keeps ECR, Secrets Manager and STS calls inside the VPC, behind a VPC-only security group", () => {
            const endpoints = resourcesOfType(prod, "aws:ec2/vpcEndpoint:VpcEndpoint");
            // The database's endpoint goes to Atlas's service, not AWS's; the edge tests cover it.
            const interfaces = endpoints.filter(
                (endpoint) => endpoint.inputs.vpcEndpointType === "Interface" && endpoint.name !== "aws-database",
            );
            assert.deepEqual(
                interfaces.map((endpoint) => String(endpoint.inputs.serviceName).split(".").slice(3).join(".")).sort(),
                [...AWS_INTERFACE_ENDPOINTS].sort(),
            );
            for (const endpoint of interfaces) {
                assert.equal(endpoint.inputs.privateDnsEnabled, true);
            }
            const group = resourceNamed(prod, "aws:ec2/securityGroup:SecurityGroup", "aws-site-endpoints");
            assert.deepEqual(
                (group.inputs.ingress as { cidrBlocks: string[] }[]).map((rule) => rule.cidrBlocks),
                [["10.100.0.0/16"]],
            );
        });

        it("reaches S3 through a gateway endpoint on the private and isolated route tables", () => {
            const s3 = resourcesOfType(prod, "aws:ec2/vpcEndpoint:VpcEndpoint").find(
                (endpoint) => endpoint.inputs.vpcEndpointType === "Gateway",
            )!;
            assert.equal(s3.inputs.serviceName, "com.amazonaws.us-east-1.s3");
            assert.equal((s3.inputs.routeTableIds as string[]).length, 4, "three private tables and the isolated one");
        });
    });

    describe("EKS", () => {
        it("keeps the API endpoint private in prod, and public only to allow-listed CIDRs in dev", () => {
            const prodCluster = one(prod, "aws:eks/cluster:Cluster").inputs.vpcConfig as Record<string, unknown>;
            assert.deepEqual(
                [prodCluster.endpointPrivateAccess, prodCluster.endpointPublicAccess, prodCluster.publicAccessCidrs],
                [true, false, undefined],
            );
            const devCluster = one(dev, "aws:eks/cluster:Cluster").inputs.vpcConfig as Record<string, unknown>;
            assert.deepEqual(
                [devCluster.endpointPrivateAccess, devCluster.endpointPublicAccess, devCluster.publicAccessCidrs],
                [true, true, ["203.0.113.0/24"]],
            );
        });

        it("encrypts secrets with the site's data key and logs the api, audit and authenticator streams", () => {
            const cluster = one(prod, "aws:eks/cluster:Cluster");
            assert.deepEqual((cluster.inputs.encryptionConfig as { resources: string[] }).resources, ["secrets"]);
            assert.deepEqual(cluster.propertyDependencies.encryptionConfig, [resourceNamed(prod, "aws:kms/key:Key", "aws-site-data").urn]);
            assert.deepEqual(cluster.inputs.enabledClusterLogTypes, [...EKS_CONTROL_PLANE_LOGS]);
            const controlPlaneLogs = resourceNamed(prod, "aws:cloudwatch/logGroup:LogGroup", "aws-site-control-plane");
            assert.equal(controlPlaneLogs.inputs.name, `/aws/eks/${cluster.inputs.name}/cluster`);
            assert.equal(controlPlaneLogs.inputs.retentionInDays, 365);
            assert.ok(cluster.dependencies.includes(controlPlaneLogs.urn), "the log group exists before EKS would create its own");
        });

        it("runs managed nodes in the private subnets with IMDSv2 required and encrypted volumes", () => {
            const nodeGroup = one(prod, "aws:eks/nodeGroup:NodeGroup");
            const privateSubnets = resourcesOfType(prod, "aws:ec2/subnet:Subnet")
                .filter((subnet) => subnet.name.includes("private"))
                .map((subnet) => subnet.urn);
            assert.deepEqual([...nodeGroup.propertyDependencies.subnetIds].sort(), privateSubnets.sort());
            const template = resourceNamed(prod, "aws:ec2/launchTemplate:LaunchTemplate", "aws-site-nodes");
            assert.deepEqual(template.inputs.metadataOptions, {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
            });
            assert.equal((template.inputs.blockDeviceMappings as { ebs: { encrypted: string } }[])[0].ebs.encrypted, "true");
        });

        it("has an OIDC provider for service-account roles, the core add-ons and a Kubernetes provider that holds no credential", () => {
            const oidc = resourceNamed(prod, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws-site");
            assert.match(String(oidc.inputs.url), /^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
            assert.deepEqual(oidc.inputs.clientIdLists, ["sts.amazonaws.com"]);
            const addons = resourcesOfType(prod, "aws:eks/addon:Addon");
            assert.deepEqual(addons.map((addon) => addon.inputs.addonName).sort(), [...EKS_CORE_ADDONS].sort());
            // Networking is in place before nodes join; CoreDNS needs nodes to run on.
            const nodeGroup = one(prod, "aws:eks/nodeGroup:NodeGroup");
            const byName = (addonName: string) => addons.find((addon) => addon.inputs.addonName === addonName)!;
            for (const early of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) {
                assert.ok(nodeGroup.dependencies.includes(byName(early).urn), `${early} before the nodes`);
            }
            assert.ok(byName("coredns").dependencies.includes(nodeGroup.urn), "coredns after the nodes");
            const kubernetes = one(prod, "pulumi:providers:kubernetes");
            const kubeconfig = JSON.parse(String(kubernetes.inputs.kubeconfig));
            assert.deepEqual(kubeconfig.users[0].user.exec.args.slice(0, 2), ["eks", "get-token"]);
            assert.equal(kubeconfig.users[0].user.token, undefined);
            assert.equal(parentOf(prod, kubernetes)?.type, "beacon:aws:EksCluster");
        });

        it("sizes the node group from config: small in dev, highly available in prod", () => {
            const scaling = (plan: StackPlan) => one(plan, "aws:eks/nodeGroup:NodeGroup").inputs.scalingConfig;
            assert.deepEqual(scaling(dev), { minSize: 2, desiredSize: 2, maxSize: 4 });
            // Four nodes at minimum: prod's minimum replicas of both colours fit with the headroom.
            assert.deepEqual(scaling(prod), { minSize: 4, desiredSize: 4, maxSize: 12 });
            assert.deepEqual(one(dev, "aws:eks/nodeGroup:NodeGroup").inputs.instanceTypes, ["t3.large"]);
        });
    });

    describe("origin", () => {
        it("lets only Cloudflare's published ranges reach 443 and 80, and talks only to the gateway's node port in the VPC", () => {
            const group = resourceNamed(prod, "aws:ec2/securityGroup:SecurityGroup", "aws-origin");
            const ingress = group.inputs.ingress as { fromPort: number; cidrBlocks: string[]; ipv6CidrBlocks: string[] }[];
            assert.deepEqual(ingress.map((rule) => rule.fromPort).sort(), [443, 80]);
            for (const rule of ingress) {
                assert.deepEqual(rule.cidrBlocks, [...CLOUDFLARE_IPV4_RANGES]);
                assert.deepEqual(rule.ipv6CidrBlocks, [...CLOUDFLARE_IPV6_RANGES]);
            }
            const egress = group.inputs.egress as { fromPort: number; toPort: number; cidrBlocks: string[] }[];
            assert.deepEqual(
                egress.map((rule) => [rule.fromPort, rule.toPort, rule.cidrBlocks]),
                [[GATEWAY_NODE_PORT, GATEWAY_NODE_PORT, ["10.100.0.0/16"]]],
            );
            assert.equal(CLOUDFLARE_IPV4_RANGES.length, 15);
            assert.ok(CLOUDFLARE_IPV4_RANGES.every((cidr) => parseIpv4Cidr(cidr) !== undefined));
        });

        it("serves HTTPS only with TLS 1.2+, redirects HTTP, drops invalid headers and logs access", () => {
            const alb = resourceNamed(prod, "aws:lb/loadBalancer:LoadBalancer", "aws-origin");
            assert.equal(alb.inputs.internal, false);
            assert.equal(alb.inputs.dropInvalidHeaderFields, true);
            assert.deepEqual(alb.inputs.accessLogs, {
                bucket: (alb.inputs.accessLogs as { bucket: string }).bucket,
                prefix: "alb",
                enabled: true,
            });
            const https = resourceNamed(prod, "aws:lb/listener:Listener", "aws-origin-https");
            assert.equal(https.inputs.protocol, "HTTPS");
            assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
            const http = resourceNamed(prod, "aws:lb/listener:Listener", "aws-origin-http");
            assert.deepEqual((http.inputs.defaultActions as { redirect: unknown }[])[0].redirect, {
                protocol: "HTTPS",
                port: "443",
                statusCode: "HTTP_301",
            });
            const certificate = one(prod, "aws:acm/certificate:Certificate");
            assert.equal(
                certificate.inputs.privateKey,
                "[secret]",
                "an imported Origin CA certificate: its key stays secret, no DNS validation to wait for",
            );
            assert.equal(certificate.inputs.validationMethod, undefined);
        });

        it("is the site's only way in: no API Gateway, whose execute-api endpoint would bypass Cloudflare and the WAF", () => {
            for (const plan of [dev, prod]) {
                assert.deepEqual(
                    plan.resources.filter((resource) => resource.type.startsWith("aws:apigateway")).map((resource) => resource.urn),
                    [],
                );
                assert.deepEqual(
                    resourcesOfType(plan, "aws:lb/loadBalancer:LoadBalancer").map((loadBalancer) => loadBalancer.name),
                    ["aws-origin"],
                );
            }
        });

        it("protects the load balancer from deletion in prod only", () => {
            const protection = (plan: StackPlan) =>
                resourceNamed(plan, "aws:lb/loadBalancer:LoadBalancer", "aws-origin").inputs.enableDeletionProtection;
            assert.deepEqual([protection(dev), protection(prod)], [false, true]);
        });

        it("puts a WAF with AWS managed rules and a per-client rate limit in front, logging to aws-waf-logs-*", () => {
            const acl = one(prod, "aws:wafv2/webAcl:WebAcl");
            const rules = acl.inputs.rules as {
                name: string;
                statement: { rateBasedStatement?: { limit: number; aggregateKeyType: string } };
            }[];
            assert.deepEqual(
                rules.slice(0, -1).map((rule) => rule.name),
                [...AWS_MANAGED_RULE_GROUPS],
            );
            assert.deepEqual(rules.at(-1)!.statement.rateBasedStatement, {
                limit: 2000,
                aggregateKeyType: "FORWARDED_IP",
                forwardedIpConfig: { headerName: "CF-Connecting-IP", fallbackBehavior: "MATCH" },
            } as never);
            const association = one(prod, "aws:wafv2/webAclAssociation:WebAclAssociation");
            assert.deepEqual(association.propertyDependencies.resourceArn, [
                resourceNamed(prod, "aws:lb/loadBalancer:LoadBalancer", "aws-origin").urn,
            ]);
            assert.match(String(resourceNamed(prod, "aws:cloudwatch/logGroup:LogGroup", "aws-origin-waf").inputs.name), /^aws-waf-logs-/);
            assert.equal(
                one(prod, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").propertyDependencies.logDestinationConfigs
                    .length,
                1,
            );
        });
    });

    describe("Redis", () => {
        it("fails over across zones, requires TLS, encrypts at rest with KMS and takes its AUTH token from Secrets Manager", () => {
            const group = one(prod, "aws:elasticache/replicationGroup:ReplicationGroup");
            assert.deepEqual(
                [
                    group.inputs.multiAzEnabled,
                    group.inputs.automaticFailoverEnabled,
                    group.inputs.transitEncryptionEnabled,
                    group.inputs.transitEncryptionMode,
                    group.inputs.atRestEncryptionEnabled,
                ],
                [true, true, true, "required", true],
            );
            assert.deepEqual(group.propertyDependencies.kmsKeyId, [resourceNamed(prod, "aws:kms/key:Key", "aws-site-data").urn]);
            // Write-only inputs: the token reaches ElastiCache and the secret, never Pulumi's state.
            assert.deepEqual(
                [group.inputs.authToken, group.inputs.authTokenWo, group.inputs.authTokenWoVersion, group.inputs.authTokenUpdateStrategy],
                [undefined, "[secret]", 1, "ROTATE"],
            );
            const version = resourceNamed(prod, "aws:secretsmanager/secretVersion:SecretVersion", "aws-redis-auth-token");
            assert.deepEqual(
                [version.inputs.secretString, version.inputs.secretStringWo, version.inputs.secretStringWoVersion],
                [undefined, "[secret]", 1],
            );
            assert.equal(group.inputs.snapshotRetentionLimit, 7);
        });

        it("lives in the isolated subnets and admits only the workloads' subnets on 6379", () => {
            const group = resourceNamed(prod, "aws:ec2/securityGroup:SecurityGroup", "aws-redis");
            assert.deepEqual(group.inputs.ingress, [
                {
                    protocol: "tcp",
                    fromPort: 6379,
                    toPort: 6379,
                    cidrBlocks: ["10.100.0.0/18", "10.100.64.0/18", "10.100.128.0/18"],
                    description: "Redis over TLS from workloads",
                },
            ]);
            const isolated = resourcesOfType(prod, "aws:ec2/subnet:Subnet")
                .filter((subnet) => subnet.name.includes("isolated"))
                .map((subnet) => subnet.urn);
            assert.deepEqual(
                [...one(prod, "aws:elasticache/subnetGroup:SubnetGroup").propertyDependencies.subnetIds].sort(),
                isolated.sort(),
            );
        });

        it("rotates the AUTH token when its version is raised: both the cluster and the secret get the new one", async () => {
            const rotated = await sharedPlan("prod-aws", { "prod-aws": { "crypto-beacon:awsRedisAuthTokenVersion": "2" } });
            assert.equal(one(rotated, "aws:elasticache/replicationGroup:ReplicationGroup").inputs.authTokenWoVersion, 2);
            assert.equal(
                resourceNamed(rotated, "aws:secretsmanager/secretVersion:SecretVersion", "aws-redis-auth-token").inputs
                    .secretStringWoVersion,
                2,
            );
        });

        it("is sized from config and protected in prod only, retained everywhere", () => {
            const group = (plan: StackPlan) => one(plan, "aws:elasticache/replicationGroup:ReplicationGroup");
            assert.deepEqual([group(dev).inputs.numCacheClusters, group(dev).inputs.nodeType], [2, "cache.t4g.micro"]);
            assert.deepEqual([group(prod).inputs.numCacheClusters, group(prod).inputs.nodeType], [3, "cache.r7g.xlarge"]);
            assert.deepEqual([group(dev).protect, group(prod).protect], [false, true]);
            assert.deepEqual([group(dev).retainOnDelete, group(prod).retainOnDelete], [true, true]);
        });
    });

    describe("registry and secrets", () => {
        it("gives each service an immutable, scanned, KMS-encrypted repository with a lifecycle, and a KMS secret", () => {
            const repositories = resourcesOfType(prod, "aws:ecr/repository:Repository");
            assert.deepEqual(repositories.map((repository) => repository.inputs.name).sort(), [
                "crypto-beacon/prod-aws/api",
                "crypto-beacon/prod-aws/market-data",
                "crypto-beacon/prod-aws/web",
                "crypto-beacon/prod-aws/worker",
            ]);
            const devNames = new Set(resourcesOfType(dev, "aws:ecr/repository:Repository").map((repository) => repository.inputs.name));
            assert.ok(
                repositories.every((repository) => !devNames.has(repository.inputs.name)),
                "two environments in one account do not collide",
            );
            for (const repository of repositories) {
                assert.equal(repository.inputs.imageTagMutability, "IMMUTABLE");
                assert.deepEqual(repository.inputs.imageScanningConfiguration, { scanOnPush: true });
                assert.equal((repository.inputs.encryptionConfigurations as { encryptionType: string }[])[0].encryptionType, "KMS");
                assert.equal(repository.protect, true);
            }
            assert.equal(resourcesOfType(prod, "aws:ecr/lifecyclePolicy:LifecyclePolicy").length, 4);
            for (const secret of resourcesOfType(prod, "aws:secretsmanager/secret:Secret")) {
                assert.ok(secret.inputs.kmsKeyId, `${secret.name} is KMS-encrypted`);
            }
        });
    });

    describe("static assets", () => {
        it("blocks every public access, encrypts with KMS, versions, logs access and allows TLS only", () => {
            const assets = prod.resources.find(
                (resource) => resource.type === "beacon:aws:SecureBucket" && resource.name === "aws-assets",
            )!;
            const child = (type: string) => prod.resources.find((resource) => resource.parent === assets.urn && resource.type === type)!;
            assert.deepEqual(
                ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].map(
                    (key) => child("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs[key],
                ),
                [true, true, true, true],
            );
            const encryption = (
                child("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules as {
                    applyServerSideEncryptionByDefault: { sseAlgorithm: string };
                }[]
            )[0];
            assert.equal(encryption.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
            assert.equal(
                (child("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration as { status: string }).status,
                "Enabled",
            );
            assert.ok(child("aws:s3/bucketLogging:BucketLogging"));
            const statements = JSON.parse(String(child("aws:s3/bucketPolicy:BucketPolicy").inputs.policy)).Statement as {
                Sid: string;
                Effect: string;
            }[];
            assert.deepEqual(
                statements.map((statement) => `${statement.Effect}:${statement.Sid}`),
                ["Deny:DenyWithoutTls", "Deny:ReadOnlyThroughTheVpcEndpoint"],
            );
            const readDeny = statements[1] as unknown as {
                Condition: { StringNotEqualsIfExists: Record<string, string>; ArnNotLike: Record<string, string[]> };
            };
            assert.match(readDeny.Condition.StringNotEqualsIfExists["aws:SourceVpce"], /^vpce-/);
            assert.deepEqual(
                readDeny.Condition.ArnNotLike["aws:PrincipalArn"],
                [
                    "arn:aws:iam::123456789012:role/aws-backup-selection-*",
                    "arn:aws:iam::123456789012:role/crypto-beacon-prod-aws-asset-export",
                ],
                "AWS Backup and the Azure site's copy job still read the objects",
            );
            assert.match(
                resourceNamed(prod, "aws:iam/role:Role", "aws-backup-selection").urn,
                /aws-backup-selection$/,
                "the role the pattern names",
            );
        });

        it("replicates to a KMS-encrypted twin in the second region", () => {
            const replication = one(prod, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
            const rule = (
                replication.inputs.rules as { destination: { encryptionConfiguration: unknown }; sourceSelectionCriteria: unknown }[]
            )[0];
            assert.deepEqual(rule.sourceSelectionCriteria, { sseKmsEncryptedObjects: { status: "Enabled" } });
            const replicaBucket = resourcesOfType(prod, "aws:s3/bucket:Bucket").find((bucket) => bucket.name === "aws-assets-replica")!;
            assert.equal(providerOf(prod, replicaBucket)?.inputs.region, "us-west-2");
            assert.equal(replicaBucket.protect, true);
        });
    });

    describe("backups", () => {
        it("runs the guide's plan: hourly kept 2 days, daily 30 days copied to the second region, monthly a year", () => {
            const rules = one(prod, "aws:backup/plan:Plan").inputs.rules as {
                ruleName: string;
                schedule: string;
                lifecycle: Record<string, number>;
                copyActions?: unknown[];
                enableContinuousBackup: boolean;
            }[];
            assert.deepEqual(
                rules.map((rule) => [rule.ruleName, rule.lifecycle.deleteAfter, rule.copyActions?.length ?? 0]),
                [
                    ["hourly", 2, 0],
                    ["daily", 30, 1],
                    ["monthly", 365, 0],
                ],
            );
            assert.equal(rules[0].schedule, "cron(0 * * * ? *)", "restore points at most an hour apart");
            assert.equal(rules[1].enableContinuousBackup, true);
            assert.ok(
                rules[2].lifecycle.deleteAfter >= rules[2].lifecycle.coldStorageAfter + 90,
                "cold storage keeps points at least 90 days",
            );
        });

        it("selects every data store of the site: the assets bucket", () => {
            const selection = one(prod, "aws:backup/selection:Selection");
            const assetsBucket = resourcesOfType(prod, "aws:s3/bucket:Bucket").find((bucket) => bucket.name === "aws-assets")!;
            assert.deepEqual(selection.propertyDependencies.resources, [assetsBucket.urn]);
        });

        it("locks the vaults in prod only, and copies to a vault in the second region", () => {
            assert.equal(resourcesOfType(prod, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").length, 2);
            assert.equal(resourcesOfType(dev, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").length, 0);
            const copyVault = resourceNamed(prod, "aws:backup/vault:Vault", "aws-backup-copy");
            assert.equal(providerOf(prod, copyVault)?.inputs.region, "us-west-2");
        });
    });

    describe("monitoring and audit", () => {
        it("keeps a multi-region CloudTrail with log-file validation, encrypted with KMS", () => {
            const trail = one(prod, "aws:cloudtrail/trail:Trail");
            assert.deepEqual(
                [trail.inputs.isMultiRegionTrail, trail.inputs.enableLogFileValidation, trail.inputs.includeGlobalServiceEvents],
                [true, true, true],
            );
            assert.deepEqual(trail.propertyDependencies.kmsKeyId, [resourceNamed(prod, "aws:kms/key:Key", "aws-site-logs").urn]);
        });

        it("alarms on origin 5xx, unhealthy targets, Redis CPU and memory and failing nodes, into a KMS topic", () => {
            const alarms = resourcesOfType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm");
            const metricOf = (alarm: (typeof alarms)[number]) =>
                alarm.inputs.metricName ?? (alarm.inputs.metricQueries as { metric?: { metricName: string } }[])[0].metric!.metricName;
            assert.deepEqual(alarms.map(metricOf).sort(), [
                "DatabaseMemoryUsagePercentage",
                "EngineCPUUtilization",
                "HTTPCode_ELB_5XX_Count",
                "HTTPCode_Target_5XX_Count",
                "StatusCheckFailed",
                "UnHealthyHostCount",
            ]);
            const topic = one(prod, "aws:sns/topic:Topic");
            assert.ok(topic.inputs.kmsMasterKeyId);
            for (const alarm of alarms) {
                assert.deepEqual(alarm.propertyDependencies.alarmActions, [topic.urn], String(alarm.inputs.metricName));
            }
            assert.equal(one(prod, "aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "platform-oncall@example.com");
            assert.equal(resourcesOfType(dev, "aws:sns/topicSubscription:TopicSubscription").length, 0, "dev subscribes nobody");
        });
    });

    describe("fixes a real deploy depends on", () => {
        it("admits every load balancer's access-log prefix in the log bucket's policy, as ELB requires", () => {
            const policy = JSON.parse(
                String(resourceNamed(prod, "aws:s3/bucketPolicy:BucketPolicy", "aws-site-access-logs").inputs.policy),
            ) as { Statement: { Sid: string; Resource: string | string[] }[] };
            const admitted = [policy.Statement.find((statement) => statement.Sid === "LoadBalancerAccessLogs")!.Resource].flat();
            const loadBalancers = resourcesOfType(prod, "aws:lb/loadBalancer:LoadBalancer");
            assert.ok(loadBalancers.length >= 1);
            for (const loadBalancer of loadBalancers) {
                const { prefix } = loadBalancer.inputs.accessLogs as { prefix: string };
                assert.ok(
                    admitted.some((resource) => resource.endsWith(`/${prefix}/AWSLogs/123456789012/*`)),
                    `${loadBalancer.name} writes under ${prefix}/, which the policy admits`,
                );
            }
        });

        it("lets CloudWatch Logs use the log key only for this account's log groups, by the documented encryption context", () => {
            const statements = JSON.parse(String(resourceNamed(prod, "aws:kms/key:Key", "aws-site-logs").inputs.policy)).Statement as {
                Sid: string;
                Principal: { Service?: string };
                Condition?: Record<string, Record<string, string>>;
            }[];
            const logs = statements.find((statement) => statement.Principal.Service === "logs.us-east-1.amazonaws.com")!;
            assert.deepEqual(logs.Condition, {
                ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" },
            });
        });

        it("encrypts node root volumes with the site's data key, which Auto Scaling's service-linked role may use", () => {
            const template = resourceNamed(prod, "aws:ec2/launchTemplate:LaunchTemplate", "aws-site-nodes");
            assert.deepEqual(template.propertyDependencies.blockDeviceMappings, [
                resourceNamed(prod, "aws:kms/key:Key", "aws-site-data").urn,
            ]);
            const statements = JSON.parse(String(resourceNamed(prod, "aws:kms/key:Key", "aws-site-data").inputs.policy)).Statement as {
                Sid: string;
                Condition?: Record<string, Record<string, string>>;
            }[];
            const autoScaling = statements.filter(
                (statement) =>
                    statement.Condition?.ArnEquals?.["aws:PrincipalArn"] ===
                    "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
            );
            assert.deepEqual(
                autoScaling.map((statement) => statement.Sid),
                ["AutoScalingEncryptsNodeVolumes", "AutoScalingAttachesNodeVolumes"],
            );
            for (const statement of autoScaling) {
                assert.deepEqual(
                    statement.Condition!.StringEquals,
                    { "kms:CallerAccount": "123456789012", "kms:ViaService": "ec2.us-east-1.amazonaws.com" },
                    "only this account, only through EC2",
                );
            }
        });

        it("logs access to the CloudTrail bucket into the access-log bucket", () => {
            const trailBucket = prod.resources.find(
                (resource) => resource.type === "beacon:aws:SecureBucket" && resource.name === "aws-monitoring-trail",
            )!;
            const logging = resourcesOfType(prod, "aws:s3/bucketLogging:BucketLogging").find(
                (resource) => resource.parent === trailBucket.urn,
            );
            assert.ok(logging, "the trail bucket has access logging");
            assert.deepEqual(logging.propertyDependencies.targetBucket, [
                resourcesOfType(prod, "aws:s3/bucket:Bucket").find((bucket) => bucket.name === "aws-site-access-logs")!.urn,
            ]);
        });

        it("enforces NetworkPolicies: the VPC CNI runs its network policy agent", () => {
            const cni = resourcesOfType(prod, "aws:eks/addon:Addon").find((addon) => addon.inputs.addonName === "vpc-cni")!;
            assert.deepEqual(JSON.parse(String(cni.inputs.configurationValues)), { enableNetworkPolicy: "true" });
            assert.deepEqual(one(prod, "aws:eks/cluster:Cluster").inputs.kubernetesNetworkConfig, { serviceIpv4Cidr: EKS_SERVICE_CIDR });
        });

        it("runs metrics-server for the autoscalers and Cluster Autoscaler for the node group, pinned, with explicit requests", () => {
            const release = (name: string) =>
                resourcesOfType(prod, "kubernetes:helm.sh/v3:Release").find((candidate) => candidate.inputs.name === name)!;
            const metrics = release("metrics-server");
            assert.deepEqual(
                [metrics.inputs.chart, metrics.inputs.version, metrics.inputs.namespace],
                [METRICS_SERVER_CHART.chart, METRICS_SERVER_CHART.version, "kube-system"],
            );
            assert.deepEqual((metrics.inputs.values as any).resources.requests, METRICS_SERVER_CHART.requests);
            const autoscaler = release("cluster-autoscaler");
            const values = autoscaler.inputs.values as any;
            assert.deepEqual(
                [autoscaler.inputs.version, values.autoDiscovery.clusterName, values.image.tag],
                [CLUSTER_AUTOSCALER_CHART.version, one(prod, "aws:eks/cluster:Cluster").inputs.name, "v1.33.1"],
            );
            assert.deepEqual(values.resources.requests, CLUSTER_AUTOSCALER_CHART.requests);
            const role = resourceNamed(prod, "aws:iam/role:Role", "aws-site-autoscaler");
            assert.ok(autoscaler.propertyDependencies.values.includes(role.urn), "its ServiceAccount is bound to its own role");
            assert.match(String(role.inputs.assumeRolePolicy), /system:serviceaccount:kube-system:cluster-autoscaler/);
            const resize = JSON.parse(String(resourceNamed(prod, "aws:iam/rolePolicy:RolePolicy", "aws-site-autoscaler").inputs.policy))
                .Statement[1];
            assert.deepEqual(
                resize.Condition,
                { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/aws-site-prod-aws": "owned" } },
                "resizes only this cluster's groups",
            );
        });

        it("gives the break-glass role cluster-admin through an access entry", () => {
            const entry = resourceNamed(prod, "aws:eks/accessEntry:AccessEntry", "aws-site-break-glass");
            assert.equal(entry.inputs.principalArn, "arn:aws:iam::123456789012:role/crypto-beacon-break-glass");
            const association = resourceNamed(prod, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "aws-site-break-glass");
            assert.deepEqual(
                [association.inputs.policyArn, association.inputs.accessScope],
                ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
            );
        });

        it("lets only the web tier read the assets, and every service read its own secret and the Redis AUTH token", () => {
            const redisSecret = resourceNamed(prod, "aws:secretsmanager/secret:Secret", "aws-redis-auth-token").urn;
            const assetsBucket = resourcesOfType(prod, "aws:s3/bucket:Bucket").find((bucket) => bucket.name === "aws-assets")!.urn;
            for (const service of ["web", "api", "market-data", "worker"]) {
                const policy = resourceNamed(prod, "aws:iam/rolePolicy:RolePolicy", `aws-workloads-${service}`);
                const statements = JSON.parse(String(policy.inputs.policy)).Statement as {
                    Sid: string;
                    Action: string | string[];
                    Resource: string | string[];
                    Condition?: any;
                }[];
                assert.ok(policy.propertyDependencies.policy.includes(redisSecret), `${service} reads the Redis AUTH token`);
                const readsAssets = statements.find((statement) => statement.Sid === "ReadAssets");
                assert.equal(Boolean(readsAssets), service === "web", `${service} reads the assets`);
                const decrypt = statements.find((statement) => statement.Action === "kms:Decrypt")!;
                assert.equal(decrypt.Condition.StringEquals["kms:ViaService"].includes("s3.us-east-1.amazonaws.com"), service === "web");
                if (readsAssets) {
                    assert.deepEqual(readsAssets.Action, ["s3:GetObject"], "the web serves current objects, never old versions");
                    assert.ok(policy.propertyDependencies.policy.includes(assetsBucket));
                }
            }
        });

        it("denies reading any object version of the assets outside the S3 endpoint", () => {
            const statements = JSON.parse(String(resourceNamed(prod, "aws:s3/bucketPolicy:BucketPolicy", "aws-assets").inputs.policy))
                .Statement as { Sid: string; Action: string[] }[];
            assert.deepEqual(statements.find((statement) => statement.Sid === "ReadOnlyThroughTheVpcEndpoint")!.Action, [
                "s3:GetObject",
                "s3:GetObjectVersion",
            ]);
        });

        it("mounts each service's secret and the Redis AUTH token under file names, not ARNs", () => {
            for (const providerClass of resourcesOfType(prod, "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass")) {
                const objects = String((providerClass.inputs.spec as { parameters: { objects: string } }).parameters.objects);
                assert.deepEqual(
                    [...objects.matchAll(/objectAlias: "([^"]+)"/g)].map((match) => match[1]),
                    [SECRET_FILES.runtime, SECRET_FILES.redisAuthToken],
                );
                assert.equal([...objects.matchAll(/objectName: "arn:aws:secretsmanager:/g)].length, 2);
            }
        });

        it("makes the Redis alarms follow the primary: the worst of every node", () => {
            for (const name of ["aws-monitoring-redis-cpu", "aws-monitoring-redis-memory"]) {
                const queries = resourceNamed(prod, "aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs.metricQueries as {
                    id: string;
                    expression?: string;
                    metric?: { dimensions: { CacheClusterId: string } };
                }[];
                const nodes = queries.filter((query) => query.metric).map((query) => query.metric!.dimensions.CacheClusterId);
                assert.equal(nodes.length, 3, "one query per node of the prod group");
                assert.deepEqual(
                    nodes.map((node) => node.slice(-4)),
                    ["-001", "-002", "-003"],
                );
                assert.equal(queries.at(-1)!.expression, "MAX([node0, node1, node2])");
            }
        });
    });

    describe("origin lock", () => {
        it("verifies client certificates against this zone's origin-pull CA (mutual TLS, verify mode)", () => {
            const https = resourceNamed(prod, "aws:lb/listener:Listener", "aws-origin-https");
            const trustStore = one(prod, "aws:lb/trustStore:TrustStore");
            assert.deepEqual(https.inputs.mutualAuthentication, {
                mode: "verify",
                trustStoreArn: (https.inputs.mutualAuthentication as { trustStoreArn: string }).trustStoreArn,
                ignoreClientCertificateExpiry: false,
            });
            assert.deepEqual(https.propertyDependencies.mutualAuthentication, [trustStore.urn]);
        });

        it("keeps the CA bundle as an object in a private, KMS-encrypted bucket, from stack config", () => {
            const bundle = one(prod, "aws:s3/bucketObjectv2:BucketObjectv2");
            assert.match(String(bundle.inputs.content), /^\s*-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\s*$/);
            const trustStore = one(prod, "aws:lb/trustStore:TrustStore");
            assert.deepEqual(trustStore.propertyDependencies.caCertificatesBundleS3Key, [bundle.urn]);
            const bucket = prod.resources.find(
                (resource) => resource.type === "beacon:aws:SecureBucket" && resource.name === "aws-origin-trust-store",
            )!;
            const encryption = prod.resources.find(
                (resource) =>
                    resource.parent === bucket.urn &&
                    resource.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            )!;
            assert.equal(
                (encryption.inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[])[0]
                    .applyServerSideEncryptionByDefault.sseAlgorithm,
                "aws:kms",
            );
            assert.ok(
                prod.resources.some(
                    (resource) =>
                        resource.parent === bucket.urn && resource.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                ),
            );
        });
    });

    describe("wiring", () => {
        it("parents every AWS resource under a beacon component and gives it the primary or replica provider", () => {
            const providerNames = new Set(["aws-primary", "aws-replica"]);
            for (const resource of prod.resources.filter((candidate) => candidate.type.startsWith("aws:"))) {
                assert.match(parentOf(prod, resource)?.type ?? "", /^beacon:aws:/, resource.urn);
                assert.ok(providerNames.has(providerOf(prod, resource)?.name ?? ""), resource.urn);
            }
        });

        it("exports what the edge and the drills need", () => {
            const aws = prod.outputs.aws as { origin: Record<string, unknown>; kubernetes: Record<string, unknown> };
            assert.equal(aws.origin.hostname, "aws-origin.trade.example.com");
            assert.equal(aws.origin.healthCheckPath, "/healthz");
            assert.equal(aws.origin.siteHeader, SITE_HEADER);
            assert.match(String(aws.origin.loadBalancerDnsName), /\.us-east-1\.elb\.amazonaws\.com$/);
            assert.deepEqual(Object.keys(aws.kubernetes).sort(), ["certificateAuthority", "clusterName", "endpoint"]);
        });
    });

    describe("bad component arguments throw an error naming the argument", () => {
        before(async () => {
            await pulumi.runtime.setMocks({
                newResource: () => assert.fail("nothing registers when the arguments are bad"),
                call: () => assert.fail("nothing is invoked when the arguments are bad"),
            });
        });
        const key = "arn:aws:kms:us-east-1:123456789012:key/x";
        const origin = {
            vpcId: "v",
            vpcCidr: "10.0.0.0/16",
            publicSubnetIds: ["a", "b"],
            hostname: "h.example.com",
            certificatePem: "c",
            privateKeyPem: "k",
            clientCaCertificatePem: "ca",
            kmsKeyArn: key,
            accessLogPrefix: "alb",
            rateLimitPer5Min: 2000,
            accessLogBucket: "b",
            logsKmsKeyArn: key,
            logRetentionDays: 365,
            targetNodePort: 30080,
        };
        const eks = {
            privateSubnetIds: ["a", "b"],
            version: "1.33",
            nodeInstanceTypes: ["m6i.large"],
            nodeMinSize: 2,
            nodeDesiredSize: 2,
            nodeMaxSize: 4,
            dataKmsKeyArn: key,
            logsKmsKeyArn: key,
            logRetentionDays: 365,
        };
        const cases: [string, () => unknown, RegExp][] = [
            [
                "EksCluster nodeMinSize above nodeMaxSize",
                () => new EksCluster("c", { ...eks, nodeMinSize: 5 }),
                /EksCluster c: nodeMinSize 5 is above nodeMaxSize 4/,
            ],
            [
                "EksCluster nodeDesiredSize outside its bounds",
                () => new EksCluster("c", { ...eks, nodeDesiredSize: 9 }),
                /nodeDesiredSize 9 must be from nodeMinSize \(2\) to nodeMaxSize \(4\)/,
            ],
            [
                "EksCluster publicAccessCidrs of the whole internet",
                () => new EksCluster("c", { ...eks, publicAccessCidrs: ["0.0.0.0/0"] }),
                /publicAccessCidrs entry "0\.0\.0\.0\/0"/,
            ],
            [
                "EksCluster one subnet",
                () => new EksCluster("c", { ...eks, privateSubnetIds: ["a"] }),
                /privateSubnetIds needs subnets in at least 2 zones/,
            ],
            [
                "AwsOrigin a rate limit under the WAF minimum",
                () => new AwsOrigin("o", { ...origin, rateLimitPer5Min: 50 }),
                /AwsOrigin o: rateLimitPer5Min 50/,
            ],
            [
                "AwsOrigin one public subnet, where an ALB needs two zones",
                () => new AwsOrigin("o", { ...origin, publicSubnetIds: ["a"] }),
                /AwsOrigin o: publicSubnetIds has 1; an Application Load Balancer needs subnets in at least two availability zones/,
            ],
            [
                "AwsOrigin a target port outside the node-port range",
                () => new AwsOrigin("o", { ...origin, targetNodePort: 8080 }),
                /AwsOrigin o: targetNodePort 8080 must be in the node-port range 30000-32767/,
            ],
            [
                "AwsRedis a single node",
                () =>
                    new AwsRedis("r", {
                        vpcId: "v",
                        subnetIds: [],
                        clientCidrs: ["10.0.0.0/18"],
                        nodeType: "cache.t4g.micro",
                        nodeCount: 1,
                        snapshotRetentionDays: 7,
                        authTokenVersion: 1,
                        kmsKeyArn: key,
                        protect: false,
                    }),
                /AwsRedis r: nodeCount 1 must be from 2 to 6/,
            ],
            [
                "AwsRedis open to the internet",
                () =>
                    new AwsRedis("r", {
                        vpcId: "v",
                        subnetIds: [],
                        clientCidrs: ["0.0.0.0/0"],
                        nodeType: "cache.t4g.micro",
                        nodeCount: 2,
                        snapshotRetentionDays: 7,
                        authTokenVersion: 1,
                        kmsKeyArn: key,
                        protect: false,
                    }),
                /clientCidrs must list the client networks, never 0\.0\.0\.0\/0/,
            ],
            [
                "AwsRegistry a service name that is not kebab-case",
                () => new AwsRegistry("g", { services: ["Market Data"], kmsKeyArn: key, protect: false }),
                /AwsRegistry g: services must be kebab-case/,
            ],
            [
                "AwsBackup cold storage kept under 90 days",
                () =>
                    new AwsBackup("b", {
                        kmsKeyArn: key,
                        replicaProvider: undefined as never,
                        replicaKmsKeyArn: key,
                        resourceArns: [],
                        lockVault: false,
                        protect: false,
                        rules: [{ ...BACKUP_RULES[2], deleteAfterDays: 120 }],
                    }),
                /rule monthly deleteAfterDays 120 must be at least coldStorageAfterDays \+ 90 \(180\)/,
            ],
            [
                "SecureBucket noncurrent versions kept 0 days",
                () => new SecureBucket("s", { encryption: key, noncurrentVersionDays: 0, protect: false }),
                /SecureBucket s: noncurrentVersionDays 0/,
            ],
            [
                "AwsMonitoring audit logs kept under a year",
                () =>
                    new AwsMonitoring("m", {
                        logsKmsKeyArn: key,
                        auditRetentionDays: 30,
                        alarmEmail: "",
                        loadBalancerArnSuffix: "x",
                        targetGroupArnSuffix: "x",
                        accessLogBucket: "b",
                        redisMemberClusterIds: ["x-001"],
                        nodeAutoScalingGroupName: "x",
                        protect: false,
                    }),
                /AwsMonitoring m: auditRetentionDays 30 must be at least 365/,
            ],
        ];
        for (const [what, construct, message] of cases) {
            it(what, () => assert.throws(construct, message));
        }
    });
});
