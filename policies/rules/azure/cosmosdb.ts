import { propertyRule } from "../../lib/rules";

export const azureCosmosLockedDown = propertyRule({
    name: "azure-cosmos-locked-down",
    pack: "security",
    description: "Cosmos DB accounts take no public traffic and accept only Entra ID, not account keys.",
    severity: "high",
    remediation: "Set publicNetworkAccess: Disabled (use a private endpoint) and disableLocalAuth: true.",
    controls: { pciDss: ["1.4.4", "8.3.1"], soc2: ["CC6.1", "CC6.6"], gdpr: ["32"] },
    types: ["azure-native:cosmosdb:DatabaseAccount"],
    problem: (props) => {
        const problems = [
            ...(props.publicNetworkAccess === "Disabled" ? [] : ["public network access is allowed"]),
            ...(props.disableLocalAuth === true ? [] : ["account keys are accepted"]),
        ];
        return problems.length > 0 ? problems.join(", ") : undefined;
    },
});
