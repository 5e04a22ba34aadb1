import * as pulumi from "@pulumi/pulumi";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { AwsStaticAssets } from "../../components/aws/assets";
import { AwsAssetExport, assetExportRoleArn } from "../../components/aws/assetExport";
import { AwsBackup, backupRoleArnPattern } from "../../components/aws/backup";
import { AwsDatabaseEndpoint } from "../../components/aws/databaseEndpoint";
import { AwsDeployRunner } from "../../components/aws/deployRunner";
import { awsScope } from "../../components/aws/identity";
import { EksCluster } from "../../components/aws/eks";
import { KUBERNETES_API_SERVICE_CIDR } from "../../model/addressing";
import { AwsKeys } from "../../components/aws/keys";
import { AwsLogBucket } from "../../components/aws/logBucket";
import { AwsMonitoring } from "../../components/aws/monitoring";
import { AwsNetwork } from "../../components/aws/network";
import { AwsOrigin } from "../../components/aws/origin";
import { AwsRedis } from "../../components/aws/redis";
import { AwsRegistry } from "../../components/aws/registry";
import { AwsWorkloadAccess, secretsManagerObjects } from "../../components/aws/workloadAccess";
import { ASSET_SYNC_SUBJECT, type AssetSource } from "../../components/azure/assetSync";
import { SECRET_FILES } from "../../components/kubernetes/hubService";
import { GATEWAY_PORT, HUB_NAMESPACE, HubWorkloads } from "../../components/kubernetes/hubWorkloads";
import { type Provider as AtlasProvider } from "@pulumi/mongodbatlas/provider";
import { PROJECT, serviceSecretValues, type AwsSiteSettings } from "../config/schema";
import { HUB_SERVICES, hubServiceSpecs } from "../services";
import { GATEWAY_NODE_PORT, hubGatewaySize, hubRelease } from "../workloads";
import { type AwsSiteOutputs, type SiteIdentity } from "../../model/contracts";
import { DATABASE_PORTS, PORTS } from "../../model/intent";
import { type Exported } from "../outputs";
import { SITE_HEADER } from "../siteIdentity";
import { resourceTags } from "../tags";

const ASSET_EXPORT = "aws-asset-export";
/** Where each load balancer writes its access logs in the log bucket, whose policy admits exactly these. */
const LOAD_BALANCER_LOG_PREFIXES = { origin: "alb" } as const;
/** The services that serve the static assets from the assets bucket. */
const ASSET_READERS = ["web"] as const;

/**
 * The AWS primary site: load balancer -> in-cluster gateway -> web tier and services on EKS, with
 * Redis, registries and secrets, static assets replicated to the second region, backups,
 * monitoring and audit. Data stores are protected in prod and kept if the stack is destroyed.
 */
