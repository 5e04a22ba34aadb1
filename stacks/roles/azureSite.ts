import * as pulumi from "@pulumi/pulumi";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { type Provider as AtlasProvider } from "@pulumi/mongodbatlas/provider";
import { AksCluster } from "../../components/azure/aks";
import { AzureAlerts } from "../../components/azure/alerts";
import { AzureAssetSync, type AssetSource } from "../../components/azure/assetSync";
import { AzureBackup } from "../../components/azure/backup";
import { AzureDatabaseEndpoint } from "../../components/azure/databaseEndpoint";
import { AzureDeployRunner, AzureRunnerEgress } from "../../components/azure/deployRunner";
import { AzureKeyVault } from "../../components/azure/keyVault";
import { AzureLogs, diagnosticsToWorkspace } from "../../components/azure/logs";
import { AzureNetwork, parseNetworkWatcherId } from "../../components/azure/network";
import { AzureOrigin } from "../../components/azure/origin";
import { privateEndpoint } from "../../components/azure/privateEndpoint";
import { AzureRedis } from "../../components/azure/redis";
import { AzureRegistry } from "../../components/azure/registry";
import { SecureStorageAccount } from "../../components/azure/storage";
import { AzureWorkloadAccess, serviceSecretName } from "../../components/azure/workloadAccess";
import { GATEWAY_PORT, HUB_NAMESPACE, HubWorkloads } from "../../components/kubernetes/hubWorkloads";
import { CLOUDFLARE_IPV4_RANGES } from "../../components/cloudflare/ipRanges";
import { AZURE_SUBNETS, azureIngressAddress } from "../../model/addressing";
import { serviceSecretValues, type AzureSiteSettings } from "../config/schema";
import { type AzureSiteOutputs, type SiteIdentity } from "../../model/contracts";
import { DATABASE_PORTS, PORTS } from "../../model/intent";
import { type Exported } from "../outputs";
import { SITE_HEADER } from "../siteIdentity";
import { HUB_SERVICES, hubServiceSpecs } from "../services";
import { resourceTags } from "../tags";
import { hubGatewaySize, hubRelease } from "../workloads";

const ASSETS_CONTAINER = "assets";

/** Capacity of the Azure site in each mode: standby is cheap, active matches the primary's prod. */
export function azureCapacity(config: AzureSiteSettings) {
    const active = config.azureCapacity === "active";
    return {
        mode: config.azureCapacity,
        userNodeMinCount: active ? config.azureActiveNodeMinCount : config.azureStandbyNodeMinCount,
        userNodeMaxCount: active ? config.azureActiveNodeMaxCount : config.azureStandbyNodeMaxCount,
        gatewayMinCapacity: active ? 2 : 1,
        gatewayMaxCapacity: active ? 10 : 2,
    };
}

/**
 * The Azure backup site: a warm standby that can take all traffic. AKS behind an Application
 * Gateway WAF that only Cloudflare reaches, Managed Redis, Key Vault, a registry and storage
 * reached through private endpoints, backups, logs and alerts. Its capacity follows
 * `azureCapacity`: one config change turns standby into active.
 */
