import { objectInput } from "../../lib/props";
import { propertyRule, resourceRule } from "../../lib/rules";

export const azureStorageSecure = resourceRule({
    name: "azure-storage-secure",
    pack: "security",
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

export const azureStorageVersioning = propertyRule({
    name: "azure-storage-versioning",
    pack: "resilience",
    description: "Blob services keep versions and soft-delete blobs and containers, so a delete or overwrite can be undone.",
    severity: "medium",
    remediation: "Set isVersioningEnabled, deleteRetentionPolicy and containerDeleteRetentionPolicy on the blob service.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: ["azure-native:storage:BlobServiceProperties"],
    problem: (props) =>
        props.isVersioningEnabled === true &&
        objectInput(props.deleteRetentionPolicy)?.enabled === true &&
        objectInput(props.containerDeleteRetentionPolicy)?.enabled === true
            ? undefined
            : "versioning or soft delete is off",
});

export const azureContainerPrivate = propertyRule({
    name: "azure-storage-container-private",
    pack: "security",
    description: "Blob containers allow no anonymous access.",
    severity: "critical",
    remediation: "Set publicAccess to None.",
    controls: { pciDss: ["1.4.4"], soc2: ["CC6.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["azure-native:storage:BlobContainer"],
    problem: (props) => (String(props.publicAccess ?? "None") === "None" ? undefined : `publicAccess is ${String(props.publicAccess)}`),
});

export const azureStorageDoubleEncryption = propertyRule({
    name: "azure-storage-infrastructure-encryption",
    pack: "security",
    description: "Storage accounts encrypt data twice, at the service and the infrastructure layer.",
    severity: "low",
    remediation: "Set encryption.requireInfrastructureEncryption to true (only possible when the account is created).",
    controls: { pciDss: ["3.5.1"], gdpr: ["32"] },
    types: ["azure-native:storage:StorageAccount"],
    problem: (props) =>
        objectInput(props.encryption)?.requireInfrastructureEncryption === true ? undefined : "infrastructure encryption is off",
});

export const azureStorageNetworkDeny = propertyRule({
    name: "azure-storage-network-deny",
    pack: "security",
    description: "Storage accounts deny network access by default; only private endpoints and trusted Azure services reach them.",
    severity: "high",
    remediation: "Set networkRuleSet.defaultAction to Deny and add a private endpoint.",
    controls: { pciDss: ["1.3.1", "1.4.4"], soc2: ["CC6.6"], gdpr: ["32"] },
    types: ["azure-native:storage:StorageAccount"],
    problem: (props) => (objectInput(props.networkRuleSet)?.defaultAction === "Deny" ? undefined : "network access is allowed by default"),
});