export function deployAwsSite(config: AwsSiteSettings, atlas: AtlasProvider, options: { runnerReachesAks?: boolean } = {}) {
    const defaultTags = { tags: resourceTags(config) };
    const primary = new AwsProvider("aws-primary", { region: config.awsRegion, defaultTags });
    // Replicas and backup copies go through this one.
    const replica = new AwsProvider("aws-replica", { region: config.awsReplicaRegion, defaultTags });
    const prod = config.environment === "prod";
    const retention = config.awsLogRetentionDays;

    const keys = new AwsKeys("aws-site", {}, { provider: primary });
    // Named, so that the Azure site can be pointed at it before it exists (docs/azure-site.md).
    const exportRoleName = `${PROJECT}-${pulumi.getStack()}-asset-export`;
    const assetExportRole = { name: exportRoleName, arn: assetExportRoleArn(exportRoleName, awsScope(keys)) };
    const replicaKeys = new AwsKeys("aws-replica", {}, { provider: replica });

    const network = new AwsNetwork(
        "aws-site",
        {
            cidrBlock: config.awsVpcCidr,
            zoneCount: config.awsZoneCount,
            natGatewayCount: config.awsNatGatewayCount,
            flowLogRetentionDays: retention,
            logsKmsKeyArn: keys.logsKeyArn,
        },
        { provider: primary },
    );

    const logBucket = new AwsLogBucket(
        "aws-site-access-logs",
        { retentionDays: Math.max(retention, 90), loadBalancerLogPrefixes: Object.values(LOAD_BALANCER_LOG_PREFIXES), protect: prod },
        { provider: primary },
    );

    const cluster = new EksCluster(
        "aws-site",
        {
            privateSubnetIds: network.privateSubnetIds,
            version: config.awsEksVersion,
            publicAccessCidrs: config.awsEksPublicAccessCidrs,
            nodeInstanceTypes: config.awsNodeInstanceTypes,
            nodeMinSize: config.awsNodeMinSize,
            nodeDesiredSize: config.awsNodeDesiredSize,
            nodeMaxSize: config.awsNodeMaxSize,
            dataKmsKeyArn: keys.dataKeyArn,
            logsKmsKeyArn: keys.logsKeyArn,
            logRetentionDays: retention,
            installClusterAddOns: config.deployStage === "workloads",
            accessEntries: [
                ...(config.awsEksBreakGlassRoleArn
                    ? [
                          {
                              name: "break-glass",
                              principalArn: config.awsEksBreakGlassRoleArn,
                              accessPolicy: "AmazonEKSClusterAdminPolicy" as const,
                          },
                      ]
                    : []),
                // The preview jobs' role reads what their refresh and diff need, and changes nothing.
                ...(config.awsPreviewRoleArn
                    ? [{ name: "preview", principalArn: config.awsPreviewRoleArn, accessPolicy: "AmazonEKSAdminViewPolicy" as const }]
                    : []),
            ],
        },
        { provider: primary },
    );

    // Deploys this site's Kubernetes parts from inside the VPC (docs/runbooks/new-stack.md).
    if (config.deployRunnerGithubUrl) {
        new AwsDeployRunner(
            "aws-deploy-runner",
            {
                vpcId: network.vpcId,
                privateSubnetIds: network.privateSubnetIds,
                githubUrl: config.deployRunnerGithubUrl,
                labels: [pulumi.getStack()],
                clusterName: cluster.clusterName,
                clusterSecurityGroupId: cluster.nodeSecurityGroupId,
                kmsKeyArn: keys.dataKeyArn,
                instanceType: config.awsDeployRunnerInstanceType,
                runnerCount: config.deployRunnerCount,
                installAzureCli: options.runnerReachesAks ?? false,
                protect: prod,
            },
            { provider: primary },
        );
    }

    const origin = new AwsOrigin(
        "aws-origin",
        {
            vpcId: network.vpcId,
            vpcCidr: config.awsVpcCidr,
            publicSubnetIds: network.publicSubnetIds,
            hostname: config.awsOriginHostname,
            certificatePem: pulumi.secret(config.awsOriginTlsCertificate),
            privateKeyPem: pulumi.secret(config.awsOriginTlsPrivateKey),
            clientCaCertificatePem: config.awsOriginPullCaCertificate,
            kmsKeyArn: keys.dataKeyArn,
            rateLimitPer5Min: config.awsWafRateLimit,
            accessLogBucket: logBucket.bucketName,
            accessLogPrefix: LOAD_BALANCER_LOG_PREFIXES.origin,
            logsKmsKeyArn: keys.logsKeyArn,
            logRetentionDays: retention,
            targetNodePort: GATEWAY_NODE_PORT,
            deletionProtection: prod,
        },
        { provider: primary, dependsOn: logBucket.ready },
    );

    const redis = new AwsRedis(
        "aws-redis",
        {
            vpcId: network.vpcId,
            subnetIds: network.isolatedSubnetIds,
            clientCidrs: network.privateSubnetCidrs,
            nodeType: config.awsRedisNodeType,
            nodeCount: config.awsRedisNodeCount,
            snapshotRetentionDays: config.awsRedisSnapshotRetentionDays,
            authTokenVersion: config.awsRedisAuthTokenVersion,
            kmsKeyArn: keys.dataKeyArn,
            protect: prod,
        },
        { provider: primary },
    );

    new AwsDatabaseEndpoint(
        "aws-database",
        {
            atlasProjectId: config.atlasProjectId,
            atlasProvider: atlas,
            region: config.awsRegion,
            vpcId: network.vpcId,
            subnetIds: network.privateSubnetIds,
            clientCidrs: network.privateSubnetCidrs,
        },
        { provider: primary },
    );

    const registry = new AwsRegistry(
        "aws-registry",
        {
            services: HUB_SERVICES,
            kmsKeyArn: keys.dataKeyArn,
            protect: prod,
            // Day 0 writes them with the secret stores: the workloads find them in place.
            secretValues: { values: serviceSecretValues(config), version: config.serviceSecretsVersion },
        },
        { provider: primary },
    );

    const assets = new AwsStaticAssets(
        "aws-assets",
        {
            kmsKeyArn: keys.dataKeyArn,
            replicaProvider: replica,
            replicaKmsKeyArn: replicaKeys.dataKeyArn,
            accessLogBucket: logBucket.bucketName,
            readThroughVpcEndpointId: network.s3EndpointId,
            // AWS Backup reads the objects as its own role, from AWS's side of the endpoint; the Azure
            // site's copy job as the export role, from Azure (a pattern of a role that may not exist).
            outsideReaderRoleArnPatterns: [backupRoleArnPattern("aws-backup", awsScope(keys)), assetExportRole.arn],
            protect: prod,
        },
        { provider: primary },
    );

    // Day 0 (deployStage: foundation) stops short of the cluster's API: the runner deploys these.
    let workloads: HubWorkloads | undefined;
    if (config.deployStage === "workloads") {
        const access = new AwsWorkloadAccess(
            "aws-workloads",
            {
                oidcProviderArn: cluster.oidcProviderArn,
                oidcIssuer: cluster.oidcIssuer,
                namespace: HUB_NAMESPACE,
                secretArns: registry.secretArns,
                sharedSecretArns: [redis.authTokenSecretArn],
                assetsBucketArn: assets.bucketArn,
                assetReaderServices: ASSET_READERS,
                kmsKeyArn: keys.dataKeyArn,
                region: config.awsRegion,
                kubernetesProvider: cluster.kubernetesProvider,
                targetGroupArn: origin.targetGroupArn,
                loadBalancerSecurityGroupId: origin.securityGroupId,
                nodeSecurityGroupId: cluster.nodeSecurityGroupId,
                nodeAutoScalingGroupName: cluster.autoScalingGroupName,
                gatewayNodePort: GATEWAY_NODE_PORT,
            },
            { provider: primary },
        );
        workloads = new HubWorkloads(
            "aws-hub",
            {
                site: "aws",
                hostname: config.awsOriginHostname,
                siteHeader: SITE_HEADER,
                services: hubServiceSpecs(config.environment),
                binding: (service) => ({
                    serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": access.roleArns[service] },
                    podLabels: {},
                    secretProvider: {
                        provider: "aws",
                        parameters: {
                            region: config.awsRegion,
                            objects: secretsManagerObjects([
                                { arn: registry.secretArns[service], fileName: SECRET_FILES.runtime },
                                { arn: redis.authTokenSecretArn, fileName: SECRET_FILES.redisAuthToken },
                            ]),
                        },
                    },
                    imageRepository: registry.repositoryUrls[service],
                }),
                release: hubRelease(config),
                capacity: "active",
                exposure: { type: "NodePort", nodePort: GATEWAY_NODE_PORT },
                healthCheck: { path: origin.healthCheckPath, service: "web" },
                gateway: hubGatewaySize(config.environment),
                networks: {
                    loadBalancerCidrs: network.publicSubnetCidrs,
                    privateCidr: config.awsVpcCidr,
                    apiServerServiceCidr: KUBERNETES_API_SERVICE_CIDR,
                    objectStore: { cidrs: network.s3EndpointCidrBlocks, services: ASSET_READERS },
                    // Redis, and the Atlas endpoint, which maps each database node to a port from 1024 up.
                    dataPorts: [{ port: PORTS.awsRedis }, { port: DATABASE_PORTS.from, endPort: DATABASE_PORTS.to }],
                    publicHttpsEgress: false,
                },
            },
            { provider: cluster.kubernetesProvider, dependsOn: [access] },
        );
    }

    // Redis is a cache each site rebuilds; the database is backed up by Atlas.
    const backedUp = [assets.bucketArn];
    const backups = new AwsBackup(
        "aws-backup",
        {
            kmsKeyArn: keys.dataKeyArn,
            replicaProvider: replica,
            replicaKmsKeyArn: replicaKeys.dataKeyArn,
            resourceArns: backedUp,
            lockVault: prod,
            protect: prod,
        },
        { provider: primary },
    );

    const monitoring = new AwsMonitoring(
        "aws-monitoring",
        {
            logsKmsKeyArn: keys.logsKeyArn,
            accessLogBucket: logBucket.bucketName,
            auditRetentionDays: Math.max(retention, 365),
            alarmEmail: config.awsAlarmEmail,
            loadBalancerArnSuffix: origin.loadBalancerArnSuffix,
            targetGroupArnSuffix: origin.targetGroupArnSuffix,
            redisMemberClusterIds: redis.memberClusterIds,
            nodeAutoScalingGroupName: cluster.autoScalingGroupName,
            protect: prod,
        },
        { provider: primary },
    );

    const identity: SiteIdentity = {
        role: "aws-site",
        environment: config.environment,
        addressSpace: config.awsVpcCidr,
        capacity: "active",
        originHostname: config.awsOriginHostname,
        healthPath: origin.healthCheckPath,
    };
    return {
        identity,
        originAddress: origin.dnsName,
        assets: {
            bucketName: assets.bucketName,
            bucketArn: assets.bucketArn,
            kmsKeyArn: keys.dataKeyArn,
            region: config.awsRegion,
            exportRole: assetExportRole,
        },
        /** Where the Azure site's copy job reads the assets, as the role it will assume. */
        assetSource: { bucket: assets.bucketName, region: config.awsRegion, roleArn: assetExportRole.arn } satisfies AssetSource,
        providers: { primary, replica },
        network,
        cluster,
        outputs: {
            region: config.awsRegion,
            replicaRegion: config.awsReplicaRegion,
            vpcId: network.vpcId,
            publicSubnetIds: network.publicSubnetIds,
            privateSubnetIds: network.privateSubnetIds,
            isolatedSubnetIds: network.isolatedSubnetIds,
            flowLogGroupName: network.flowLogGroupName,
            origin: {
                hostname: config.awsOriginHostname,
                loadBalancerDnsName: origin.dnsName,
                healthCheckPath: origin.healthCheckPath,
                siteHeader: SITE_HEADER,
            },
            kubernetes: {
                clusterName: cluster.clusterName,
                endpoint: cluster.endpoint,
                certificateAuthority: cluster.certificateAuthority,
            },
            // Absent, not undefined, before the workloads exist (day 0): Pulumi warns about undefined outputs.
            ...(workloads
                ? { workloads: { gatewayPort: GATEWAY_PORT, gatewayNodePort: GATEWAY_NODE_PORT, routeWeights: workloads.routeWeights } }
                : {}),
            redisEndpoint: redis.primaryEndpoint,
            redisAuthTokenSecretArn: redis.authTokenSecretArn,
            repositoryUrls: registry.repositoryUrls,
            assetsBucket: assets.bucketName,
            assetsReplicaBucket: assets.replicaBucketName,
            backupVault: backups.vaultName,
            /** What the pre-deploy backup starts jobs for (.github/actions/predeploy-backup). */
            backup: { vaultName: backups.vaultName, roleArn: backups.roleArn, resourceArns: backedUp },
            alarmTopicArn: monitoring.alarmTopicArn,
        } satisfies Exported<AwsSiteOutputs>,
    };
}

/** Lets the Azure site's asset copy job, signed in through its cluster's OIDC issuer, read the assets bucket. */
export function exportAssets(aws: ReturnType<typeof deployAwsSite>, issuerUrl: pulumi.Input<string>): AwsAssetExport {
    return new AwsAssetExport(
        ASSET_EXPORT,
        {
            roleName: aws.assets.exportRole.name,
            issuerUrl,
            subject: ASSET_SYNC_SUBJECT,
            bucketArn: aws.assets.bucketArn,
            kmsKeyArn: aws.assets.kmsKeyArn,
            region: aws.assets.region,
        },
        { provider: aws.providers.primary },
    );
}
