import type { PortRange, Protocol } from "../../../model/intent";
import { azureName, cidrContains, isAddress, list, object, parsePortRange, portsCover, type IntentResource, type PlanView } from "./plan";

/** One party of a flow on Azure: addresses, or a service tag for Azure's own sources. */
export interface AzureParty {
    readonly name: string;
    readonly cidrs: readonly string[];
    readonly tag?: string;
}

export interface AzureSubnet {
    readonly name: string;
    readonly cidr: string;
    readonly nsg?: IntentResource;
    /** The NAT gateway the subnet's outbound traffic leaves through. */
    readonly natGateway?: IntentResource;
    /** Whether NSGs filter traffic to private endpoints in it (`privateEndpointNetworkPolicies`). */
    readonly filtersPrivateEndpoints: boolean;
    readonly vnet: IntentResource;
}

interface NsgRule {
    readonly label: string;
    readonly priority: number;
    readonly direction: "Inbound" | "Outbound";
    readonly allow: boolean;
    readonly protocol: string;
    readonly peers: readonly string[];
    readonly ports: readonly PortRange[];
}

/**
 * The rules Azure adds under every NSG's own (learn.microsoft.com/azure/virtual-network/
 * network-security-groups-overview#default-security-rules). Outbound, AllowVnetOutBound and
 * AllowInternetOutBound between them reach every destination this design uses.
 */
const DEFAULT_RULES: NsgRule[] = [
    {
        label: "default AllowVnetInBound",
        priority: 65000,
        direction: "Inbound",
        allow: true,
        protocol: "*",
        peers: ["VirtualNetwork"],
        ports: [{ from: 0, to: 65535 }],
    },
    {
        label: "default AllowAzureLoadBalancerInBound",
        priority: 65001,
        direction: "Inbound",
        allow: true,
        protocol: "*",
        peers: ["AzureLoadBalancer"],
        ports: [{ from: 0, to: 65535 }],
    },
    {
        label: "default DenyAllInBound",
        priority: 65500,
        direction: "Inbound",
        allow: false,
        protocol: "*",
        peers: ["*"],
        ports: [{ from: 0, to: 65535 }],
    },
    {
        label: "default AllowOutBound",
        priority: 65000,
        direction: "Outbound",
        allow: true,
        protocol: "*",
        peers: ["*"],
        ports: [{ from: 0, to: 65535 }],
    },
];

/** The custom rules of an NSG, as the flow checks and the openings report read them. */
export function nsgRules(nsg: IntentResource): (NsgRule & { index: number })[] {
    return list(nsg.props.securityRules).map((rule, index) => {
        const direction = rule.direction === "Outbound" ? "Outbound" : "Inbound";
        const peerKeys =
            direction === "Inbound"
                ? ["sourceAddressPrefix", "sourceAddressPrefixes"]
                : ["destinationAddressPrefix", "destinationAddressPrefixes"];
        const ports = [
            ...list<string>(rule.destinationPortRanges),
            ...(rule.destinationPortRange !== undefined ? [String(rule.destinationPortRange)] : []),
        ];
        return {
            index,
            label: `NSG ${nsg.name} rule ${String(rule.name ?? index)} (${String(rule.priority)})`,
            priority: Number(rule.priority),
            direction,
            allow: rule.access === "Allow",
            protocol: String(rule.protocol ?? "*").toLowerCase(),
            peers: peerKeys.flatMap((key) => list<string>(rule[key])),
            ports: (ports.length > 0 ? ports : ["*"]).flatMap((port) => parsePortRange(port) ?? []),
        };
    });
}

function isPublic(cidr: string): boolean {
    return !["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8"].some((range) => cidrContains(range, cidr));
}

function peerMatches(prefix: string, party: AzureParty, vnetSpace: readonly string[]): boolean {
    if (prefix === "*" || prefix.toLowerCase() === "any") {
        return true;
    }
    if (isAddress(prefix)) {
        return party.cidrs.length > 0 && party.cidrs.every((cidr) => cidrContains(prefix, cidr));
    }
    if (party.tag) {
        return party.tag.toLowerCase() === prefix.toLowerCase();
    }
    if (prefix === "VirtualNetwork") {
        return party.cidrs.length > 0 && party.cidrs.every((cidr) => vnetSpace.some((space) => cidrContains(space, cidr)));
    }
    if (prefix === "Internet") {
        return party.cidrs.length > 0 && party.cidrs.every(isPublic);
    }
    return false;
}

