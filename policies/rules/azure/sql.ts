import { objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

export const azureSqlServerLockedDown = propertyRule({
    name: "azure-sql-server-locked-down",
    pack: "security",
    description: "Azure SQL servers take no public traffic, refuse TLS below 1.2 and accept only Entra ID sign-ins.",
    severity: "high",
    remediation:
        "Set publicNetworkAccess: Disabled (use a private endpoint), minimalTlsVersion: 1.2 and administrators.azureADOnlyAuthentication: true.",
    controls: { pciDss: ["1.4.4", "4.2.1", "8.3.1"], soc2: ["CC6.1", "CC6.6"], gdpr: ["32"] },
    types: ["azure-native:sql:Server"],
    problem: (props) => {
        const problems = [
            ...(props.publicNetworkAccess === "Disabled" ? [] : ["public network access is allowed"]),
            ...(["1.2", "1.3"].includes(String(props.minimalTlsVersion))
                ? []
                : [`minimalTlsVersion is ${String(props.minimalTlsVersion)}`]),
            ...(objectInput(props.administrators)?.azureADOnlyAuthentication === true ? [] : ["SQL logins are allowed"]),
        ];
        return problems.length > 0 ? problems.join(", ") : undefined;
    },
});

export const azureSqlFirewallNotOpen = propertyRule({
    name: "azure-sql-firewall-not-open",
    pack: "security",
    description: "No SQL firewall rule admits the internet, or every Azure tenant's services (0.0.0.0 to 0.0.0.0).",
    severity: "critical",
    remediation: "Delete the rule; reach the server through a private endpoint.",
    controls: { pciDss: ["1.3.1", "1.4.2"], soc2: ["CC6.6"] },
    types: ["azure-native:sql:FirewallRule"],
    problem: (props) =>
        props.startIpAddress === "0.0.0.0"
            ? `admits ${props.endIpAddress === "0.0.0.0" ? "every Azure service of any tenant" : `0.0.0.0 to ${String(props.endIpAddress)}`}`
            : undefined,
});
