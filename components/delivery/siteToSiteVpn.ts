import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as network from "@pulumi/azure-native/network";
import { cidrsOverlap, parseIpv4Cidr } from "../../model/addressing";

/** The two networks a site-to-site VPN joins. */
export interface SiteToSiteVpnArgs {
    /** The AWS end: the VPC that gets the virtual private gateway. */
    readonly aws: {
        /** ID of the VPC. */
        readonly vpcId: pulumi.Input<string>;
        /** The VPC's CIDR, canonical IPv4; must not overlap `azure.vnetCidr`. */
        readonly vpcCidr: string;
        /** Route tables of the subnets that reach the other network (the deploy runners'). */
        readonly routeTableIds: pulumi.Input<string>[];
        /** The AWS provider of the site's account and region. */
        readonly provider: pulumi.ProviderResource;
    };
    /** The Azure end: the VNet that gets the VPN gateway. */
    readonly azure: {
        /** Resource group of the VNet; the gateway, its address and the connections go there too. */
        readonly resourceGroupName: pulumi.Input<string>;
        /** Azure region of the VNet, e.g. "westeurope". */
        readonly location: string;
        /** The VNet's CIDR, canonical IPv4; must not overlap `aws.vpcCidr`. */
        readonly vnetCidr: string;
        /** The VNet's `GatewaySubnet` (AzureNetwork's `vpnGatewaySubnet`). */
        readonly gatewaySubnetId: pulumi.Input<string>;
        /** Tags set on every Azure resource of the VPN. */
        readonly tags: Readonly<Record<string, string>>;
        /** The azure-native provider of the site's subscription. */
        readonly provider: pulumi.ProviderResource;
    };
}

/** The two IPsec tunnels every AWS Site-to-Site VPN connection has, each to its own AWS endpoint. */
const TUNNELS = [1, 2] as const;

/**
 * An IPsec site-to-site VPN between the AWS VPC and the Azure VNet, for a stack that holds both
 * sites (all-in-one): its one `pulumi up` runs on the AWS deploy runner, which must reach the
 * AKS API server's private endpoint as well as EKS's. Both API servers stay private: the
 * runner reaches AKS over the tunnels, by the cluster's public FQDN, which Azure public DNS
 * resolves to the private endpoint's address (learn.microsoft.com/azure/aks/private-clusters),
 * so no DNS forwarding between the clouds is needed.
 *
 * AWS side: a virtual private gateway on the VPC, a customer gateway at the Azure gateway's
 * address, a static-route VPN connection (IKEv2) and route propagation into the given tables.
 * Azure side: a zone-redundant route-based VPN gateway in `GatewaySubnet`, and per AWS tunnel a
 * local network gateway and an IPsec connection with that tunnel's pre-shared key, which AWS
 * generates and Pulumi keeps as a secret. Each network's security rules still decide what may
 * cross: the AKS nodes' NSG admits only its own VNet, the load balancer and the pod overlay, while
 * the API server's private endpoint, in that subnet with private-endpoint network policies off,
 * answers the runners' HTTPS and authenticates every call with Entra ID.
 */
export class SiteToSiteVpn extends pulumi.ComponentResource {
    /** Public IPv4 address of the Azure VPN gateway: the AWS customer gateway's address. */
    public readonly azureGatewayPublicIp: pulumi.Output<string>;
    /** Public IPv4 addresses of AWS's two tunnel endpoints, in tunnel order: the Azure local network gateways' addresses. */
    public readonly awsTunnelAddresses: pulumi.Output<string>[];