/** A rule matches a party when each of its addresses (or its tag) falls under one of the rule's prefixes. */
function ruleAdmits(prefixes: readonly string[], party: AzureParty, vnetSpace: readonly string[]): boolean {
    if (party.tag || party.cidrs.length === 0) {
        return prefixes.some((prefix) => peerMatches(prefix, party, vnetSpace));
    }
    return party.cidrs.every((cidr) => prefixes.some((prefix) => peerMatches(prefix, { name: party.name, cidrs: [cidr] }, vnetSpace)));
}

/**
 * Whether an NSG lets the peer through in one direction: its rules and the defaults in priority
 * order, the first that matches protocol, port and peer decides.
 */
export function nsgAllows(
    nsg: IntentResource,
    direction: "Inbound" | "Outbound",
    peer: AzureParty,
    ports: PortRange,
    protocol: Protocol,
    vnetSpace: readonly string[],
): { allowed: boolean; by: string } {
    const rules = [...nsgRules(nsg), ...DEFAULT_RULES]
        .filter((rule) => rule.direction === direction)
        .sort((left, right) => left.priority - right.priority);
    for (const rule of rules) {
        const protocolOk = rule.protocol === "*" || rule.protocol === protocol;
        const overlaps = rule.ports.some((range) => range.from <= ports.to && ports.from <= range.to);
        if (!protocolOk || !overlaps || !ruleAdmits(rule.peers, peer, vnetSpace)) {
            continue;
        }
        const covers = rule.ports.some((range) => portsCover(range, ports));
        if (rule.allow && covers) {
            return { allowed: true, by: rule.label };
        }
        if (!rule.allow) {
            return { allowed: false, by: rule.label };
        }
    }
    return { allowed: false, by: `no rule of NSG ${nsg.name}` };
}

/** The ports Application Gateway v2's infrastructure traffic from GatewayManager arrives on. */
export const GATEWAY_MANAGER_PORTS: PortRange = { from: 65200, to: 65535 };

/** The site's network, found by type and reference. */
export class AzureSite {
    readonly subnets: AzureSubnet[];
    readonly vnetSpace: string[];

    constructor(readonly view: PlanView) {
        /** The resource of `type` an ARM id names: the one the plan shows it came from, else the one its last segment names. */
        const referenced =
            (type: string) =>
            (id: unknown): IntentResource | undefined => {
                if (typeof id !== "string") {
                    return undefined;
                }
                const owner = view.owner(id);
                if (owner?.type === type) {
                    return owner;
                }
                const leaf = id.split("/").pop() ?? "";
                return view.ofType(type).find((resource) => leaf === azureName(resource) || leaf.startsWith(resource.name));
            };
        const nsgOf = referenced("azure-native:network:NetworkSecurityGroup");
        const natGatewayOf = referenced("azure-native:network:NatGateway");
        const vnets = view.ofType("azure-native:network:VirtualNetwork");
        this.vnetSpace = vnets.flatMap((vnet) => list<string>(object(vnet.props.addressSpace).addressPrefixes));
        const inline = vnets.flatMap((vnet) =>
            list(vnet.props.subnets).map((subnet) => ({
                name: String(subnet.name),
                cidr: String(subnet.addressPrefix ?? list<string>(subnet.addressPrefixes)[0]),
                nsg: nsgOf(object(subnet.networkSecurityGroup).id),
                natGateway: natGatewayOf(object(subnet.natGateway).id),
                filtersPrivateEndpoints: ["Enabled", "NetworkSecurityGroupEnabled"].includes(String(subnet.privateEndpointNetworkPolicies)),
                vnet,
            })),
        );
        const separate = view.ofType("azure-native:network:Subnet").map((subnet) => ({
            name: azureName(subnet),
            cidr: String(subnet.props.addressPrefix ?? list<string>(subnet.props.addressPrefixes)[0]),
            nsg: nsgOf(object(subnet.props.networkSecurityGroup).id),
            natGateway: natGatewayOf(object(subnet.props.natGateway).id),
            filtersPrivateEndpoints: ["Enabled", "NetworkSecurityGroupEnabled"].includes(
                String(subnet.props.privateEndpointNetworkPolicies),
            ),
            vnet: view.dependencies(subnet, "virtualNetworkName")[0] ?? subnet,
        }));
        this.subnets = [...inline, ...separate];
    }

