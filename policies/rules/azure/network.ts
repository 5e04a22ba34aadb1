import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule, resourceRule } from "../../lib/rules";

export const azureWafPrevention = resourceRule({
    name: "azure-waf-prevention",
    pack: "security",
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

const OPEN_SOURCES = new Set(["*", "internet", "0.0.0.0/0", "any", "0.0.0.0"]);

interface OpenInboundConfig {
    allowedInternetPorts: number[];
}

/** Whether a rule's destination ports lie within the allowed ports. */
function portsAllowed(rule: Record<string, unknown>, allowed: readonly number[]): boolean {
    const ranges = [rule.destinationPortRange, ...arrayInput(rule.destinationPortRanges).map(String)].filter(
        (range): range is string => typeof range === "string",
    );
    return (
        ranges.length > 0 &&
        ranges.every((range) => {
            if (range === "*") {
                return false;
            }
            const [low, high = low] = range.split("-").map(Number);
            return allowed.some((port) => port === low && port === high);
        })
    );
}

export const azureNsgNoOpenInbound = resourceRule<OpenInboundConfig>({
    name: "azure-nsg-no-open-inbound",
    pack: "security",
    description: "No network security group allows inbound traffic from any address, except on explicitly allowed ports.",
    severity: "critical",
    remediation: "Narrow the rule's source to known ranges (e.g. Cloudflare's), or list the port in this policy's allowedInternetPorts.",
    controls: { pciDss: ["1.3.1", "1.4.2"], soc2: ["CC6.6"], gdpr: ["32"], ccpa: ["1798.150"] },
    configSchema: {
        properties: {
            allowedInternetPorts: {
                type: "array",
                items: { type: "integer", minimum: 1, maximum: 65535 },
                default: [],
                description: "Ports that may be open to any source.",
            },
        },
    },
    types: ["azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule"],
    check: ({ type, props }, config) => {
        const rules = type === "azure-native:network:SecurityRule" ? [props] : arrayInput(props.securityRules);
        return rules
            .filter((rule) => rule.access === "Allow" && rule.direction === "Inbound")
            .filter((rule) =>
                [rule.sourceAddressPrefix, ...arrayInput(rule.sourceAddressPrefixes)].some((source) =>
                    OPEN_SOURCES.has(String(source).toLowerCase()),
                ),
            )
            .filter((rule) => !portsAllowed(rule, config.allowedInternetPorts))
            .map(
                (rule) =>
                    `rule ${String(rule.name)} allows inbound traffic from any address on ports ${String(rule.destinationPortRange ?? rule.destinationPortRanges)}`,
            );
    },
});

/** Azure-managed subnets that must not, or need not, carry an NSG. */
const SUBNETS_WITHOUT_NSG = new Set(["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"]);

export const azureSubnetHasNsg = resourceRule({
    name: "azure-subnet-has-nsg",
    pack: "security",
    description: "Every subnet of a virtual network has a network security group.",
    severity: "high",
    remediation: "Give the subnet a networkSecurityGroup with a deny-all inbound rule after its explicit allows.",
    controls: { pciDss: ["1.2.1", "1.3.1"], soc2: ["CC6.6"], gdpr: ["32"] },
    types: ["azure-native:network:VirtualNetwork"],
    check: ({ props }) =>
        arrayInput(props.subnets)
            .filter(
                (subnet) =>
                    !SUBNETS_WITHOUT_NSG.has(String(subnet.name)) && !(subnet.networkSecurityGroup as { id?: unknown } | undefined)?.id,
            )
            .map((subnet) => `subnet ${String(subnet.name)} has no network security group`),
});

export const azureFlowLogRetention = propertyRule({
    name: "azure-flow-log-retention",
    pack: "compliance",
    description: "VNet flow logs are kept at least 90 days.",
    severity: "medium",
    remediation: "Set retentionPolicy { enabled: true, days: 90 or more }.",
    controls: { pciDss: ["10.5.1"], soc2: ["CC7.2"] },
    types: ["azure-native:network:FlowLog"],
    problem: (props) => {
        const retention = objectInput(props.retentionPolicy);
        return retention?.enabled === true && Number(retention.days) >= 90
            ? undefined
            : `flow logs are kept ${String(retention?.days ?? 0)} days`;
    },
});

export const azureGatewayTlsPolicy = propertyRule({
    name: "azure-app-gateway-tls-policy",
    pack: "security",
    description: "The Application Gateway negotiates TLS 1.2 or later only.",
    severity: "high",
    remediation: "Use the predefined policy AppGwSslPolicy20220101S (or a custom one with minProtocolVersion TLSv1_2).",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    types: ["azure-native:network:ApplicationGateway"],
    problem: (props) => {
        const policy = objectInput(props.sslPolicy) ?? {};
        const modern =
            ["AppGwSslPolicy20220101", "AppGwSslPolicy20220101S"].includes(String(policy.policyName)) ||
            ["TLSv1_2", "TLSv1_3"].includes(String(policy.minProtocolVersion));
        return modern
            ? undefined
            : `TLS policy ${String(policy.policyName ?? policy.minProtocolVersion ?? "default")} allows TLS below 1.2`;
    },
});

export const azurePublicIpStandard = propertyRule({
    name: "azure-public-ip-standard",
    pack: "security",
    description: "Public IPs are Standard SKU: closed unless an NSG opens them, and zone-redundant.",
    severity: "medium",
    remediation: "Set sku.name to Standard.",
    controls: { pciDss: ["1.3.1"], soc2: ["CC6.6"] },
    types: ["azure-native:network:PublicIPAddress"],
    problem: (props) =>
        objectInput(props.sku)?.name === "Standard" ? undefined : `sku is ${String(objectInput(props.sku)?.name ?? "Basic")}`,
});
