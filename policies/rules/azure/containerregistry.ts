import { objectInput } from "../../lib/props";
import { propertyRule, resourceRule } from "../../lib/rules";

export const azureAcrLockedDown = resourceRule({
    name: "azure-acr-locked-down",
    pack: "security",
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

export const azureRegistryRetention = propertyRule({
    name: "azure-acr-retention",
    pack: "compliance",
    description: "The registry purges untagged manifests after a retention period.",
    severity: "low",
    remediation: "Set policies.retentionPolicy.status to enabled.",
    controls: { pciDss: ["6.3.2"], soc2: ["CC8.1"] },
    types: ["azure-native:containerregistry:Registry"],
    problem: (props) =>
        objectInput(objectInput(props.policies)?.retentionPolicy)?.status === "enabled" ? undefined : "no retention policy",
});

export const azureRegistryZoneRedundant = propertyRule({
    name: "azure-acr-zone-redundant",
    pack: "resilience",
    description: "The registry survives the loss of a zone, so a failover can still pull images.",
    severity: "medium",
    remediation: "Set zoneRedundancy to Enabled (Premium SKU).",
    controls: { soc2: ["A1.2"] },
    types: ["azure-native:containerregistry:Registry"],
    problem: (props) => (props.zoneRedundancy === "Enabled" ? undefined : "the registry is not zone-redundant"),
});