    /** The subnet an Azure resource id points into (`.../subnets/<name>`). */
    subnetOf(reference: unknown): AzureSubnet | undefined {
        const match = /\/subnets\/([^/]+)/.exec(String(reference ?? ""));
        return match ? this.subnets.find((subnet) => subnet.name === match[1]) : undefined;
    }

    get cluster(): IntentResource | undefined {
        return this.view.ofType("azure-native:containerservice:ManagedCluster")[0];
    }

    nodeSubnet(): AzureSubnet | undefined {
        const pool = list(this.cluster?.props.agentPoolProfiles)[0];
        return (
            this.subnetOf(pool?.vnetSubnetID) ??
            this.subnetOf(this.view.ofType("azure-native:containerservice:AgentPool")[0]?.props.vnetSubnetID)
        );
    }

    /** With Azure CNI overlay, pods use the pod CIDR between nodes and the node's address elsewhere. */
    podCidr(): string | undefined {
        const profile = object(this.cluster?.props.networkProfile);
        return profile.networkPluginMode === "overlay" ? String(profile.podCidr) : undefined;
    }

    get applicationGateway(): IntentResource | undefined {
        return this.view.ofType("azure-native:network:ApplicationGateway")[0];
    }

    /**
     * The Application Gateway's subnet; before the gateway exists (a site at `foundation`), the
     * subnet prepared for one: its NSG admits the GatewayManager service tag on TCP 65200-65535,
     * which Application Gateway v2 requires of its subnet ("Application Gateway infrastructure
     * configuration", learn.microsoft.com/azure/application-gateway/configuration-infrastructure).
     */
    gatewaySubnet(): AzureSubnet | undefined {
        const gateway = this.applicationGateway;
        if (gateway) {
            return this.subnetOf(object(list(gateway.props.gatewayIPConfigurations)[0]?.subnet).id);
        }
        const gatewayManager: AzureParty = { name: "GatewayManager", cidrs: [], tag: "GatewayManager" };
        return this.subnets.find(
            (subnet) =>
                subnet.nsg !== undefined &&
                nsgAllows(subnet.nsg, "Inbound", gatewayManager, GATEWAY_MANAGER_PORTS, "tcp", this.vnetSpace).allowed,
        );
    }

    /** The private endpoint of a sub-resource (`vault`, `registry`, `redisEnterprise`, `blob`), or the database's (manual connection). */
    privateEndpoint(groupId: string | "database"): { resource: IntentResource; subnet?: AzureSubnet } | undefined {
        const resource = this.view
            .ofType("azure-native:network:PrivateEndpoint")
            .find((endpoint) =>
                groupId === "database"
                    ? list(endpoint.props.manualPrivateLinkServiceConnections).length > 0
                    : list(endpoint.props.privateLinkServiceConnections).some((connection) =>
                          list<string>(connection.groupIds).includes(groupId),
                      ),
            );
        return resource && { resource, subnet: this.subnetOf(object(resource.props.subnet).id) };
    }

