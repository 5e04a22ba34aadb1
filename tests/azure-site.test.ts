import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AKS_AAD_SERVER_APP_ID, AksCluster } from "../components/azure/aks";
import { AzureBackup } from "../components/azure/backup";
import { AzureLogs } from "../components/azure/logs";
import { PRIVATE_DNS_ZONES } from "../components/azure/network";
import { AKS_POD_CIDR } from "../model/addressing";
import { BUILT_IN_ROLES } from "../components/azure/roles";
import { REDIS_ACCESS_POLICY, serviceSecretName } from "../components/azure/workloadAccess";
import { HUB_SERVICES, hubServiceSpecs } from "../stacks/services";
import { AzureOrigin, EDGE_CLIENT_SSL_PROFILE, ORIGIN_CERTIFICATE_SECRET } from "../components/azure/origin";
import { AzureRedis } from "../components/azure/redis";
import { SecureStorageAccount } from "../components/azure/storage";
import { CLOUDFLARE_IPV4_RANGES } from "../components/cloudflare/ipRanges";
import { parseStackConfig } from "../stacks/config/load";
import type { AzureSiteConfig } from "../stacks/config/schema";
import { azureCapacity } from "../stacks/roles/azureSite";
import { type StackPlan } from "../tools/plan/planner";
import { one, parentOf, planFixtureStack, resourceNamed, resourcesOfType, sharedPlan } from "./helpers";