export function deployAzureSite(config: AzureSiteSettings, atlas: AtlasProvider, options: { vpnGatewaySubnet?: boolean } = {}) {
    const tags = resourceTags(config);
    const prod = config.environment === "prod";
    const capacity = azureCapacity(config);
    const provider = new AzureProvider("azure", { location: config.azureLocation });
    const resourceGroup = new ResourceGroup("azure-site", { location: config.azureLocation, tags }, { provider });
    const common = { resourceGroupName: resourceGroup.name, location: config.azureLocation, tags };

    const logs = new AzureLogs(
        "azure-logs",
        { ...common, retentionDays: config.azureLogRetentionDays, alertEmail: config.azureAlarmEmail },
        { provider },
    );
    const flowLogStorage = new SecureStorageAccount("azure-flow-logs", { ...common, sku: "Standard_ZRS", protect: prod }, { provider });
    // Deploys this site's Kubernetes parts from inside the VNet (docs/runbooks/new-stack.md).
    const runnerEgress = config.deployRunnerGithubUrl ? new AzureRunnerEgress("azure-deploy-runner", common, { provider }) : undefined;
    const network = new AzureNetwork(
        "azure-site",
        {
            ...common,
            deployRunnerNatGatewayId: runnerEgress?.natGatewayId,
            addressSpace: config.azureVnetCidr,
            gatewaySourceRanges: CLOUDFLARE_IPV4_RANGES,
            flowLogStorageAccountId: flowLogStorage.accountId,
            flowLogRetentionDays: Math.min(config.azureLogRetentionDays, 365),
            workspaceId: logs.workspaceId,
            existingNetworkWatcher: parseNetworkWatcherId(config.azureNetworkWatcherId),
            vpnGatewaySubnet: options.vpnGatewaySubnet,
        },
        { provider },
    );

    const endpoints = { privateEndpointSubnetId: network.subnetIds.privateEndpoints, workspaceId: logs.workspaceId, protect: prod };
    const keyVault = new AzureKeyVault(
        "azure-vault",
        { ...common, ...endpoints, privateDnsZoneId: network.privateDnsZoneIds.vault },
        { provider },
    );
    // One vault per service: the smallest existing scope that lets a service read its own secret only.
    // Day 0 writes each service's secret with its vault: the workloads find it in place.
    const secretValues = serviceSecretValues(config);
    const serviceVaults = Object.fromEntries(
        HUB_SERVICES.map((service) => [
            service,
            new AzureKeyVault(
                serviceSecretName(service),
                {
                    ...common,
                    ...endpoints,
                    privateDnsZoneId: network.privateDnsZoneIds.vault,
                    secrets: service in secretValues ? { [serviceSecretName(service)]: secretValues[service] } : {},
                },
                { provider },
            ),
        ]),
    ) as Record<string, AzureKeyVault>;
    const registry = new AzureRegistry(
        "azure-registry",
        { ...common, ...endpoints, privateDnsZoneId: network.privateDnsZoneIds.registry },
        { provider },
    );
    const redis = new AzureRedis(
        "azure-redis",
        { ...common, ...endpoints, sku: config.azureRedisSku, privateDnsZoneId: network.privateDnsZoneIds.redisEnterprise },
        { provider },
    );

    new AzureDatabaseEndpoint(
        "azure-database",
        {
            atlasProjectId: config.atlasProjectId,
            atlasProvider: atlas,
            resourceGroupName: resourceGroup.name,
            location: config.azureLocation,
            subnetId: network.subnetIds.privateEndpoints,
            tags,
        },
        { provider },
    );

    const cluster = new AksCluster(
        "azure-site",
        {
            ...common,
            nodeSubnetId: network.subnetIds.aksNodes,
            kubernetesVersion: config.azureAksVersion,
            authorizedIpRanges: config.azureAksAuthorizedIpRanges,
            userNodeVmSize: config.azureNodeVmSize,
            userNodeMinCount: capacity.userNodeMinCount,
            userNodeMaxCount: capacity.userNodeMaxCount,
            workspaceId: logs.workspaceId,
            // The preview jobs' identity reads what their refresh and diff need, and changes nothing.
            kubernetesReaderPrincipalIds: config.azurePreviewPrincipalId ? [config.azurePreviewPrincipalId] : [],
            kubernetesAdminPrincipalIds: config.azureDeployPrincipalId ? [config.azureDeployPrincipalId] : [],
        },
        { provider },
    );

    if (config.deployRunnerGithubUrl) {
        new AzureDeployRunner(
            "azure-deploy-runner",
            {
                ...common,
                subnetId: network.subnetIds.deployRunner,
                githubUrl: config.deployRunnerGithubUrl,
                labels: [pulumi.getStack()],
                clusterId: cluster.clusterId,
                keyVaultId: keyVault.vaultId,
                keyVaultName: keyVault.vaultName,
                sshPublicKey: config.azureDeployRunnerSshPublicKey,
                vmSize: config.azureDeployRunnerVmSize,
                runnerCount: config.deployRunnerCount,
            },
            { provider },
        );
    }

    const ingressIp = azureIngressAddress(network.subnetPrefixes.aksNodes);
    // Day 0 (deployStage: foundation) stops short of the cluster's API and of the gateway, which
    // has nothing to serve yet: the runner deploys these (docs/runbooks/new-stack.md).
    let origin: AzureOrigin | undefined;
    let workloads: HubWorkloads | undefined;
    if (config.deployStage === "workloads") {
        origin = new AzureOrigin(
            "azure-origin",
            {
                ...common,
                gatewaySubnetId: network.subnetIds.gateway,
                hostname: config.azureOriginHostname,
                keyVaultId: keyVault.vaultId,
                keyVaultName: keyVault.vaultName,
                keyVaultUri: keyVault.vaultUri,
                certificatePfx: pulumi.secret(config.azureOriginTlsPfx),
                backendIp: ingressIp,
                backendPort: GATEWAY_PORT,
                minCapacity: capacity.gatewayMinCapacity,
                maxCapacity: capacity.gatewayMaxCapacity,
                workspaceId: logs.workspaceId,
                clientCaCertificate: config.azureOriginPullCaCertificate,
            },
            { provider },
        );

        const access = new AzureWorkloadAccess(
            "azure-workloads",
            {
                ...common,
                oidcIssuerUrl: cluster.oidcIssuerUrl,
                namespace: HUB_NAMESPACE,
                services: HUB_SERVICES,
                secretVaultIds: Object.fromEntries(HUB_SERVICES.map((service) => [service, serviceVaults[service].vaultId])),
                clusterPrincipalId: cluster.principalId,
                nodeSubnetId: network.subnetIds.aksNodes,
                kubeletPrincipalId: cluster.kubeletPrincipalId,
                registryId: registry.registryId,
                redis: { clusterName: redis.clusterName, databaseName: redis.databaseName },
            },
            { provider },
        );
        workloads = new HubWorkloads(
            "azure-hub",
            {
                site: "azure",
                hostname: config.azureOriginHostname,
                siteHeader: SITE_HEADER,
                services: hubServiceSpecs(config.environment),
                binding: (service) => ({
                    serviceAccountAnnotations: { "azure.workload.identity/client-id": access.clientIds[service] },
                    // Azure's workload identity webhook only injects the token into pods with this label.
                    podLabels: { "azure.workload.identity/use": "true" },
                    secretProvider: {
                        provider: "azure",
                        parameters: {
                            clientID: access.clientIds[service],
                            keyvaultName: serviceVaults[service].vaultName,
                            tenantId: access.tenantId,
                            objects: `array:\n  - |\n    objectName: ${serviceSecretName(service)}\n    objectType: secret\n`,
                        },
                    },
                    imageRepository: pulumi.interpolate`${registry.loginServer}/crypto-beacon/${service}`,
                }),
                release: hubRelease(config),
                capacity: capacity.mode,
                gateway: hubGatewaySize(config.environment),
                exposure: {
                    type: "LoadBalancer",
                    loadBalancerIp: ingressIp,
                    annotations: {
                        "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
                        "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": AZURE_SUBNETS.aksNodes.name,
                        "service.beta.kubernetes.io/azure-load-balancer-ipv4": ingressIp,
                    },
                },
                networks: {
                    loadBalancerCidrs: [network.subnetPrefixes.gateway],
                    privateCidr: config.azureVnetCidr,
                    // Azure Managed Redis, and the Atlas endpoint, which maps each database node to a port from 1024 up.
                    dataPorts: [{ port: PORTS.azureRedis }, { port: DATABASE_PORTS.from, endPort: DATABASE_PORTS.to }],
                    publicHttpsEgress: true,
                },
            },
            { provider: cluster.kubernetesProvider, dependsOn: [access] },
        );
    }

    const assets = new SecureStorageAccount(
        "azure-assets",
        { ...common, sku: "Standard_RAGZRS", containers: [ASSETS_CONTAINER], protect: prod },
        { provider },
    );
    // The asset copy job reaches the account privately, like every other data service.
    privateEndpoint(
        "azure-assets-blob",
        {
            ...common,
            subnetId: network.subnetIds.privateEndpoints,
            resourceId: assets.accountId,
            groupId: "blob",
            privateDnsZoneId: network.privateDnsZoneIds.blob,
        },
        { provider, parent: assets },
    );
    diagnosticsToWorkspace("azure-assets-diagnostics", assets.blobServiceId, logs.workspaceId, { provider, parent: assets });

    const backups = new AzureBackup(
        "azure-backup",
        {
            ...common,
            storageAccounts: [{ name: "assets", id: assets.accountId, containers: [ASSETS_CONTAINER] }],
            lockImmutability: prod,
            protect: prod,
        },
        { provider },
    );

    // The alerts watch the serving site, the gateway included: they come with it.
    if (origin) {
        new AzureAlerts(
            "azure-alerts",
            {
                resourceGroupName: resourceGroup.name,
                actionGroupId: logs.actionGroupId,
                gatewayId: origin.gatewayId,
                clusterId: cluster.clusterId,
                assetsAccountId: assets.accountId,
                tags,
            },
            { provider },
        );
    }

    // A site without its origin yet (day 0) is nothing an edge can send traffic to: no identity.
    const identity: SiteIdentity | undefined = origin && {
        role: "azure-site",
        environment: config.environment,
        addressSpace: config.azureVnetCidr,
        capacity: capacity.mode,
        originHostname: config.azureOriginHostname,
        healthPath: origin.healthCheckPath,
    };
    return {
        identity,
        originAddress: origin?.publicIpAddress,
        assetSyncTarget: {
            ...common,
            accountName: assets.accountName,
            containerId: assets.containerIds[ASSETS_CONTAINER],
            oidcIssuerUrl: cluster.oidcIssuerUrl,
            kubernetesProvider: cluster.kubernetesProvider,
            provider,
        },
        provider,
        network,
        cluster,
        outputs: {
            location: config.azureLocation,
            capacity: capacity.mode,
            resourceGroupName: resourceGroup.name,
            vnetId: network.vnetId,
            subnetIds: network.subnetIds,
            // Absent, not undefined, before the gateway and the workloads exist (day 0): Pulumi warns about undefined outputs.
            ...(origin
                ? {
                      origin: {
                          hostname: config.azureOriginHostname,
                          publicIp: origin.publicIpAddress,
                          healthCheckPath: origin.healthCheckPath,
                          siteHeader: SITE_HEADER,
                          ingressPrivateIp: ingressIp,
                          subnet: AZURE_SUBNETS.gateway.name,
                      },
                  }
                : {}),
            kubernetes: { clusterName: cluster.clusterName, oidcIssuerUrl: cluster.oidcIssuerUrl },
            ...(workloads ? { workloads: { gatewayPort: GATEWAY_PORT, routeWeights: workloads.routeWeights } } : {}),
            keyVaultUri: keyVault.vaultUri,
            registryLoginServer: registry.loginServer,
            redisHostName: redis.hostName,
            assetsAccount: assets.accountName,
            backupVaultId: backups.vaultId,
            /** What the pre-deploy backup backs up on demand (.github/actions/predeploy-backup). */
            backup: { vaultName: backups.vaultName, instanceNames: backups.instanceNames },
        } satisfies Exported<AzureSiteOutputs>,
    };
}

/** Copies the primary's static assets into this site's storage, hourly (docs/azure-site.md). */
export function syncAssets(azure: ReturnType<typeof deployAzureSite>, source: AssetSource): AzureAssetSync {
    const { provider, ...target } = azure.assetSyncTarget;
    return new AzureAssetSync("azure-asset-sync", { ...target, source, container: ASSETS_CONTAINER }, { provider });
}
