import { arrayInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";

const OPEN_SOURCES = new Set(["*", "internet", "0.0.0.0/0", "any", "0.0.0.0"]);

interface OpenInboundConfig {
    allowedInternetPorts: number[];
}

/** Whether a rule's destination ports lie within the allowed ports. */
function portsAllowed(rule: Record<string, unknown>, allowed: readonly number[]): boolean {
    const ranges = [rule.destinationPortRange, ...arrayInput(rule.destinationPortRanges).map(String)].filter((range): range is string => typeof range === "string");
    return ranges.length > 0 && ranges.every((range) => {
        if (range === "*") {
            return false;
        }
        const [low, high = low] = range.split("-").map(Number);
        return allowed.some((port) => port === low && port === high);
    });
}

export const azureNsgNoOpenInbound = resourceRule<OpenInboundConfig>({
    name: "azure-nsg-no-open-inbound",
    description: "No network security group allows inbound traffic from any address, except on explicitly allowed ports.",
    severity: "critical",
    remediation: "Narrow the rule's source to known ranges (e.g. Cloudflare's), or list the port in this policy's allowedInternetPorts.",
    controls: { pciDss: ["1.3.1", "1.4.2"], soc2: ["CC6.6"], gdpr: ["32"], ccpa: ["1798.150"] },
    configSchema: {
        properties: {
            allowedInternetPorts: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, default: [], description: "Ports that may be open to any source." },
        },
    },
    types: ["azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule"],
    check: ({ type, props }, config) => {
        const rules = type === "azure-native:network:SecurityRule" ? [props] : arrayInput(props.securityRules);
        return rules
            .filter((rule) => rule.access === "Allow" && rule.direction === "Inbound")
            .filter((rule) => [rule.sourceAddressPrefix, ...arrayInput(rule.sourceAddressPrefixes)].some((source) => OPEN_SOURCES.has(String(source).toLowerCase())))
            .filter((rule) => !portsAllowed(rule, config.allowedInternetPorts))
            .map((rule) => `rule ${String(rule.name)} allows inbound traffic from any address on ports ${String(rule.destinationPortRange ?? rule.destinationPortRanges)}`);
    },
});

/** Azure-managed subnets that must not, or need not, carry an NSG. */
const SUBNETS_WITHOUT_NSG = new Set(["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"]);

export const azureSubnetHasNsg = resourceRule({
    name: "azure-subnet-has-nsg",
    description: "Every subnet of a virtual network has a network security group.",
    severity: "high",
    remediation: "Give the subnet a networkSecurityGroup with a deny-all inbound rule after its explicit allows.",
    controls: { pciDss: ["1.2.1", "1.3.1"], soc2: ["CC6.6"], gdpr: ["32"] },
    types: ["azure-native:network:VirtualNetwork"],
    check: ({ props }) =>
        arrayInput(props.subnets)
            .filter((subnet) => !SUBNETS_WITHOUT_NSG.has(String(subnet.name)) && !(subnet.networkSecurityGroup as { id?: unknown } | undefined)?.id)
            .map((subnet) => `subnet ${String(subnet.name)} has no network security group`),
});