    /** The deploy runner's subnet: the one its machines point into. */
    deployerSubnet(): AzureSubnet | undefined {
        for (const resource of this.view.runnerMachines("azure")) {
            // A subnet made as its own resource may have no id yet at preview: its dependency names it.
            const subnetResource = Object.keys(resource.deps)
                .flatMap((property) => this.view.dependencies(resource, property))
                .find((dependency) => dependency.type === "azure-native:network:Subnet");
            const dependent = subnetResource && this.subnets.find((subnet) => subnet.name === azureName(subnetResource));
            if (dependent) {
                return dependent;
            }
            const found = JSON.stringify(resource.props).match(/\/subnets\/([^/"]+)/);
            if (found) {
                return this.subnets.find((subnet) => subnet.name === found[1]);
            }
        }
        return undefined;
    }

    /**
     * Whether a subnet's machines reach the internet: through a NAT gateway with a public address,
     * the explicit outbound the subnet's configuration gives. Default outbound access is not counted:
     * Azure retires it, and our subnets turn it off ("Default outbound access in Azure",
     * learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access).
     */
    internetEgress(subnet: AzureSubnet): { by: string[]; problems: string[] } {
        const nat = subnet.natGateway;
        if (!nat) {
            return { by: [], problems: [`subnet ${subnet.name} has no NAT gateway: no way to the internet`] };
        }
        const addresses = [...list(nat.props.publicIpAddresses), ...list(nat.props.publicIpPrefixes)];
        return addresses.length > 0
            ? { by: [`NAT gateway ${nat.name} of subnet ${subnet.name}`], problems: [] }
            : { by: [], problems: [`NAT gateway ${nat.name} of subnet ${subnet.name} has no public address`] };
    }

    /**
     * Whether traffic from `sources` arrives through a site-to-site VPN: a connection on one of the
     * VNet's gateways to a local network gateway whose address space holds them, which Azure routes
     * back through the gateway ("About VPN Gateway configuration settings", local network gateways).
     */
    vpnFrom(sources: readonly string[]): { by: string[]; problems: string[] } {
        const connection = this.view.ofType("azure-native:network:VirtualNetworkGatewayConnection").find((candidate) =>
            this.view.dependencies(candidate, "localNetworkGateway2").some((local) => {
                const prefixes = list<string>(object(local.props.localNetworkAddressSpace).addressPrefixes);
                return sources.every((source) => prefixes.some((prefix) => cidrContains(prefix, source)));
            }),
        );
        return connection
            ? { by: [`VPN connection ${connection.name}`], problems: [] }
            : { by: [], problems: [`no VPN connection's local network gateway holds ${sources.join(", ")}`] };
    }

    enforcesNetworkPolicies(): boolean {
        return ["cilium", "calico", "azure"].includes(String(object(this.cluster?.props.networkProfile).networkPolicy));
    }

    /**
     * Whether traffic from `from` (in `fromSubnet`, if any) reaches `to` in `toSubnet`: the source
     * subnet's NSG outbound and the destination subnet's NSG inbound. A private endpoint's subnet
     * filters it only when its private-endpoint network policies are on.
     */
    reach(
        from: AzureParty,
        fromSubnet: AzureSubnet | undefined,
        to: AzureParty,
        toSubnet: AzureSubnet | undefined,
        ports: PortRange,
        protocol: Protocol,
        privateEndpoint = false,
    ): { by: string[]; problems: string[] } {
        const by: string[] = [];
        const problems: string[] = [];
        if (fromSubnet?.nsg) {
            const outbound = nsgAllows(fromSubnet.nsg, "Outbound", to, ports, protocol, this.vnetSpace);
            (outbound.allowed ? by : problems).push(
                outbound.allowed
                    ? outbound.by
                    : `${outbound.by}: ${from.name} cannot send to ${to.name} on ${protocol} ${ports.from}-${ports.to}`,
            );
        }
        if (!toSubnet) {
            return { by, problems };
        }
        if (privateEndpoint && !toSubnet.filtersPrivateEndpoints) {
            by.push(`subnet ${toSubnet.name}: private-endpoint network policies off, NSG not applied`);
        } else if (toSubnet.nsg) {
            const inbound = nsgAllows(toSubnet.nsg, "Inbound", from, ports, protocol, this.vnetSpace);
            (inbound.allowed ? by : problems).push(
                inbound.allowed
                    ? inbound.by
                    : `${inbound.by} blocks ${from.name} (${from.tag ?? from.cidrs.join(", ")}) to ${to.name} on ${protocol} ${ports.from === ports.to ? ports.from : `${ports.from}-${ports.to}`}`,
            );
        } else {
            by.push(`subnet ${toSubnet.name} has no NSG`);
        }
        return { by, problems };
    }
}
