import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

const properties = (props: Record<string, unknown>) => objectInput(props.properties) ?? {};

export const azureStorageVersioning = propertyRule({
    name: "azure-storage-versioning",
    description: "Blob services keep versions and soft-delete blobs and containers, so a delete or overwrite can be undone.",
    severity: "medium",
    remediation: "Set isVersioningEnabled, deleteRetentionPolicy and containerDeleteRetentionPolicy on the blob service.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: ["azure-native:storage:BlobServiceProperties"],
    problem: (props) =>
        props.isVersioningEnabled === true && objectInput(props.deleteRetentionPolicy)?.enabled === true && objectInput(props.containerDeleteRetentionPolicy)?.enabled === true
            ? undefined
            : "versioning or soft delete is off",
});

export const azureContainerPrivate = propertyRule({
    name: "azure-storage-container-private",
    description: "Blob containers allow no anonymous access.",
    severity: "critical",
    remediation: "Set publicAccess to None.",
    controls: { pciDss: ["1.4.4"], soc2: ["CC6.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["azure-native:storage:BlobContainer"],
    problem: (props) => (String(props.publicAccess ?? "None") === "None" ? undefined : `publicAccess is ${String(props.publicAccess)}`),
});

export const azureStorageDoubleEncryption = propertyRule({
    name: "azure-storage-infrastructure-encryption",
    description: "Storage accounts encrypt data twice, at the service and the infrastructure layer.",
    severity: "low",
    remediation: "Set encryption.requireInfrastructureEncryption to true (only possible when the account is created).",
    controls: { pciDss: ["3.5.1"], gdpr: ["32"] },
    types: ["azure-native:storage:StorageAccount"],
    problem: (props) => (objectInput(props.encryption)?.requireInfrastructureEncryption === true ? undefined : "infrastructure encryption is off"),
});

export const azureStorageNetworkDeny = propertyRule({
    name: "azure-storage-network-deny",
    description: "Storage accounts deny network access by default; only private endpoints and trusted Azure services reach them.",
    severity: "high",
    remediation: "Set networkRuleSet.defaultAction to Deny and add a private endpoint.",
    controls: { pciDss: ["1.3.1", "1.4.4"], soc2: ["CC6.6"], gdpr: ["32"] },
    types: ["azure-native:storage:StorageAccount"],
    problem: (props) => (objectInput(props.networkRuleSet)?.defaultAction === "Deny" ? undefined : "network access is allowed by default"),
});



export const azureAksWorkloadIdentity = propertyRule({
    name: "azure-aks-workload-identity",
    description: "AKS clusters issue OIDC tokens for workload identity, so pods need no stored credentials.",
    severity: "medium",
    remediation: "Enable oidcIssuerProfile and securityProfile.workloadIdentity.",
    controls: { pciDss: ["8.2.2"], soc2: ["CC6.1"] },
    types: ["azure-native:containerservice:ManagedCluster"],
    problem: (props) =>
        objectInput(props.oidcIssuerProfile)?.enabled === true && objectInput(objectInput(props.securityProfile)?.workloadIdentity)?.enabled === true ? undefined : "workload identity is off",
});

export const azureAksEncryptionAtHost = propertyRule({
    name: "azure-aks-encryption-at-host",
    description: "AKS node pools encrypt their temporary disks and caches at the host.",
    severity: "medium",
    remediation: "Set enableEncryptionAtHost on every node pool.",
    controls: { pciDss: ["3.5.1"], gdpr: ["32"] },
    types: ["azure-native:containerservice:AgentPool", "azure-native:containerservice:ManagedCluster"],
    problem: (props, resource) => {
        const pools = resource.type.endsWith(":AgentPool") ? [props] : arrayInput(props.agentPoolProfiles);
        return pools.every((pool) => pool.enableEncryptionAtHost === true) ? undefined : "a node pool is not encrypted at host";
    },
});

export const azureAksMonitoring = propertyRule({
    name: "azure-aks-container-insights",
    description: "AKS clusters send container logs and metrics to Log Analytics.",
    severity: "medium",
    remediation: "Enable the omsagent add-on with the site's workspace.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    types: ["azure-native:containerservice:ManagedCluster"],
    problem: (props) => (objectInput(objectInput(props.addonProfiles)?.omsagent)?.enabled === true ? undefined : "Container Insights is off"),
});

export const azureAksSecretsProvider = propertyRule({
    name: "azure-aks-key-vault-secrets-provider",
    description: "AKS clusters mount secrets from Key Vault through the Secrets Store CSI driver, with rotation.",
    severity: "medium",
    remediation: "Enable the azureKeyvaultSecretsProvider add-on with enableSecretRotation.",
    controls: { pciDss: ["3.6.1"], soc2: ["CC6.1"] },
    types: ["azure-native:containerservice:ManagedCluster"],
    problem: (props) => {
        const addon = objectInput(objectInput(props.addonProfiles)?.azureKeyvaultSecretsProvider);
        return addon?.enabled === true && objectInput(addon.config)?.enableSecretRotation === "true" ? undefined : "the Key Vault secrets provider is off or does not rotate";
    },
});

export const azureRedisTls = propertyRule({
    name: "azure-redis-tls-private",
    description: "Azure Managed Redis requires TLS 1.2 and takes no public traffic.",
    severity: "high",
    remediation: "Set minimumTlsVersion 1.2 and publicNetworkAccess Disabled.",
    controls: { pciDss: ["4.2.1", "1.3.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    types: ["azure-native:redisenterprise:RedisEnterprise"],
    problem: (props) => (props.minimumTlsVersion === "1.2" && props.publicNetworkAccess === "Disabled" ? undefined : "TLS below 1.2 or public access allowed"),
});

export const azureRedisDatabaseLocked = propertyRule({
    name: "azure-redis-database-entra-tls",
    description: "Redis databases speak TLS only and accept Entra ID, not access keys.",
    severity: "high",
    remediation: "Set clientProtocol Encrypted and accessKeysAuthentication Disabled.",
    controls: { pciDss: ["4.2.1", "8.2.2"], soc2: ["CC6.1", "CC6.7"] },
    types: ["azure-native:redisenterprise:Database"],
    problem: (props) => {
        const problems = [...(props.clientProtocol === "Encrypted" ? [] : ["plaintext protocol"]), ...(props.accessKeysAuthentication === "Disabled" ? [] : ["access keys enabled"])];
        return problems.length > 0 ? problems.join("; ") : undefined;
    },
});

export const azureBackupVaultResilient = propertyRule({
    name: "azure-backup-vault-resilient",
    description: "Backup vaults are geo-redundant, soft-delete and immutable.",
    severity: "high",
    remediation: "Use GeoRedundant storage, soft delete On (AlwaysOn in prod) and immutability Unlocked or Locked.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: ["azure-native:dataprotection:BackupVault"],
    problem: (props) => {
        const settings = properties(props);
        const security = objectInput(settings.securitySettings) ?? {};
        const problems = [
            ...(arrayInput(settings.storageSettings).some((storage) => storage.type === "GeoRedundant") ? [] : ["not geo-redundant"]),
            ...(["On", "AlwaysOn"].includes(String(objectInput(security.softDeleteSettings)?.state)) ? [] : ["soft delete is off"]),
            ...(["Locked", "Unlocked"].includes(String(objectInput(security.immutabilitySettings)?.state)) ? [] : ["not immutable"]),
        ];
        return problems.length > 0 ? problems.join("; ") : undefined;
    },
});

export const azureFlowLogRetention = propertyRule({
    name: "azure-flow-log-retention",
    description: "VNet flow logs are kept at least 90 days.",
    severity: "medium",
    remediation: "Set retentionPolicy { enabled: true, days: 90 or more }.",
    controls: { pciDss: ["10.5.1"], soc2: ["CC7.2"] },
    types: ["azure-native:network:FlowLog"],
    problem: (props) => {
        const retention = objectInput(props.retentionPolicy);
        return retention?.enabled === true && Number(retention.days) >= 90 ? undefined : `flow logs are kept ${String(retention?.days ?? 0)} days`;
    },
});

export const azureGatewayTlsPolicy = propertyRule({
    name: "azure-app-gateway-tls-policy",
    description: "The Application Gateway negotiates TLS 1.2 or later only.",
    severity: "high",
    remediation: "Use the predefined policy AppGwSslPolicy20220101S (or a custom one with minProtocolVersion TLSv1_2).",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    types: ["azure-native:network:ApplicationGateway"],
    problem: (props) => {
        const policy = objectInput(props.sslPolicy) ?? {};
        const modern = ["AppGwSslPolicy20220101", "AppGwSslPolicy20220101S"].includes(String(policy.policyName)) || ["TLSv1_2", "TLSv1_3"].includes(String(policy.minProtocolVersion));
        return modern ? undefined : `TLS policy ${String(policy.policyName ?? policy.minProtocolVersion ?? "default")} allows TLS below 1.2`;
    },
});

export const azureLogRetention = propertyRule({
    name: "azure-log-analytics-retention",
    description: "The Log Analytics workspace keeps logs for at least 12 months, as PCI DSS asks.",
    severity: "medium",
    remediation: "Set retentionInDays to at least 365.",
    controls: { pciDss: ["10.5.1"], soc2: ["CC7.2"] },
    types: ["azure-native:operationalinsights:Workspace"],
    problem: (props) => (Number(props.retentionInDays ?? 30) >= 365 ? undefined : `retentionInDays is ${String(props.retentionInDays ?? 30)}; at least 365 required`),
});

export const azurePublicIpStandard = propertyRule({
    name: "azure-public-ip-standard",
    description: "Public IPs are Standard SKU: closed unless an NSG opens them, and zone-redundant.",
    severity: "medium",
    remediation: "Set sku.name to Standard.",
    controls: { pciDss: ["1.3.1"], soc2: ["CC6.6"] },
    types: ["azure-native:network:PublicIPAddress"],
    problem: (props) => (objectInput(props.sku)?.name === "Standard" ? undefined : `sku is ${String(objectInput(props.sku)?.name ?? "Basic")}`),
});

/** Owner, Contributor, User Access Administrator. */
const BROAD_ROLES = ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"];

export const azureRoleAssignmentScoped = propertyRule({
    name: "azure-role-assignment-least-privilege",
    description: "No identity is made Owner, Contributor or User Access Administrator by the stacks.",
    severity: "critical",
    remediation: "Assign a data-plane or narrowly scoped built-in role.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"], gdpr: ["25"] },
    types: ["azure-native:authorization:RoleAssignment"],
    problem: (props) => (BROAD_ROLES.some((role) => String(props.roleDefinitionId).endsWith(role)) ? "assigns a broad administrative role" : undefined),
});

/** Resource types with metrics but no log categories: Azure refuses allLogs on them (Managed Redis logs live on its databases). */
const METRICS_ONLY_RESOURCE_TYPE = /\/providers\/Microsoft\.Cache\/redisEnterprise\/[^/]+$/i;

export const azureDiagnosticsAllLogs = propertyRule({
    name: "azure-diagnostics-all-logs",
    description: "Diagnostic settings send every log category to the site's workspace (resources that have logs).",
    severity: "medium",
    remediation: "Enable the allLogs category group with a workspaceId.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    types: ["azure-native:monitor:DiagnosticSetting"],
    problem: (props) =>
        METRICS_ONLY_RESOURCE_TYPE.test(String(props.resourceUri)) ||
        (props.workspaceId && arrayInput(props.logs).some((log) => log.categoryGroup === "allLogs" && log.enabled === true))
            ? undefined
            : "not every log reaches the workspace",
});

export const azureAlertsNotify = propertyRule({
    name: "azure-alerts-notify",
    description: "Every metric alert notifies an action group.",
    severity: "medium",
    remediation: "Add the site's action group to the alert's actions.",
    controls: { pciDss: ["10.7.2"], soc2: ["CC7.2"] },
    types: ["azure-native:monitor:MetricAlert"],
    problem: (props) => (arrayInput(props.actions).length > 0 ? undefined : "the alert notifies nobody"),
});

export const azureRegistryRetention = propertyRule({
    name: "azure-acr-retention",
    description: "The registry purges untagged manifests after a retention period.",
    severity: "low",
    remediation: "Set policies.retentionPolicy.status to enabled.",
    controls: { pciDss: ["6.3.2"], soc2: ["CC8.1"] },
    types: ["azure-native:containerregistry:Registry"],
    problem: (props) => (objectInput(objectInput(props.policies)?.retentionPolicy)?.status === "enabled" ? undefined : "no retention policy"),
});

export const azureRegistryZoneRedundant = propertyRule({
    name: "azure-acr-zone-redundant",
    description: "The registry survives the loss of a zone, so a failover can still pull images.",
    severity: "medium",
    remediation: "Set zoneRedundancy to Enabled (Premium SKU).",
    controls: { soc2: ["A1.2"] },
    types: ["azure-native:containerregistry:Registry"],
    problem: (props) => (props.zoneRedundancy === "Enabled" ? undefined : "the registry is not zone-redundant"),
});
