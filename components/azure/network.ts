import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { formatCidr, parseIpv4Cidr, subBlock, type Ipv4Block } from "../network/addressing";

export interface AzureNetworkArgs {
    /** Resource group that holds the network. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region, e.g. `eastus2`. */
    readonly location: string;
    /** Virtual network address space, a canonical IPv4 CIDR from /16 to /20. */
    readonly addressSpace: string;
    /** Tags for every resource. Azure has no provider-level default tags. */
    readonly tags: Readonly<Record<string, string>>;
}

/** The subnets of the Azure site, carved from the address space (prefix p). */
export const AZURE_SUBNETS = {
    /** AKS nodes: the first half, /p+1 (pods use an overlay, not these addresses). */
    aksNodes: { name: "aks-nodes", prefixOffset: 1, index: 0 },
    /** Application Gateway WAF v2, the site's origin behind Cloudflare. */
    gateway: { name: "gateway", prefixOffset: 4, index: 8 },
    /** Private endpoints of the data stores, Key Vault and the registry. */
    privateEndpoints: { name: "private-endpoints", prefixOffset: 4, index: 9 },
} as const;
export type AzureSubnet = keyof typeof AZURE_SUBNETS;

/** The priority of the rule that denies every inbound flow no earlier rule allowed. */
export const DENY_ALL_INBOUND_PRIORITY = 4096;

type SecurityRule = pulumi.Unwrap<network.NetworkSecurityGroupArgs["securityRules"]> extends (infer R)[] | undefined ? R : never;

/**
 * The Azure site's network: a virtual network with a subnet each for AKS nodes, the Application
 * Gateway and private endpoints. Every subnet has its own network security group that denies all
 * inbound traffic except explicit allows (Azure's defaults would let the whole VNet and the
 * load balancer in), and no subnet has default outbound internet access.
 */
export class AzureNetwork extends pulumi.ComponentResource {
    public readonly vnetId: pulumi.Output<string>;
    public readonly vnetName: pulumi.Output<string>;
    public readonly addressSpace: string;
    public readonly subnetIds: Record<AzureSubnet, pulumi.Output<string>>;
    public readonly subnetPrefixes: Record<AzureSubnet, string>;

    constructor(name: string, args: AzureNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const block = parseIpv4Cidr(args.addressSpace);
        if (!block || block.prefixLength < 16 || block.prefixLength > 20) {
            throw new Error(`AzureNetwork ${name}: addressSpace "${args.addressSpace}" must be a canonical IPv4 CIDR from /16 to /20`);
        }
        if (!args.location) {
            throw new Error(`AzureNetwork ${name}: location is required, e.g. "eastus2"`);
        }
        super("beacon:azure:Network", name, {}, opts);
        const parent = { parent: this };
        const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: { ...args.tags } };
        this.addressSpace = args.addressSpace;
        this.subnetPrefixes = carve(block);

        const rulesBySubnet: Record<AzureSubnet, SecurityRule[]> = {
            aksNodes: [
                allowInbound("vnet-internal", 100, args.addressSpace, "*", "*"),
                allowInbound("azure-load-balancer", 110, "AzureLoadBalancer", "*", "*"),
            ],
            gateway: [
                // Application Gateway v2 needs its control plane and the load balancer probe;
                // client traffic is allowed from Cloudflare's ranges by the origin component.
                allowInbound("gateway-manager", 100, "GatewayManager", "Tcp", "65200-65535"),
                allowInbound("azure-load-balancer", 110, "AzureLoadBalancer", "*", "*"),
            ],
            privateEndpoints: [
                allowInbound("from-aks-nodes", 100, this.subnetPrefixes.aksNodes, "Tcp", "*"),
            ],
        };
        const securityGroups = Object.fromEntries(
            (Object.keys(AZURE_SUBNETS) as AzureSubnet[]).map((subnet) => [
                subnet,
                new network.NetworkSecurityGroup(`${name}-${AZURE_SUBNETS[subnet].name}`, {
                    ...common,
                    securityRules: [...rulesBySubnet[subnet], denyAllInbound()],
                }, parent),
            ]),
        ) as Record<AzureSubnet, network.NetworkSecurityGroup>;

        // Subnets live inline: separately managed Subnet resources are dropped from the VNet on
        // its next update unless every change is coordinated, which makes drift on each `up`.
        const vnet = new network.VirtualNetwork(name, {
            ...common,
            addressSpace: { addressPrefixes: [args.addressSpace] },
            subnets: (Object.keys(AZURE_SUBNETS) as AzureSubnet[]).map((subnet) => ({
                name: AZURE_SUBNETS[subnet].name,
                addressPrefix: this.subnetPrefixes[subnet],
                networkSecurityGroup: { id: securityGroups[subnet].id },
                defaultOutboundAccess: false,
                // Lets the NSG apply to private endpoints too.
                privateEndpointNetworkPolicies: subnet === "privateEndpoints" ? "Enabled" : undefined,
            })),
        }, parent);
        this.vnetId = vnet.id;
        this.vnetName = vnet.name;
        this.subnetIds = Object.fromEntries(
            (Object.keys(AZURE_SUBNETS) as AzureSubnet[]).map((subnet) => [
                subnet,
                pulumi.interpolate`${vnet.id}/subnets/${AZURE_SUBNETS[subnet].name}`,
            ]),
        ) as Record<AzureSubnet, pulumi.Output<string>>;

        this.registerOutputs({ vnetId: this.vnetId, vnetName: this.vnetName, subnetIds: this.subnetIds });
    }
}

function carve(block: Ipv4Block): Record<AzureSubnet, string> {
    return Object.fromEntries(
        (Object.keys(AZURE_SUBNETS) as AzureSubnet[]).map((subnet) => {
            const layout = AZURE_SUBNETS[subnet];
            return [subnet, formatCidr(subBlock(block, block.prefixLength + layout.prefixOffset, layout.index))];
        }),
    ) as Record<AzureSubnet, string>;
}

function allowInbound(name: string, priority: number, source: string, protocol: "Tcp" | "*", ports: string): SecurityRule {
    return {
        name: `allow-${name}`,
        priority,
        direction: "Inbound",
        access: "Allow",
        protocol,
        sourceAddressPrefix: source,
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: ports,
    };
}

function denyAllInbound(): SecurityRule {
    return {
        name: "deny-all-inbound",
        priority: DENY_ALL_INBOUND_PRIORITY,
        direction: "Inbound",
        access: "Deny",
        protocol: "*",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
    };
}
