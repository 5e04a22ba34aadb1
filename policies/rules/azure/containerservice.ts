import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule, resourceRule } from "../../lib/rules";

export const azureAksLockedDown = resourceRule({
    name: "azure-aks-locked-down",
    pack: "security",
    description:
        "AKS clusters use Entra ID with Azure RBAC, disable local accounts, enforce network policy and keep the API private or allow-listed.",
    severity: "high",
    remediation: "Enable aadProfile.enableAzureRBAC, disableLocalAccounts, a networkPolicy, and a private cluster or authorizedIPRanges.",
    controls: { pciDss: ["1.3.1", "7.2.1", "8.2.1"], soc2: ["CC6.1", "CC6.6"], gdpr: ["32"] },
    types: ["azure-native:containerservice:ManagedCluster"],
    check: ({ props }) => {
        const access = objectInput(props.apiServerAccessProfile) ?? {};
        const ranges = Array.isArray(access.authorizedIPRanges) ? (access.authorizedIPRanges as string[]) : [];
        return [
            ...(objectInput(props.aadProfile)?.enableAzureRBAC !== true ? ["Azure RBAC is off"] : []),
            ...(props.disableLocalAccounts !== true ? ["local accounts are enabled"] : []),
            ...(!objectInput(props.networkProfile)?.networkPolicy ? ["no network policy engine"] : []),
            ...(access.enablePrivateCluster !== true && (ranges.length === 0 || ranges.some((range) => range.endsWith("/0")))
                ? ["the API server is open to the internet"]
                : []),
        ];
    },
});

export const azureAksWorkloadIdentity = propertyRule({
    name: "azure-aks-workload-identity",
    pack: "security",
    description: "AKS clusters issue OIDC tokens for workload identity, so pods need no stored credentials.",
    severity: "medium",
    remediation: "Enable oidcIssuerProfile and securityProfile.workloadIdentity.",
    controls: { pciDss: ["8.2.2"], soc2: ["CC6.1"] },
    types: ["azure-native:containerservice:ManagedCluster"],
    problem: (props) =>
        objectInput(props.oidcIssuerProfile)?.enabled === true &&
        objectInput(objectInput(props.securityProfile)?.workloadIdentity)?.enabled === true
            ? undefined
            : "workload identity is off",
});

export const azureAksEncryptionAtHost = propertyRule({
    name: "azure-aks-encryption-at-host",
    pack: "security",
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
    pack: "security",
    description: "AKS clusters send container logs and metrics to Log Analytics.",
    severity: "medium",
    remediation: "Enable the omsagent add-on with the site's workspace.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    types: ["azure-native:containerservice:ManagedCluster"],
    problem: (props) =>
        objectInput(objectInput(props.addonProfiles)?.omsagent)?.enabled === true ? undefined : "Container Insights is off",
});

export const azureAksSecretsProvider = propertyRule({
    name: "azure-aks-key-vault-secrets-provider",
    pack: "security",
    description: "AKS clusters mount secrets from Key Vault through the Secrets Store CSI driver, with rotation.",
    severity: "medium",
    remediation: "Enable the azureKeyvaultSecretsProvider add-on with enableSecretRotation.",
    controls: { pciDss: ["3.6.1"], soc2: ["CC6.1"] },
    types: ["azure-native:containerservice:ManagedCluster"],
    problem: (props) => {
        const addon = objectInput(objectInput(props.addonProfiles)?.azureKeyvaultSecretsProvider);
        return addon?.enabled === true && objectInput(addon.config)?.enableSecretRotation === "true"
            ? undefined
            : "the Key Vault secrets provider is off or does not rotate";
    },
});
