import { objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

export const azureFlexibleServerPrivate = propertyRule({
    name: "azure-flexible-server-private",
    pack: "security",
    description: "PostgreSQL and MySQL flexible servers live in the virtual network, with no public endpoint.",
    severity: "high",
    remediation: "Set network.publicNetworkAccess: Disabled with network.delegatedSubnetResourceId (or a private endpoint).",
    controls: { pciDss: ["1.4.4"], soc2: ["CC6.6"], gdpr: ["32"] },
    types: ["azure-native:dbforpostgresql:Server", "azure-native:dbformysql:Server"],
    problem: (props) => (objectInput(props.network)?.publicNetworkAccess === "Disabled" ? undefined : "public network access is allowed"),
});

export const azurePostgresEntraOnly = propertyRule({
    name: "azure-postgres-entra-only",
    pack: "security",
    description: "PostgreSQL flexible servers accept Entra ID sign-ins only, not passwords.",
    severity: "medium",
    remediation: "Set authConfig { activeDirectoryAuth: Enabled, passwordAuth: Disabled }.",
    controls: { pciDss: ["8.3.1"], soc2: ["CC6.1"] },
    types: ["azure-native:dbforpostgresql:Server"],
    // The API enables password authentication when authConfig leaves it out.
    problem: (props) => (objectInput(props.authConfig)?.passwordAuth === "Disabled" ? undefined : "password authentication is on"),
});
