import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import {
    AKS_POD_CIDR,
    AZURE_SUBNET_NAMES,
    AZURE_SUBNETS,
    AZURE_VPN_GATEWAY_SUBNET,
    azureSubnetPlan,
    azureVpnGatewaySubnet,
    siteAddressSpaceProblem,
    type AzureSubnet,
} from "../../model/addressing";
import { builtInRoleId } from "./roles";

export interface AzureNetworkArgs {
    /** Resource group that holds the network. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region, e.g. `eastus2`. */
    readonly location: string;
    /** Virtual network address space, a canonical IPv4 CIDR from /16 to /20. */
    readonly addressSpace: string;
    /** Tags for every resource. Azure has no provider-level default tags. */
    readonly tags: Readonly<Record<string, string>>;
    /** The only sources that may reach the Application Gateway on 443 and 80 (Cloudflare's edge). */
    readonly gatewaySourceRanges: readonly string[];
    /** Storage account that receives the VNet flow logs. */
    readonly flowLogStorageAccountId: pulumi.Input<string>;
    /** Days the VNet flow logs are kept in the storage account, 1 to 365. */
    readonly flowLogRetentionDays: number;
    /** Log Analytics workspace for traffic analytics. */
    readonly workspaceId: pulumi.Input<string>;
    /**
     * The subscription's existing Network Watcher in this region, when there is one: Azure allows
     * one per region and subscription (`npm run preflight` finds it).
     * @default - the network creates `NetworkWatcher_<location>` in its own resource group, before
     * the VNet, so that Azure does not auto-create another in NetworkWatcherRG
     */
    readonly existingNetworkWatcher?: {
        /** The Network Watcher's name, e.g. "NetworkWatcher_eastus2". */
        readonly name: string;
        /** Its resource group, e.g. "NetworkWatcherRG". */
        readonly resourceGroupName: string;
    };
    /** NAT gateway of the deploy runners' subnet, their only way out. @default none: the subnet has no egress */
    readonly deployRunnerNatGatewayId?: pulumi.Input<string>;
    /** Adds `GatewaySubnet`, where a VPN gateway lives (Azure's fixed name; no NSG, as Azure requires). @default false */
    readonly vpnGatewaySubnet?: boolean;
}

/** The resource group and name of a Network Watcher from its resource id; undefined for anything else. */
export function parseNetworkWatcherId(id: string): { name: string; resourceGroupName: string } | undefined {
    const match = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/networkWatchers\/([^/]+)$/i.exec(id);
    return match ? { resourceGroupName: match[1], name: match[2] } : undefined;
}