describe("Azure backup site", () => {
    let prod: StackPlan;
    let dev: StackPlan;
    before(async () => {
        prod = await sharedPlan("prod-azure");
        dev = await sharedPlan("dev");
    });

    describe("network", () => {
        it("admits only Cloudflare's ranges to the gateway subnet, on 443 and 80", () => {
            const group = resourceNamed(prod, "azure-native:network:NetworkSecurityGroup", "azure-site-gateway");
            const edgeRules = (group.inputs.securityRules as Record<string, unknown>[]).filter((rule) =>
                String(rule.name).startsWith("allow-edge"),
            );
            assert.deepEqual(
                edgeRules.map((rule) => rule.destinationPortRange),
                ["443", "80"],
            );
            for (const rule of edgeRules) {
                assert.deepEqual(rule.sourceAddressPrefixes, [...CLOUDFLARE_IPV4_RANGES]);
                assert.equal(rule.sourceAddressPrefix, undefined);
            }
        });

        const inboundRules = (plan: StackPlan, subnet: string) =>
            resourceNamed(plan, "azure-native:network:NetworkSecurityGroup", `azure-site-${subnet}`).inputs.securityRules as Record<
                string,
                unknown
            >[];

        it("admits the AKS overlay pod range to the node subnet, as Azure CNI Overlay requires", () => {
            const podCidr = (one(prod, "azure-native:containerservice:ManagedCluster").inputs.networkProfile as { podCidr: string })
                .podCidr;
            assert.equal(podCidr, AKS_POD_CIDR);
            const podRule = inboundRules(prod, "aks-nodes").find((rule) => rule.sourceAddressPrefix === podCidr);
            assert.deepEqual([podRule?.access, podRule?.protocol, podRule?.destinationPortRange], ["Allow", "*", "*"]);
        });

        it("lets the Application Gateway reach Key Vault's private endpoint on 443", () => {
            const subnets = one(prod, "azure-native:network:VirtualNetwork").inputs.subnets as { name: string; addressPrefix: string }[];
            const gatewayPrefix = subnets.find((subnet) => subnet.name === "gateway")?.addressPrefix;
            const rule = inboundRules(prod, "private-endpoints").find((candidate) => candidate.sourceAddressPrefix === gatewayPrefix);
            assert.deepEqual([rule?.access, rule?.protocol, rule?.destinationPortRange], ["Allow", "Tcp", "443"]);
        });

        it("resolves every private endpoint through a private DNS zone linked to the VNet", () => {
            const zones = resourcesOfType(prod, "azure-native:privatedns:PrivateZone")
                .map((zone) => zone.inputs.privateZoneName)
                .sort();
            assert.deepEqual(zones, Object.values(PRIVATE_DNS_ZONES).sort());
            assert.equal(resourcesOfType(prod, "azure-native:privatedns:VirtualNetworkLink").length, zones.length);
            for (const group of resourcesOfType(prod, "azure-native:network:PrivateDnsZoneGroup")) {
                assert.equal((group.propertyDependencies.privateDnsZoneConfigs ?? []).length, 1, group.name);
            }
        });

        it("keeps VNet flow logs in storage for the configured days, with traffic analytics", () => {
            const flowLog = one(prod, "azure-native:network:FlowLog");
            assert.deepEqual(flowLog.inputs.retentionPolicy, { days: 365, enabled: true });
            assert.deepEqual(flowLog.propertyDependencies.targetResourceId, [
                resourceNamed(prod, "azure-native:network:VirtualNetwork", "azure-site").urn,
            ]);
        });

        it("creates the region's Network Watcher before the VNet, so that Azure does not, and writes the flow log through it", () => {
            const watcher = one(prod, "azure-native:network:NetworkWatcher");
            assert.equal(watcher.inputs.networkWatcherName, "NetworkWatcher_eastus2");
            const flowLog = one(prod, "azure-native:network:FlowLog");
            assert.deepEqual(flowLog.propertyDependencies.networkWatcherName, [watcher.urn]);
            assert.deepEqual(flowLog.propertyDependencies.resourceGroupName, watcher.propertyDependencies.resourceGroupName);
            assert.ok(one(prod, "azure-native:network:VirtualNetwork").dependencies.includes(watcher.urn));
        });

        it("uses the subscription's existing Network Watcher when the stack names one", async () => {
            const existing =
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_eastus2";
            const plan = await sharedPlan("prod-azure", { "prod-azure": { "crypto-beacon:azureNetworkWatcherId": existing } });
            assert.equal(resourcesOfType(plan, "azure-native:network:NetworkWatcher").length, 0);
            const flowLog = one(plan, "azure-native:network:FlowLog").inputs;
            assert.deepEqual([flowLog.resourceGroupName, flowLog.networkWatcherName], ["NetworkWatcherRG", "NetworkWatcher_eastus2"]);
        });

        it("writes flow logs as a user-assigned identity with a blob data role, since the account takes no shared keys", () => {
            const flowLog = one(prod, "azure-native:network:FlowLog");
            const identity = resourceNamed(prod, "azure-native:managedidentity:UserAssignedIdentity", "azure-site-flow-logs");
            assert.equal((flowLog.inputs.identity as { type: string }).type, "UserAssigned");
            assert.deepEqual(flowLog.propertyDependencies.identity, [identity.urn]);
            const role = resourceNamed(prod, "azure-native:authorization:RoleAssignment", "azure-site-flow-logs");
            assert.match(
                String(role.inputs.roleDefinitionId),
                new RegExp(`/roleDefinitions/${BUILT_IN_ROLES.storageBlobDataContributor}$`),
            );
            assert.deepEqual(role.propertyDependencies.scope, [
                resourceNamed(prod, "azure-native:storage:StorageAccount", "azure-flow-logs").urn,
            ]);
            assert.deepEqual(role.propertyDependencies.principalId, [identity.urn]);
            assert.ok(flowLog.dependencies.includes(role.urn), "the role exists before the flow log writes");
        });

        it("registers the Atlas endpoint with the address of the endpoint's network interface", () => {
            const registration = one(prod, "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService");
            assert.match(String(registration.inputs.privateEndpointIpAddress), /^10\.\d+\.144\.4$/);
            assert.ok(
                registration.propertyDependencies.privateEndpointIpAddress.includes(
                    resourceNamed(prod, "azure-native:network:PrivateEndpoint", "azure-database").urn,
                ),
            );
            assert.equal(resourceNamed(prod, "azure-native:network:PrivateEndpoint", "azure-database").inputs.customDnsConfigs, undefined);
        });
    });

    describe("AKS", () => {
        it("is private, with Entra ID and Azure RBAC, no local accounts, Cilium policy and workload identity", () => {
            const cluster = one(prod, "azure-native:containerservice:ManagedCluster").inputs;
            assert.deepEqual(cluster.apiServerAccessProfile, { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: true });
            assert.deepEqual(cluster.aadProfile, { managed: true, enableAzureRBAC: true });
            assert.equal(cluster.disableLocalAccounts, true);
            assert.equal((cluster.networkProfile as Record<string, string>).networkPolicy, "cilium");
            assert.deepEqual((cluster.securityProfile as { workloadIdentity: unknown }).workloadIdentity, { enabled: true });
            assert.deepEqual(cluster.oidcIssuerProfile, { enabled: true });
        });

        it("spreads the system and user pools across three zones and sends Container Insights to Log Analytics", () => {
            const cluster = one(prod, "azure-native:containerservice:ManagedCluster");
            const [system] = cluster.inputs.agentPoolProfiles as Record<string, unknown>[];
            assert.deepEqual(
                [system.mode, system.availabilityZones, system.nodeTaints],
                ["System", ["1", "2", "3"], ["CriticalAddonsOnly=true:NoSchedule"]],
            );
            const user = one(prod, "azure-native:containerservice:AgentPool").inputs;
            assert.deepEqual([user.mode, user.availabilityZones, user.enableAutoScaling], ["User", ["1", "2", "3"], true]);
            assert.deepEqual((cluster.inputs.addonProfiles as { omsagent: { enabled: boolean } }).omsagent.enabled, true);
            assert.deepEqual(cluster.propertyDependencies.addonProfiles, [
                resourceNamed(prod, "azure-native:operationalinsights:Workspace", "azure-logs").urn,
            ]);
        });

        it("runs dev's hub as small on AKS as on EKS: the services' small requests and a one-proxy gateway", () => {
            const aks = resourcesOfType(dev, "pulumi:providers:kubernetes").find(
                (provider) => parentOf(dev, provider)?.type === "beacon:azure:AksCluster",
            )!;
            const onAks = (type: string) => resourcesOfType(dev, type).filter((resource) => resource.provider === aks.urn);
            const small = hubServiceSpecs("dev");
            const deployments = onAks("kubernetes:apps/v1:Deployment").filter(
                (deployment) => (deployment.inputs.metadata as { namespace: string }).namespace === "trading-hub",
            );
            assert.equal(deployments.length, HUB_SERVICES.length * 2);
            for (const deployment of deployments) {
                const service = (deployment.inputs.metadata as { name: string }).name.replace(/-(blue|green)$/, "") as keyof typeof small;
                const container = (deployment.inputs.spec as { template: { spec: { containers: { resources: { requests: unknown } }[] } } })
                    .template.spec.containers[0];
                assert.deepEqual(container.resources.requests, small[service].requests, service);
            }
            const [proxy] = onAks("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy");
            const envoy = (
                proxy.inputs.spec as {
                    provider: { kubernetes: { envoyDeployment: { replicas: number; container: { resources: { requests: unknown } } } } };
                }
            ).provider.kubernetes.envoyDeployment;
            assert.deepEqual([envoy.replicas, envoy.container.resources.requests], [1, { cpu: "100m", memory: "128Mi" }]);
        });

        it("gives the workloads a Kubernetes provider that signs in headless through kubelogin", () => {
            const provider = resourcesOfType(prod, "pulumi:providers:kubernetes")[0];
            const exec = JSON.parse(String(provider.inputs.kubeconfig)).users[0].user.exec;
            assert.deepEqual(
                [exec.command, ...exec.args],
                ["kubelogin", "get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_APP_ID],
            );
            assert.equal(exec.interactiveMode, "Never");
            assert.equal(parentOf(prod, provider)?.type, "beacon:azure:AksCluster");
        });
    });

    describe("origin", () => {
        it("is a zonal WAF v2 gateway with OWASP rules in prevention mode", () => {
            const gateway = one(prod, "azure-native:network:ApplicationGateway").inputs;
            assert.deepEqual(gateway.sku, { name: "WAF_v2", tier: "WAF_v2" });
            assert.deepEqual(gateway.zones, ["1", "2", "3"]);
            const policy = one(prod, "azure-native:network:WebApplicationFirewallPolicy").inputs;
            assert.deepEqual((policy.policySettings as Record<string, unknown>).mode, "Prevention");
            assert.deepEqual(policy.managedRules, { managedRuleSets: [{ ruleSetType: "OWASP", ruleSetVersion: "3.2" }] });
        });

        it("serves HTTPS only with TLS 1.2+, redirects HTTP, and takes its certificate from Key Vault", () => {
            const gateway = one(prod, "azure-native:network:ApplicationGateway").inputs;
            assert.deepEqual(gateway.sslPolicy, { policyType: "Predefined", policyName: "AppGwSslPolicy20220101S" });
            const listeners = gateway.httpListeners as { name: string; protocol: string; hostName: string }[];
            assert.deepEqual(
                listeners.map((listener) => `${listener.name}:${listener.protocol}:${listener.hostName}`),
                ["https:Https:azure-origin.trade.example.com", "http:Http:azure-origin.trade.example.com"],
            );
            const httpRule = (
                gateway.requestRoutingRules as { name: string; redirectConfiguration?: unknown; backendAddressPool?: unknown }[]
            ).find((rule) => rule.name === "http")!;
            assert.ok(httpRule.redirectConfiguration && !httpRule.backendAddressPool, "plain HTTP only redirects");
            assert.match(
                String((gateway.sslCertificates as { keyVaultSecretId: string }[])[0].keyVaultSecretId),
                new RegExp(`^https://.*\\.vault\\.azure\\.net/secrets/${ORIGIN_CERTIFICATE_SECRET}$`),
            );
            const access = resourceNamed(prod, "azure-native:authorization:RoleAssignment", "azure-origin-certificate");
            assert.deepEqual(access.propertyDependencies.scope, [resourceNamed(prod, "azure-native:keyvault:Vault", "azure-vault").urn]);
        });

        it("writes its certificate into the private vault through Resource Manager in the same update, before the gateway needs it", () => {
            const certificate = resourceNamed(prod, "azure-native:keyvault:Secret", "azure-origin-certificate");
            assert.equal(certificate.inputs.secretName, ORIGIN_CERTIFICATE_SECRET);
            assert.deepEqual(certificate.propertyDependencies.vaultName, [
                resourceNamed(prod, "azure-native:keyvault:Vault", "azure-vault").urn,
            ]);
            assert.deepEqual(certificate.inputs.properties, { value: "[secret]", contentType: "application/x-pkcs12" });
            assert.ok(one(prod, "azure-native:network:ApplicationGateway").dependencies.includes(certificate.urn));
        });

        it("admits on HTTPS only clients with a certificate from the edge's origin-pull CA (mutual TLS)", () => {
            const gateway = one(prod, "azure-native:network:ApplicationGateway").inputs as Record<string, any>;
            const [trusted] = gateway.trustedClientCertificates as { name: string; data: string }[];
            assert.match(Buffer.from(trusted.data, "base64").toString("utf8"), /^-----BEGIN CERTIFICATE-----\n/);
            const [profile] = gateway.sslProfiles as {
                name: string;
                trustedClientCertificates: { id: string }[];
                clientAuthConfiguration: unknown;
            }[];
            assert.equal(profile.name, EDGE_CLIENT_SSL_PROFILE);
            assert.match(profile.trustedClientCertificates[0].id, new RegExp(`/trustedClientCertificates/${trusted.name}$`));
            assert.deepEqual(profile.clientAuthConfiguration, { verifyClientCertIssuerDN: true });
            const https = (gateway.httpListeners as { name: string; sslProfile?: { id: string } }[]).find(
                (listener) => listener.name === "https",
            );
            assert.match(String(https?.sslProfile?.id), new RegExp(`/sslProfiles/${EDGE_CLIENT_SSL_PROFILE}$`));
        });

        it("routes to the in-cluster gateway's reserved address in the node subnet, probing the health path", () => {
            const gateway = one(prod, "azure-native:network:ApplicationGateway").inputs;
            assert.deepEqual((gateway.backendAddressPools as { backendAddresses: unknown }[])[0].backendAddresses, [
                { ipAddress: "10.110.127.250" },
            ]);
            assert.equal((gateway.probes as { path: string }[])[0].path, "/healthz");
        });
    });

    describe("workload access", () => {
        const assignment = (name: string) => resourceNamed(prod, "azure-native:authorization:RoleAssignment", name);

        it("grants the kubelet identity AcrPull on the registry", () => {
            const pull = assignment("azure-workloads-kubelet-pull");
            assert.match(String(pull.inputs.roleDefinitionId), new RegExp(`/roleDefinitions/${BUILT_IN_ROLES.acrPull}$`));
            assert.deepEqual(pull.propertyDependencies.scope, [one(prod, "azure-native:containerregistry:Registry").urn]);
            // The registry's id as ARM spells it: the intent check matches the scope by its collection.
            assert.match(String(pull.inputs.scope), /\/providers\/Microsoft\.ContainerRegistry\/registries\/[a-z0-9]+$/);
            assert.deepEqual(pull.propertyDependencies.principalId, [one(prod, "azure-native:containerservice:ManagedCluster").urn]);
            assert.match(String(pull.inputs.principalId), /^[0-9a-f-]{36}$/);
        });

        it("lets each service read only its own vault, a scope that exists when the assignment is made", () => {
            for (const service of HUB_SERVICES) {
                const read = assignment(`azure-workloads-${service}`);
                assert.match(String(read.inputs.roleDefinitionId), new RegExp(`/roleDefinitions/${BUILT_IN_ROLES.keyVaultSecretsUser}$`));
                assert.deepEqual(
                    read.propertyDependencies.scope,
                    [resourceNamed(prod, "azure-native:keyvault:Vault", serviceSecretName(service)).urn],
                    service,
                );
                assert.doesNotMatch(String(read.inputs.scope), /\/secrets\//);
            }
        });

        it("gives each service's identity an access policy assignment on Managed Redis, whose access keys are off", () => {
            const assignments = resourcesOfType(prod, "azure-native:redisenterprise:AccessPolicyAssignment");
            assert.equal(assignments.length, HUB_SERVICES.length);
            for (const service of HUB_SERVICES) {
                const access = resourceNamed(
                    prod,
                    "azure-native:redisenterprise:AccessPolicyAssignment",
                    `azure-workloads-${service}-redis`,
                );
                assert.equal(access.inputs.accessPolicyName, REDIS_ACCESS_POLICY);
                assert.match(String(access.inputs.accessPolicyAssignmentName), /^[A-Za-z0-9]{1,60}$/);
                assert.deepEqual(access.propertyDependencies.user, [
                    resourceNamed(prod, "azure-native:managedidentity:UserAssignedIdentity", `azure-workloads-${service}`).urn,
                ]);
                assert.deepEqual(access.propertyDependencies.databaseName, [one(prod, "azure-native:redisenterprise:Database").urn]);
            }
        });
    });

    describe("data stores", () => {
        it("runs Managed Redis on TLS 1.2 with an encrypted protocol, no access keys and no public access", () => {
            const cluster = one(prod, "azure-native:redisenterprise:RedisEnterprise").inputs;
            assert.deepEqual([cluster.minimumTlsVersion, cluster.publicNetworkAccess], ["1.2", "Disabled"]);
            const database = one(prod, "azure-native:redisenterprise:Database").inputs;
            assert.deepEqual([database.clientProtocol, database.accessKeysAuthentication], ["Encrypted", "Disabled"]);
            assert.ok(resourceNamed(prod, "azure-native:network:PrivateEndpoint", "azure-redis-redis"));
        });

        it("sends Managed Redis's metrics from the cluster and its logs from the database, where each lives", () => {
            const clusterSetting = resourceNamed(prod, "azure-native:monitor:DiagnosticSetting", "azure-redis-diagnostics");
            assert.deepEqual(
                [clusterSetting.inputs.logs, clusterSetting.inputs.metrics],
                [[], [{ category: "AllMetrics", enabled: true }]],
            );
            assert.deepEqual(clusterSetting.propertyDependencies.resourceUri, [
                one(prod, "azure-native:redisenterprise:RedisEnterprise").urn,
            ]);
            const databaseSetting = resourceNamed(prod, "azure-native:monitor:DiagnosticSetting", "azure-redis-database-diagnostics");
            assert.deepEqual(
                [databaseSetting.inputs.logs, databaseSetting.inputs.metrics],
                [[{ categoryGroup: "allLogs", enabled: true }], []],
            );
            assert.deepEqual(databaseSetting.propertyDependencies.resourceUri, [one(prod, "azure-native:redisenterprise:Database").urn]);
        });

        it("keeps Key Vault on RBAC with purge protection, soft delete and no public access, through a private endpoint, logged", () => {
            for (const vault of resourcesOfType(prod, "azure-native:keyvault:Vault")) {
                const properties = vault.inputs.properties as Record<string, unknown>;
                assert.deepEqual(
                    [
                        properties.enableRbacAuthorization,
                        properties.enablePurgeProtection,
                        properties.enableSoftDelete,
                        properties.publicNetworkAccess,
                    ],
                    [true, true, true, "Disabled"],
                    vault.name,
                );
            }
            assert.ok(resourceNamed(prod, "azure-native:network:PrivateEndpoint", "azure-vault-vault"));
            assert.ok(resourceNamed(prod, "azure-native:monitor:DiagnosticSetting", "azure-vault-diagnostics"));
        });

        it("stores assets RA-GZRS, HTTPS and TLS 1.2 only, without public blob or shared-key access, versioned with soft delete", () => {
            const account = resourceNamed(prod, "azure-native:storage:StorageAccount", "azure-assets").inputs;
            assert.deepEqual(account.sku, { name: "Standard_RAGZRS" });
            assert.deepEqual(
                [account.enableHttpsTrafficOnly, account.minimumTlsVersion, account.allowBlobPublicAccess, account.allowSharedKeyAccess],
                [true, "TLS1_2", false, false],
            );
            const blobs = resourceNamed(prod, "azure-native:storage:BlobServiceProperties", "azure-assets").inputs;
            assert.deepEqual([blobs.isVersioningEnabled, blobs.deleteRetentionPolicy], [true, { enabled: true, days: 30 }]);
        });

        it("keeps a Premium, zone-redundant registry without an admin user or public access", () => {
            const registry = one(prod, "azure-native:containerregistry:Registry").inputs;
            assert.deepEqual(
                [registry.sku, registry.adminUserEnabled, registry.zoneRedundancy, registry.publicNetworkAccess],
                [{ name: "Premium" }, false, "Enabled", "Disabled"],
            );
            assert.deepEqual((registry.policies as { retentionPolicy: unknown }).retentionPolicy, { days: 30, status: "enabled" });
        });

        it("protects the data stores in prod only, and retains them everywhere", () => {
            for (const type of [
                "azure-native:keyvault:Vault",
                "azure-native:containerregistry:Registry",
                "azure-native:redisenterprise:RedisEnterprise",
                "azure-native:dataprotection:BackupVault",
            ]) {
                for (const resource of resourcesOfType(prod, type)) {
                    assert.deepEqual([resource.protect, resource.retainOnDelete], [true, true], resource.name);
                }
                for (const resource of resourcesOfType(dev, type)) {
                    assert.deepEqual([resource.protect, resource.retainOnDelete], [false, true], resource.name);
                }
            }
            assert.equal(resourceNamed(prod, "azure-native:storage:StorageAccount", "azure-assets").protect, true);
        });
    });

    describe("backups", () => {
        it("keeps a geo-redundant, immutable vault (locked in prod) with 30 daily and 12 monthly recovery points of the assets", () => {
            const vault = one(prod, "azure-native:dataprotection:BackupVault").inputs.properties as {
                storageSettings: unknown;
                securitySettings: unknown;
            };
            assert.deepEqual(vault.storageSettings, [{ datastoreType: "VaultStore", type: "GeoRedundant" }]);
            assert.deepEqual(vault.securitySettings, {
                softDeleteSettings: { state: "AlwaysOn", retentionDurationInDays: 14 },
                immutabilitySettings: { state: "Locked" },
            });
            const devVault = one(dev, "azure-native:dataprotection:BackupVault").inputs.properties as {
                securitySettings: { immutabilitySettings: unknown };
            };
            assert.deepEqual(devVault.securitySettings.immutabilitySettings, { state: "Unlocked" });
            const rules = (
                one(prod, "azure-native:dataprotection:BackupPolicy").inputs.properties as {
                    policyRules: { name: string; lifecycles?: { deleteAfter: { duration: string } }[] }[];
                }
            ).policyRules;
            assert.deepEqual(
                rules.filter((rule) => rule.lifecycles).map((rule) => [rule.name, rule.lifecycles![0].deleteAfter.duration]),
                [
                    ["Default", "P30D"],
                    ["Monthly", "P12M"],
                ],
            );
            const instance = one(prod, "azure-native:dataprotection:BackupInstance");
            assert.ok(
                instance.propertyDependencies.properties.includes(
                    resourceNamed(prod, "azure-native:storage:StorageAccount", "azure-assets").urn,
                ),
            );
        });
    });

    describe("monitoring", () => {
        it("sends AKS, Key Vault, the gateway and storage to Log Analytics, and alerts to an action group", () => {
            const settings = resourcesOfType(prod, "azure-native:monitor:DiagnosticSetting")
                .map((setting) => setting.name)
                .sort();
            for (const expected of [
                "azure-site-diagnostics",
                "azure-vault-diagnostics",
                "azure-origin-diagnostics",
                "azure-assets-diagnostics",
            ]) {
                assert.ok(settings.includes(expected), expected);
            }
            const group = one(prod, "azure-native:monitor:ActionGroup");
            assert.equal((group.inputs.emailReceivers as { emailAddress: string }[])[0].emailAddress, "platform-oncall@example.com");
            const alerts = resourcesOfType(prod, "azure-native:monitor:MetricAlert");
            assert.ok(alerts.length >= 5);
            for (const alert of alerts) {
                assert.deepEqual(alert.propertyDependencies.actions, [group.urn], alert.name);
            }
        });
    });

    describe("standby and active capacity", () => {
        const config = (capacity: "standby" | "active") =>
            parseStackConfig({
                stackFile: "Pulumi.prod-azure.yaml",
                values: {
                    role: "azure-site",
                    environment: "prod",
                    azureOriginHostname: "azure-origin.trade.example.com",
                    azureOriginPullCaCertificate: "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n",
                    azureCapacity: capacity,
                    atlasProjectId: "6a1f0c2e9b8d7a6f5e4d3c24",
                    atlasClientId: "from-esc",
                    atlasClientSecret: "from-esc",
                    azureOriginTlsPfx: "from-esc",
                    hubBlueRelease: "1.42.0",
                    hubGreenRelease: "1.43.0",
                },
                secretKeys: new Set(["atlasClientId", "atlasClientSecret", "azureOriginTlsPfx"]),
            }) as AzureSiteConfig;

        it("stands by cheaply and, made active, matches the primary's prod capacity", () => {
            assert.deepEqual(azureCapacity(config("standby")), {
                mode: "standby",
                userNodeMinCount: 1,
                userNodeMaxCount: 3,
                gatewayMinCapacity: 1,
                gatewayMaxCapacity: 2,
            });
            assert.deepEqual(azureCapacity(config("active")), {
                mode: "active",
                userNodeMinCount: 3,
                userNodeMaxCount: 12,
                gatewayMinCapacity: 2,
                gatewayMaxCapacity: 10,
            });
        });

        it("plans prod-azure on standby, and an all-in-one stack active when its edge sends traffic to Azure", async () => {
            const pool = (plan: StackPlan) => one(plan, "azure-native:containerservice:AgentPool").inputs;
            // Two standby nodes: the standby's minimum replicas fit with headroom, and survive a node loss.
            assert.deepEqual([pool(prod).minCount, pool(prod).maxCount], [2, 3]);
            assert.equal((prod.outputs.azure as { capacity: string }).capacity, "standby");
            const scale = (plan: StackPlan) =>
                (one(plan, "azure-native:network:ApplicationGateway").inputs.autoscaleConfiguration as { minCapacity: number }).minCapacity;
            assert.equal(scale(prod), 1);
            assert.equal((dev.outputs.azure as { capacity: string }).capacity, "standby", "dev's edge sends traffic to AWS");
            const failedOver = await planFixtureStack("all-in-one-azure-active");
            assert.equal((failedOver.outputs.azure as { capacity: string }).capacity, "active");
            assert.deepEqual([pool(failedOver).minCount, pool(failedOver).maxCount], [3, 12]);
            assert.equal(scale(failedOver), 2);
            assert.deepEqual((failedOver.outputs.edge as { failoverOrder: string[] }).failoverOrder, ["azure", "aws"]);
        });
    });

    describe("bad component arguments throw an error naming the argument", () => {
        before(async () => {
            await pulumi.runtime.setMocks({
                newResource: () => assert.fail("nothing registers when the arguments are bad"),
                call: () => assert.fail("nothing is invoked when the arguments are bad"),
            });
        });
        const aks = {
            resourceGroupName: "rg",
            location: "eastus2",
            nodeSubnetId: "s",
            kubernetesVersion: "1.33",
            userNodeVmSize: "Standard_D4s_v5",
            userNodeMinCount: 3,
            userNodeMaxCount: 6,
            workspaceId: "w",
            tags: {},
        };
        const origin = {
            resourceGroupName: "rg",
            location: "eastus2",
            gatewaySubnetId: "s",
            hostname: "h.example.com",
            keyVaultId: "k",
            keyVaultName: "k",
            keyVaultUri: "https://k.vault.azure.net/",
            certificatePfx: "MIIK",
            backendIp: "10.0.0.1",
            backendPort: 8080,
            minCapacity: 1,
            maxCapacity: 2,
            workspaceId: "w",
            clientCaCertificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            tags: {},
        };
        const cases: [string, () => unknown, RegExp][] = [
            [
                "AksCluster userNodeMaxCount below userNodeMinCount",
                () => new AksCluster("a", { ...aks, userNodeMaxCount: 2 }),
                /AksCluster a: userNodeMaxCount 2 must be at least userNodeMinCount \(3\)/,
            ],
            [
                "AksCluster authorizedIpRanges of the whole internet",
                () => new AksCluster("a", { ...aks, authorizedIpRanges: ["0.0.0.0/0"] }),
                /authorizedIpRanges entry "0\.0\.0\.0\/0"/,
            ],
            [
                "AzureOrigin capacity out of order",
                () => new AzureOrigin("o", { ...origin, minCapacity: 5, maxCapacity: 2 }),
                /AzureOrigin o: capacity must satisfy 1 <= minCapacity \(5\) <= maxCapacity \(2\)/,
            ],
            [
                "AzureOrigin a client CA that is not a PEM certificate",
                () => new AzureOrigin("o", { ...origin, clientCaCertificate: "not a certificate" }),
                /AzureOrigin o: clientCaCertificate must be one PEM certificate/,
            ],
            [
                "AzureRedis an unknown SKU",
                () =>
                    new AzureRedis("r", {
                        resourceGroupName: "rg",
                        location: "eastus2",
                        sku: "Premium_P1",
                        privateEndpointSubnetId: "s",
                        privateDnsZoneId: "z",
                        workspaceId: "w",
                        protect: false,
                        tags: {},
                    }),
                /AzureRedis r: sku "Premium_P1"/,
            ],
            [
                "AzureBackup daily retention under 30 days",
                () =>
                    new AzureBackup("b", {
                        resourceGroupName: "rg",
                        location: "eastus2",
                        storageAccounts: [{ name: "a", id: "i", containers: ["c"] }],
                        dailyRetentionDays: 7,
                        lockImmutability: false,
                        protect: false,
                        tags: {},
                    }),
                /AzureBackup b: dailyRetentionDays 7 must be at least 30/,
            ],
            [
                "AzureLogs retention beyond 730 days",
                () => new AzureLogs("l", { resourceGroupName: "rg", location: "eastus2", retentionDays: 1000, alertEmail: "", tags: {} }),
                /AzureLogs l: retentionDays 1000 must be from 30 to 730/,
            ],
            [
                "SecureStorageAccount soft delete of 0 days",
                () =>
                    new SecureStorageAccount("s", {
                        resourceGroupName: "rg",
                        location: "eastus2",
                        sku: "Standard_ZRS",
                        softDeleteDays: 0,
                        protect: false,
                        tags: {},
                    }),
                /SecureStorageAccount s: softDeleteDays 0 must be from 1 to 365/,
            ],
        ];
        for (const [what, construct, message] of cases) {
            it(what, () => assert.throws(construct, message));
        }
    });
});
