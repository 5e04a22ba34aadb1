import { objectInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";

export const azureStorageSecure = resourceRule({
    name: "azure-storage-secure",
    description: "Storage accounts take HTTPS only with TLS 1.2, allow no public blob access and no shared keys.",
    severity: "high",
    remediation: "Set enableHttpsTrafficOnly, minimumTlsVersion TLS1_2, allowBlobPublicAccess false and allowSharedKeyAccess false.",
    controls: { pciDss: ["4.2.1", "7.2.1"], soc2: ["CC6.1", "CC6.7"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["azure-native:storage:StorageAccount"],
    check: ({ props }) => [
        ...(props.enableHttpsTrafficOnly === false ? ["accepts plain HTTP"] : []),
        ...(props.minimumTlsVersion !== "TLS1_2" && props.minimumTlsVersion !== "TLS1_3" ? ["accepts TLS below 1.2"] : []),
        ...(props.allowBlobPublicAccess !== false ? ["allows public blob access"] : []),
        ...(props.allowSharedKeyAccess !== false ? ["allows shared-key access"] : []),
    ],
});

export const azureKeyVaultProtected = resourceRule({
    name: "azure-key-vault-protected",
    description: "Key vaults use Azure RBAC, keep purge protection and soft delete on, and deny public network access.",
    severity: "high",
    remediation: "Set enableRbacAuthorization, enablePurgeProtection, enableSoftDelete, and publicNetworkAccess Disabled.",
    controls: { pciDss: ["3.6.1", "7.2.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["azure-native:keyvault:Vault"],
    check: ({ props }) => {
        const properties = objectInput(props.properties) ?? {};
        return [
            ...(properties.enableRbacAuthorization !== true ? ["access policies instead of Azure RBAC"] : []),
            ...(properties.enablePurgeProtection !== true ? ["purge protection is off"] : []),
            ...(properties.enableSoftDelete === false ? ["soft delete is off"] : []),
            ...(properties.publicNetworkAccess !== "Disabled" ? ["public network access is allowed"] : []),
        ];
    },
});

export const azureAksLockedDown = resourceRule({
    name: "azure-aks-locked-down",
    description: "AKS clusters use Entra ID with Azure RBAC, disable local accounts, enforce network policy and keep the API private or allow-listed.",
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
            ...(access.enablePrivateCluster !== true && (ranges.length === 0 || ranges.some((range) => range.endsWith("/0"))) ? ["the API server is open to the internet"] : []),
        ];
    },
});

export const azureAcrLockedDown = resourceRule({
    name: "azure-acr-locked-down",
    description: "Container registries disable the admin user, anonymous pull and public network access.",
    severity: "medium",
    remediation: "Set adminUserEnabled false, anonymousPullEnabled false and publicNetworkAccess Disabled; use a private endpoint.",
    controls: { pciDss: ["7.2.1", "8.2.2"], soc2: ["CC6.1"] },
    types: ["azure-native:containerregistry:Registry"],
    check: ({ props }) => [
        ...(props.adminUserEnabled !== false ? ["the admin user is enabled"] : []),
        ...(props.anonymousPullEnabled === true ? ["anonymous pull is enabled"] : []),
        ...(props.publicNetworkAccess !== "Disabled" ? ["public network access is allowed"] : []),
    ],
});

export const azureWafPrevention = resourceRule({
    name: "azure-waf-prevention",
    description: "Application Gateway WAF policies are enabled, in prevention mode, with a managed OWASP or Microsoft rule set.",
    severity: "high",
    remediation: "Set policySettings state Enabled and mode Prevention, and add a managed rule set.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"], gdpr: ["32"] },
    types: ["azure-native:network:WebApplicationFirewallPolicy"],
    check: ({ props }) => {
        const settings = objectInput(props.policySettings) ?? {};
        const ruleSets = objectInput(props.managedRules)?.managedRuleSets;
        return [
            ...(settings.state !== "Enabled" || settings.mode !== "Prevention" ? ["not enabled in prevention mode"] : []),
            ...(!Array.isArray(ruleSets) || ruleSets.length === 0 ? ["no managed rule set"] : []),
        ];
    },
});