/** Private DNS zones that resolve the site's private endpoints, by private-link sub-resource. */
export const PRIVATE_DNS_ZONES = {
    vault: "privatelink.vaultcore.azure.net",
    registry: "privatelink.azurecr.io",
    blob: "privatelink.blob.core.windows.net",
    redisEnterprise: "privatelink.redis.azure.net",
} as const;
export type PrivateLinkGroup = keyof typeof PRIVATE_DNS_ZONES;

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
    /** ARM resource ID of the virtual network. */
    public readonly vnetId: pulumi.Output<string>;
    /** Name of the virtual network. */
    public readonly vnetName: pulumi.Output<string>;
    /** ARM resource ID of each subnet (aksNodes, gateway, privateEndpoints, deployRunner). */
    public readonly subnetIds: Record<AzureSubnet, pulumi.Output<string>>;
    /** CIDR of each subnet, as the address plan carves the address space. */
    public readonly subnetPrefixes: Record<AzureSubnet, string>;
    /**
     * ARM resource ID of each private DNS zone, by private-link sub-resource (vault, registry, blob, redisEnterprise),
     * linked to the VNet.
     */
    public readonly privateDnsZoneIds: Record<PrivateLinkGroup, pulumi.Output<string>>;
    /** ID of the VNet's `GatewaySubnet`, when the network was asked for one (a site-to-site VPN's gateway); else undefined. */
    public readonly vpnGatewaySubnetId?: pulumi.Output<string>;

    constructor(name: string, args: AzureNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const addressSpaceProblem = siteAddressSpaceProblem(args.addressSpace);
        if (addressSpaceProblem) {
            throw new Error(`AzureNetwork ${name}: addressSpace "${args.addressSpace}" ${addressSpaceProblem}`);
        }
        if (!args.location) {
            throw new Error(`AzureNetwork ${name}: location is required, e.g. "eastus2"`);
        }
        if (args.gatewaySourceRanges.length === 0 || args.gatewaySourceRanges.some((range) => range === "*" || range.endsWith("/0"))) {
            throw new Error(`AzureNetwork ${name}: gatewaySourceRanges must list the edge's ranges, never * or 0.0.0.0/0`);
        }
        if (!Number.isInteger(args.flowLogRetentionDays) || args.flowLogRetentionDays < 1 || args.flowLogRetentionDays > 365) {
            throw new Error(`AzureNetwork ${name}: flowLogRetentionDays ${args.flowLogRetentionDays} must be from 1 to 365`);
        }
        super("beacon:azure:Network", name, {}, opts);
        const parent = { parent: this };
        const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: { ...args.tags } };
        this.subnetPrefixes = azureSubnetPlan(args.addressSpace);

        const rulesBySubnet: Record<AzureSubnet, SecurityRule[]> = {
            aksNodes: [
                allowInbound("vnet-internal", 100, args.addressSpace, "*", "*"),
                allowInbound("azure-load-balancer", 110, "AzureLoadBalancer", "*", "*"),
                allowInbound("overlay-pods", 120, AKS_POD_CIDR, "*", "*"),
            ],
            gateway: [
                // Application Gateway v2 needs its control plane and the load balancer probe.
                allowInbound("gateway-manager", 100, "GatewayManager", "Tcp", "65200-65535"),
                allowInbound("azure-load-balancer", 110, "AzureLoadBalancer", "*", "*"),
                allowInbound("edge-https", 120, args.gatewaySourceRanges, "Tcp", "443"),
                allowInbound("edge-http-redirect", 130, args.gatewaySourceRanges, "Tcp", "80"),
            ],
            privateEndpoints: [
                allowInbound("from-aks-nodes", 100, this.subnetPrefixes.aksNodes, "Tcp", "*"),
                // Application Gateway v2 instances fetch their Key Vault certificate themselves,
                // through the vault's private endpoint in this subnet.
                allowInbound("gateway-to-key-vault", 110, this.subnetPrefixes.gateway, "Tcp", "443"),
            ],
            // Nothing comes in: runners only call out (their jobs come from GitHub over HTTPS).
            deployRunner: [],
        };
        const securityGroups = Object.fromEntries(
            AZURE_SUBNET_NAMES.map((subnet) => [
                subnet,
                new network.NetworkSecurityGroup(
                    `${name}-${AZURE_SUBNETS[subnet].name}`,
                    {
                        ...common,
                        securityRules: [...rulesBySubnet[subnet], denyAllInbound()],
                    },
                    parent,
                ),
            ]),
        ) as Record<AzureSubnet, network.NetworkSecurityGroup>;

        const createdWatcher = args.existingNetworkWatcher
            ? undefined
            : new network.NetworkWatcher(`${name}-watcher`, { ...common, networkWatcherName: `NetworkWatcher_${args.location}` }, parent);

        // Subnets live inline: separately managed Subnet resources are dropped from the VNet on
        // its next update unless every change is coordinated, which makes drift on each `up`.
        const vnet = new network.VirtualNetwork(
            name,
            {
                ...common,
                addressSpace: { addressPrefixes: [args.addressSpace] },
                subnets: [
                    ...AZURE_SUBNET_NAMES.map((subnet) => ({
                        name: AZURE_SUBNETS[subnet].name,
                        addressPrefix: this.subnetPrefixes[subnet],
                        networkSecurityGroup: { id: securityGroups[subnet].id },
                        defaultOutboundAccess: false,
                        // Lets the NSG apply to private endpoints too.
                        privateEndpointNetworkPolicies: subnet === "privateEndpoints" ? "Enabled" : undefined,
                        natGateway:
                            subnet === "deployRunner" && args.deployRunnerNatGatewayId ? { id: args.deployRunnerNatGatewayId } : undefined,
                    })),
                    ...(args.vpnGatewaySubnet
                        ? [{ name: AZURE_VPN_GATEWAY_SUBNET.name, addressPrefix: azureVpnGatewaySubnet(args.addressSpace) }]
                        : []),
                ],
            },
            { parent: this, dependsOn: createdWatcher ? [createdWatcher] : [] },
        );
        this.vnetId = vnet.id;
        this.vnetName = vnet.name;
        this.subnetIds = Object.fromEntries(
            AZURE_SUBNET_NAMES.map((subnet) => [subnet, pulumi.interpolate`${vnet.id}/subnets/${AZURE_SUBNETS[subnet].name}`]),
        ) as Record<AzureSubnet, pulumi.Output<string>>;
        if (args.vpnGatewaySubnet) {
            this.vpnGatewaySubnetId = pulumi.interpolate`${vnet.id}/subnets/${AZURE_VPN_GATEWAY_SUBNET.name}`;
        }

        this.privateDnsZoneIds = Object.fromEntries(
            (Object.keys(PRIVATE_DNS_ZONES) as PrivateLinkGroup[]).map((group) => {
                const zone = new privatedns.PrivateZone(
                    `${name}-${group}`,
                    {
                        resourceGroupName: args.resourceGroupName,
                        privateZoneName: PRIVATE_DNS_ZONES[group],
                        location: "Global",
                        tags: { ...args.tags },
                    },
                    parent,
                );
                new privatedns.VirtualNetworkLink(
                    `${name}-${group}`,
                    {
                        resourceGroupName: args.resourceGroupName,
                        privateZoneName: zone.name,
                        location: "Global",
                        virtualNetwork: { id: vnet.id },
                        registrationEnabled: false,
                        tags: { ...args.tags },
                    },
                    parent,
                );
                return [group, zone.id];
            }),
        ) as Record<PrivateLinkGroup, pulumi.Output<string>>;

        // NSG flow logs can no longer be created (since June 2025); VNet flow logs replace them
        // and record every subnet's traffic, with the NSG rule that allowed or denied it.
        // The storage account takes no shared keys, so the flow log writes as its own identity
        // with a blob data role (learn.microsoft.com/azure/network-watcher/vnet-flow-logs-managed-identity).
        const flowLogIdentity = new managedidentity.UserAssignedIdentity(`${name}-flow-logs`, common, parent);
        const writesFlowLogs = new authorization.RoleAssignment(
            `${name}-flow-logs`,
            {
                scope: args.flowLogStorageAccountId,
                principalId: flowLogIdentity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: builtInRoleId(getClientConfigOutput(parent).subscriptionId, "storageBlobDataContributor"),
            },
            parent,
        );
        new network.FlowLog(
            name,
            {
                resourceGroupName: createdWatcher ? args.resourceGroupName : args.existingNetworkWatcher!.resourceGroupName,
                networkWatcherName: createdWatcher ? createdWatcher.name : args.existingNetworkWatcher!.name,
                location: args.location,
                identity: { type: "UserAssigned", userAssignedIdentities: [flowLogIdentity.id] },
                targetResourceId: vnet.id,
                storageId: args.flowLogStorageAccountId,
                enabled: true,
                retentionPolicy: { days: args.flowLogRetentionDays, enabled: true },
                format: { type: "JSON", version: 2 },
                flowAnalyticsConfiguration: {
                    networkWatcherFlowAnalyticsConfiguration: {
                        enabled: true,
                        workspaceResourceId: args.workspaceId,
                        trafficAnalyticsInterval: 10,
                    },
                },
                tags: { ...args.tags },
            },
            { parent: this, dependsOn: [writesFlowLogs] },
        );

        this.registerOutputs({ vnetId: this.vnetId, vnetName: this.vnetName, subnetIds: this.subnetIds });
    }
}

/** An inbound allow from one source (an address prefix or a service tag) or a list of prefixes. */
function allowInbound(
    name: string,
    priority: number,
    source: string | readonly string[],
    protocol: "Tcp" | "*",
    ports: string,
): SecurityRule {
    return {
        name: `allow-${name}`,
        priority,
        direction: "Inbound",
        access: "Allow",
        protocol,
        ...(typeof source === "string" ? { sourceAddressPrefix: source } : { sourceAddressPrefixes: [...source] }),
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
