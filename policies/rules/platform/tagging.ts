import { awsDefaultTags, objectInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";

/** azure-native resource types of this project that take tags (a test keeps the list complete). */
export const AZURE_TAGGABLE: ReadonlySet<string> = new Set([
    "azure-native:resources:ResourceGroup",
    "azure-native:network:VirtualNetwork",
    "azure-native:network:NetworkSecurityGroup",
    "azure-native:network:FlowLog",
    "azure-native:network:PrivateEndpoint",
    "azure-native:network:PublicIPAddress",
    "azure-native:network:ApplicationGateway",
    "azure-native:network:NetworkWatcher",
    "azure-native:network:NatGateway",
    "azure-native:compute:VirtualMachineScaleSet",
    "azure-native:keyvault:Secret",
    "azure-native:network:WebApplicationFirewallPolicy",
    "azure-native:privatedns:PrivateZone",
    "azure-native:privatedns:VirtualNetworkLink",
    "azure-native:storage:StorageAccount",
    "azure-native:keyvault:Vault",
    "azure-native:containerregistry:Registry",
    "azure-native:redisenterprise:RedisEnterprise",
    "azure-native:containerservice:ManagedCluster",
    "azure-native:containerservice:AgentPool",
    "azure-native:managedidentity:UserAssignedIdentity",
    "azure-native:dataprotection:BackupVault",
    "azure-native:operationalinsights:Workspace",
    "azure-native:monitor:ActionGroup",
    "azure-native:monitor:MetricAlert",
]);

interface TagConfig {
    requiredTags: string[];
}

export const requiredTags = resourceRule<TagConfig>({
    name: "required-tags",
    pack: "compliance",
    description: "Every taggable resource carries the tag set that names its environment, owner, data classification and cost center.",
    severity: "low",
    remediation: "Set the tags through the AWS provider's defaultTags, or the tags input of Azure resources (stacks/tags.ts builds them).",
    // The data-classification tag is how confidential information is identified (SOC 2 C1.1).
    controls: { pciDss: ["12.5.1"], soc2: ["CC6.1", "C1.1"], gdpr: ["30"] },
    configSchema: {
        properties: {
            requiredTags: {
                type: "array",
                items: { type: "string" },
                default: ["environment", "service", "owner", "data-classification", "cost-center"],
                description: "Tag keys every taggable resource needs.",
            },
        },
    },
    types: "*",
    check: ({ type, props }, config) => {
        let tags: Record<string, unknown>;
        if (type === "pulumi:providers:aws") {
            tags = awsDefaultTags(props);
        } else if (AZURE_TAGGABLE.has(type)) {
            tags = objectInput(props.tags) ?? {};
        } else {
            return [];
        }
        const missing = config.requiredTags.filter((key) => typeof tags[key] !== "string" || tags[key] === "");
        return missing.length > 0 ? [`is missing tags: ${missing.join(", ")}`] : [];
    },
});