    constructor(name: string, args: SiteToSiteVpnArgs, opts?: pulumi.ComponentResourceOptions) {
        for (const [key, cidr] of [
            ["aws.vpcCidr", args.aws.vpcCidr],
            ["azure.vnetCidr", args.azure.vnetCidr],
        ] as const) {
            if (!parseIpv4Cidr(cidr)) {
                throw new Error(`SiteToSiteVpn ${name}: ${key} "${cidr}" must be a canonical IPv4 CIDR`);
            }
        }
        if (cidrsOverlap(args.aws.vpcCidr, args.azure.vnetCidr)) {
            throw new Error(
                `SiteToSiteVpn ${name}: aws.vpcCidr ${args.aws.vpcCidr} overlaps azure.vnetCidr ${args.azure.vnetCidr}; routes need disjoint networks`,
            );
        }
        if (args.aws.routeTableIds.length === 0) {
            throw new Error(`SiteToSiteVpn ${name}: aws.routeTableIds must list the route tables of the subnets that use the tunnels`);
        }
        super("beacon:delivery:SiteToSiteVpn", name, {}, opts);
        const onAws = { parent: this, provider: args.aws.provider };
        const onAzure = { parent: this, provider: args.azure.provider };
        const azureCommon = {
            resourceGroupName: args.azure.resourceGroupName,
            location: args.azure.location,
            tags: { ...args.azure.tags },
        };

        // The AZ gateway SKUs need a Standard, zone-redundant address.
        const gatewayAddress = new network.PublicIPAddress(
            `${name}-gateway`,
            {
                ...azureCommon,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                zones: ["1", "2", "3"],
            },
            onAzure,
        );
        const gateway = new network.VirtualNetworkGateway(
            name,
            {
                ...azureCommon,
                gatewayType: "Vpn",
                vpnType: "RouteBased",
                vpnGatewayGeneration: "Generation1",
                sku: { name: "VpnGw1AZ", tier: "VpnGw1AZ" },
                enableBgp: false,
                activeActive: false,
                ipConfigurations: [
                    {
                        name: "default",
                        privateIPAllocationMethod: "Dynamic",
                        subnet: { id: args.azure.gatewaySubnetId },
                        publicIPAddress: { id: gatewayAddress.id },
                    },
                ],
            },
            onAzure,
        );

        const privateGateway = new ec2.VpnGateway(name, { vpcId: args.aws.vpcId, tags: { Name: name } }, onAws);
        const customerGateway = new ec2.CustomerGateway(
            name,
            {
                // Static routing: the ASN is required by the API but unused.
                bgpAsn: "65000",
                ipAddress: gatewayAddress.ipAddress.apply((address) => address ?? ""),
                type: "ipsec.1",
                tags: { Name: `${name}-azure` },
            },
            onAws,
        );
        const connection = new ec2.VpnConnection(
            name,
            {
                vpnGatewayId: privateGateway.id,
                customerGatewayId: customerGateway.id,
                type: "ipsec.1",
                staticRoutesOnly: true,
                tunnel1IkeVersions: ["ikev2"],
                tunnel2IkeVersions: ["ikev2"],
                tags: { Name: name },
            },
            onAws,
        );
        new ec2.VpnConnectionRoute(name, { vpnConnectionId: connection.id, destinationCidrBlock: args.azure.vnetCidr }, onAws);
        args.aws.routeTableIds.forEach((routeTableId, index) => {
            new ec2.VpnGatewayRoutePropagation(`${name}-${index}`, { vpnGatewayId: privateGateway.id, routeTableId }, onAws);
        });

        const tunnels = {
            1: { address: connection.tunnel1Address, key: connection.tunnel1PresharedKey },
            2: { address: connection.tunnel2Address, key: connection.tunnel2PresharedKey },
        };
        for (const tunnel of TUNNELS) {
            const localGateway = new network.LocalNetworkGateway(
                `${name}-aws-${tunnel}`,
                {
                    ...azureCommon,
                    gatewayIpAddress: tunnels[tunnel].address,
                    localNetworkAddressSpace: { addressPrefixes: [args.aws.vpcCidr] },
                },
                onAzure,
            );
            new network.VirtualNetworkGatewayConnection(
                `${name}-aws-${tunnel}`,
                {
                    ...azureCommon,
                    connectionType: "IPsec",
                    connectionProtocol: "IKEv2",
                    enableBgp: false,
                    virtualNetworkGateway1: { id: gateway.id },
                    localNetworkGateway2: { id: localGateway.id },
                    sharedKey: pulumi.secret(tunnels[tunnel].key),
                },
                onAzure,
            );
        }

        this.azureGatewayPublicIp = gatewayAddress.ipAddress.apply((address) => address ?? "");
        this.awsTunnelAddresses = [connection.tunnel1Address, connection.tunnel2Address];
        this.registerOutputs({ azureGatewayPublicIp: this.azureGatewayPublicIp, awsTunnelAddresses: this.awsTunnelAddresses });
    }
}
