import { CLOUDFLARE_IPV4_RANGES } from "../../../components/cloudflare/ipRanges";
import { INTERNET, type PortRange, type Protocol } from "../../../model/intent";
import { cidrContains, list, object, PlanView, portsCover, stringsIn, type IntentResource } from "./plan";

/** One allow rule of a security group, inline or its own resource. */
export interface SecurityGroupRule {
    readonly label: string;
    readonly urn: string;
    /** The URN of the group it belongs to (an EKS cluster's URN stands for its cluster security group). */
    readonly group: string;
    readonly direction: "ingress" | "egress";
    readonly protocol: string;
    readonly ports: PortRange;
    readonly cidrs: readonly string[];
    /** URNs of the peer groups. */
    readonly peers: readonly string[];
}

/** Members of a flow's end: the groups they carry and the addresses they use. */
export interface AwsParty {
    readonly name: string;
    readonly groups: readonly string[];
    readonly cidrs: readonly string[];
}

export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

/**
 * Every allow rule of the plan's security groups. A group made by the provider starts with no
 * egress: terraform-provider-aws revokes the default allow-all egress rule when it creates a group
 * in a VPC (internal/service/ec2/vpc_security_group.go, resourceSecurityGroupCreate: "revoking default egress rule"). The
 * cluster security group EKS makes itself admits all traffic from itself and sends anywhere
 * (docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html).
 */
export function securityGroupRules(view: PlanView): SecurityGroupRule[] {
    const groupOf = (reference: unknown): string => {
        const owner = typeof reference === "string" ? view.owner(reference) : undefined;
        return owner?.urn ?? String(reference);
    };
    const rules: SecurityGroupRule[] = [];
    for (const cluster of view.ofType(EKS_CLUSTER)) {
        const all = { protocol: "-1", ports: { from: 0, to: 65535 }, group: cluster.urn, urn: cluster.urn };
        rules.push({
            ...all,
            label: `EKS cluster security group of ${cluster.name}: all from itself`,
            direction: "ingress",
            cidrs: [],
            peers: [cluster.urn],
        });
        rules.push({
            ...all,
            label: `EKS cluster security group of ${cluster.name}: all egress`,
            direction: "egress",
            cidrs: ["0.0.0.0/0"],
            peers: [],
        });
    }
    // At a real preview the ids of groups not yet created are unknown: the engine's property
    // dependencies still say which groups a property came from.
    const groupsFrom = (resource: IntentResource, property: string) =>
        view
            .dependencies(resource, property)
            .filter((dependency) => dependency.type === SECURITY_GROUP || dependency.type === EKS_CLUSTER)
            .map((dependency) => dependency.urn);
    for (const group of view.ofType(SECURITY_GROUP)) {
        for (const direction of ["ingress", "egress"] as const) {
            const referring = list(group.props[direction]).filter((rule) => rule.securityGroups !== undefined);
            list(group.props[direction]).forEach((rule, index) => {
                const resolved = list<string>(rule.securityGroups)
                    .map(groupOf)
                    .filter((peer) => view.get(peer));
                const fromDependencies =
                    rule.securityGroups !== undefined && resolved.length === 0 && referring.length === 1
                        ? groupsFrom(group, direction)
                        : [];
                const peers = [...resolved, ...fromDependencies, ...(rule.self ? [group.urn] : [])];
                rules.push(ruleOf(group, group.urn, direction, rule, peers, `security group ${group.name} ${direction}[${index}]`));
            });
        }
    }
    for (const rule of view.ofType(SECURITY_GROUP_RULE)) {
        const owner = groupsFrom(rule, "securityGroupId")[0] ?? groupOf(rule.props.securityGroupId);
        const direction = rule.props.type === "egress" ? "egress" : "ingress";
        const source =
            groupsFrom(rule, "sourceSecurityGroupId")[0] ??
            (rule.props.sourceSecurityGroupId ? groupOf(rule.props.sourceSecurityGroupId) : undefined);
        const peers = [...(source ? [source] : []), ...(rule.props.self ? [owner] : [])];
        rules.push(ruleOf(rule, owner, direction, rule.props, peers, `security group rule ${rule.name}`));
    }
    for (const rule of view.ofType(INGRESS_RULE, EGRESS_RULE)) {
        const props = rule.props;
        rules.push({
            label: `security group rule ${rule.name}`,
            urn: rule.urn,
            group: groupsFrom(rule, "securityGroupId")[0] ?? groupOf(props.securityGroupId),
            direction: rule.type === INGRESS_RULE ? "ingress" : "egress",
            protocol: String(props.ipProtocol ?? "-1"),
            ports:
                props.ipProtocol === "-1"
                    ? { from: 0, to: 65535 }
                    : { from: Number(props.fromPort ?? 0), to: Number(props.toPort ?? 65535) },
            cidrs: [props.cidrIpv4, props.cidrIpv6].filter((cidr): cidr is string => typeof cidr === "string"),
            peers:
                groupsFrom(rule, "referencedSecurityGroupId").length > 0
                    ? groupsFrom(rule, "referencedSecurityGroupId")
                    : props.referencedSecurityGroupId
                      ? [groupOf(props.referencedSecurityGroupId)]
                      : [],
        });
    }
    return rules;
}

function ruleOf(
    resource: IntentResource,
    group: string,
    direction: "ingress" | "egress",
    rule: Record<string, unknown>,
    peers: string[],
    label: string,
): SecurityGroupRule {
    const protocol = String(rule.protocol ?? "-1").toLowerCase();
    const everyPort = protocol === "-1" || protocol === "all";
    return {
        label,
        urn: resource.urn,
        group,
        direction,
        protocol: everyPort ? "-1" : protocol,
        ports: everyPort ? { from: 0, to: 65535 } : { from: Number(rule.fromPort ?? 0), to: Number(rule.toPort ?? 65535) },
        cidrs: [
            ...list<string>(rule.cidrBlocks),
            ...list<string>(rule.ipv6CidrBlocks),
            ...(typeof rule.cidrIpv4 === "string" ? [rule.cidrIpv4] : []),
        ],
        peers,
    };
}

function protocolMatches(rule: string, protocol: Protocol): boolean {
    return rule === "-1" || rule === protocol || (protocol === "tcp" && rule === "6") || (protocol === "udp" && rule === "17");
}

/**
 * Whether security groups let `from` reach `to` on the flow's ports: an egress rule of a source
 * group and an ingress rule of a destination group must each admit the other side (by group or
 * by covering every address it uses). Groups are stateful, so replies need no rule.
 */
export function securityGroupsAllow(
    rules: readonly SecurityGroupRule[],
    from: AwsParty,
    to: AwsParty,
    ports: PortRange,
    protocol: Protocol,
): { by: string[]; problems: string[] } {
    const by: string[] = [];
    const problems: string[] = [];
    const side = (direction: "ingress" | "egress", owners: readonly string[], peer: AwsParty) => {
        if (owners.length === 0) {
            return;
        }
        const candidates = rules.filter(
            (rule) =>
                rule.direction === direction &&
                owners.includes(rule.group) &&
                protocolMatches(rule.protocol, protocol) &&
                portsCover(rule.ports, ports),
        );
        const byGroup = candidates.find((rule) => rule.peers.some((group) => peer.groups.includes(group)));
        if (byGroup) {
            by.push(byGroup.label);
            return;
        }
        const used = new Set<string>();
        const uncovered = peer.cidrs.filter((cidr) => {
            const covering = candidates.find((rule) => rule.cidrs.some((ruleCidr) => cidrContains(ruleCidr, cidr)));
            if (covering) {
                used.add(covering.label);
            }
            return !covering;
        });
        // Rules that admit part of the peer serve the flow even while it is blocked for the rest.
        by.push(...used);
        if (peer.cidrs.length > 0 && uncovered.length === 0) {
            return;
        }
        const what =
            direction === "ingress"
                ? `no ingress rule of ${to.name}'s security groups admits ${from.name}`
                : `no egress rule of ${from.name}'s security groups lets it reach ${to.name}`;
        problems.push(
            `${what} on ${protocol} ${formatPorts(ports)}${uncovered.length > 0 && uncovered.length < peer.cidrs.length ? ` (uncovered: ${uncovered.join(", ")})` : ""}`,
        );
    };
    side("egress", from.groups, to);
    side("ingress", to.groups, from);
    return { by, problems };
}

export function formatPorts(ports: PortRange): string {
    return ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
}

interface NaclRule {
    readonly number: number;
    readonly egress: boolean;
    readonly allow: boolean;
    readonly protocol: string;
    readonly cidr: string;
    readonly ports: PortRange;
}

/** The ports a reply uses on its way back through a stateless NACL: the client's ephemeral range. */
const EPHEMERAL: PortRange = { from: 1024, to: 65535 };

function naclRulesOf(view: PlanView, acl: IntentResource): NaclRule[] {
    const inline = (["ingress", "egress"] as const).flatMap((direction) =>
        list(acl.props[direction]).map((rule) => ({
            number: Number(rule.ruleNo),
            egress: direction === "egress",
            allow: String(rule.action).toLowerCase() === "allow",
            protocol: String(rule.protocol ?? "-1").toLowerCase(),
            cidr: String(rule.cidrBlock ?? rule.ipv6CidrBlock),
            ports: { from: Number(rule.fromPort ?? 0), to: Number(rule.toPort ?? 65535) },
        })),
    );
    const separate = view
        .ofType("aws:ec2/networkAclRule:NetworkAclRule")
        .filter((rule) => (rule.deps.networkAclId ?? []).includes(acl.urn))
        .map((rule) => ({
            number: Number(rule.props.ruleNumber),
            egress: rule.props.egress === true,
            allow: String(rule.props.ruleAction).toLowerCase() === "allow",
            protocol: String(rule.props.protocol ?? "-1").toLowerCase(),
            cidr: String(rule.props.cidrBlock ?? rule.props.ipv6CidrBlock),
            ports: { from: Number(rule.props.fromPort ?? 0), to: Number(rule.props.toPort ?? 65535) },
        }));
    // Protocol -1 is every protocol on every port, whatever ports the rule states.
    return [...inline, ...separate]
        .map((rule) =>
            rule.protocol === "-1" || rule.protocol === "all" ? { ...rule, protocol: "-1", ports: { from: 0, to: 65535 } } : rule,
        )
        .sort((left, right) => left.number - right.number);
}

/**
 * A stateless NACL decides by its lowest-numbered matching rule, and denies what none matches
 * (docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html); every peer address must pass.
 */
function naclAllows(
    rules: readonly NaclRule[],
    egress: boolean,
    peerCidrs: readonly string[],
    ports: PortRange,
    protocol: Protocol,
): boolean {
    return peerCidrs.every((cidr) => {
        const rule = rules.find(
            (candidate) =>
                candidate.egress === egress &&
                protocolMatches(candidate.protocol, protocol) &&
                cidrContains(candidate.cidr, cidr) &&
                candidate.ports.from <= ports.to &&
                ports.from <= candidate.ports.to,
        );
        return rule !== undefined && rule.allow && portsCover(rule.ports, ports);
    });
}

/** The site's parts, found by type and by what references what. */
export class AwsSite {
    readonly rules: SecurityGroupRule[];
    constructor(readonly view: PlanView) {
        this.rules = securityGroupRules(view);
    }

    get cluster(): IntentResource | undefined {
        return this.view.ofType(EKS_CLUSTER)[0];
    }

    subnetCidrs(resource: IntentResource, property: string): string[] {
        return this.view
            .dependencies(resource, property)
            .filter((dependency) => dependency.type === "aws:ec2/subnet:Subnet")
            .map((subnet) => String(subnet.props.cidrBlock));
    }

    groupsOf(resource: IntentResource, property: string): string[] {
        return this.view
            .dependencies(resource, property)
            .filter((dependency) => dependency.type === SECURITY_GROUP || dependency.type === EKS_CLUSTER)
            .map((group) => group.urn);
    }

    /** Nodes, and the pods on them: VPC CNI gives pods addresses in the nodes' subnets and the nodes' groups. */
    nodes(): AwsParty {
        const nodeGroups = this.view.ofType("aws:eks/nodeGroup:NodeGroup");
        const launchTemplateGroups = nodeGroups.flatMap((nodeGroup) =>
            this.view.dependencies(nodeGroup, "launchTemplate").flatMap((template) => this.groupsOf(template, "vpcSecurityGroupIds")),
        );
        const cluster = this.cluster;
        return {
            name: "the nodes",
            groups: launchTemplateGroups.length > 0 ? launchTemplateGroups : cluster ? [cluster.urn] : [],
            cidrs: [...new Set(nodeGroups.flatMap((nodeGroup) => this.subnetCidrs(nodeGroup, "subnetIds")))],
        };
    }

    /** The internet-facing load balancer, the site's origin. */
    originLoadBalancer(): AwsParty & { resource?: IntentResource } {
        const resource = this.view
            .ofType("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
            .find((lb) => !lb.props.internal);
        return resource
            ? {
                  name: `load balancer ${resource.name}`,
                  groups: this.groupsOf(resource, "securityGroups"),
                  cidrs: this.subnetCidrs(resource, "subnets"),
                  resource,
              }
            : { name: "the origin load balancer", groups: [], cidrs: [] };
    }

    /** The interface endpoint of an AWS service (`sts`, `ecr.dkr`...), or of a Private Link service (Atlas). */
    endpoint(match: (endpoint: IntentResource) => boolean, name: string): (AwsParty & { resource?: IntentResource }) | undefined {
        const resource = this.view.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find(match);
        return (
            resource && {
                name: `${name} endpoint ${resource.name}`,
                groups: this.groupsOf(resource, "securityGroupIds"),
                cidrs: this.subnetCidrs(resource, "subnetIds"),
                resource,
            }
        );
    }

    serviceEndpoint(service: string): (AwsParty & { resource?: IntentResource }) | undefined {
        return this.endpoint((endpoint) => String(endpoint.props.serviceName ?? "").endsWith(`.${service}`), service);
    }

    redis(): AwsParty | undefined {
        const resource = this.view.ofType("aws:elasticache/replicationGroup:ReplicationGroup")[0];
        if (!resource) {
            return undefined;
        }
        const cidrs = this.view
            .dependencies(resource, "subnetGroupName")
            .flatMap((subnetGroup) => this.subnetCidrs(subnetGroup, "subnetIds"));
        return { name: `Redis ${resource.name}`, groups: this.groupsOf(resource, "securityGroupIds"), cidrs };
    }

    /** The deploy runner: whatever runs instances named for it, with the groups and subnets they get. */
    deployer(): AwsParty | undefined {
        const runners = this.view.runnerMachines("aws");
        if (runners.length === 0) {
            return undefined;
        }
        return {
            name: "the deploy runner",
            groups: [
                ...new Set(
                    runners.flatMap((runner) =>
                        ["vpcSecurityGroupIds", "securityGroups", "networkInterfaces"].flatMap((property) =>
                            this.groupsOf(runner, property),
                        ),
                    ),
                ),
            ],
            cidrs: [
                ...new Set(
                    runners.flatMap((runner) =>
                        ["subnetId", "vpcZoneIdentifiers"].flatMap((property) => this.subnetCidrs(runner, property)),
                    ),
                ),
            ],
        };
    }

    /** The NACL of a subnet: one associated with it, else the VPC's default (which allows all unless the plan manages it). */
    private naclOf(subnetCidr: string): IntentResource | undefined {
        const subnet = this.view.ofType("aws:ec2/subnet:Subnet").find((candidate) => candidate.props.cidrBlock === subnetCidr);
        if (!subnet) {
            return undefined;
        }
        const associated =
            this.view.ofType("aws:ec2/networkAcl:NetworkAcl").find((acl) => (acl.deps.subnetIds ?? []).includes(subnet.urn)) ??
            this.view
                .ofType("aws:ec2/networkAclAssociation:NetworkAclAssociation")
                .filter((association) => (association.deps.subnetId ?? []).includes(subnet.urn))
                .flatMap((association) => this.view.dependencies(association, "networkAclId"))[0];
        return associated ?? this.view.ofType("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl")[0];
    }

    /**
     * Whether the NACLs of both ends pass the flow and its replies: out of the source's subnets and
     * into the destination's on the flow's port, and back on the ephemeral ports. Traffic within
     * one subnet crosses no NACL.
     */
    naclsAllow(from: AwsParty, to: AwsParty, ports: PortRange, protocol: Protocol): { by: string[]; problems: string[] } {
        const by: string[] = [];
        const problems: string[] = [];
        const check = (own: readonly string[], peer: readonly string[], outbound: PortRange, inbound: PortRange, role: string) => {
            for (const cidr of own) {
                const acl = this.naclOf(cidr);
                const others = peer.filter((peerCidr) => peerCidr !== cidr);
                if (!acl || others.length === 0) {
                    continue;
                }
                const rules = naclRulesOf(this.view, acl);
                if (!naclAllows(rules, true, others, outbound, protocol) || !naclAllows(rules, false, others, inbound, protocol)) {
                    problems.push(
                        `network ACL ${acl.name} of ${role} subnet ${cidr} does not pass ${protocol} ${formatPorts(ports)} and its replies`,
                    );
                } else {
                    by.push(`network ACL ${acl.name}`);
                }
            }
        };
        check(from.cidrs, to.cidrs, ports, EPHEMERAL, "the source's");
        check(to.cidrs, from.cidrs, EPHEMERAL, ports, "the destination's");
        return { by, problems };
    }

    /** The route tables of the subnets a party uses (through their associations). */
    routeTablesOf(subnetCidrs: readonly string[]): IntentResource[] {
        return this.view.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").flatMap((association) => {
            const inSubnets = this.subnetCidrs(association, "subnetId").some((cidr) => subnetCidrs.includes(cidr));
            return inSubnets ? this.view.dependencies(association, "routeTableId") : [];
        });
    }

    /**
     * The resources a route table's default route (0.0.0.0/0) sends to: through an inline route
     * (`routes`, whose targets its property dependencies name) or a separate `aws:ec2/route:Route`.
     */
    private defaultRouteTargets(table: IntentResource): IntentResource[] {
        const inline = list(table.props.routes).some((route) => route.cidrBlock === INTERNET)
            ? this.view.dependencies(table, "routes")
            : [];
        const separate = this.view
            .ofType("aws:ec2/route:Route")
            .filter(
                (route) =>
                    route.props.destinationCidrBlock === INTERNET &&
                    this.view.dependencies(route, "routeTableId").some((dependency) => dependency.urn === table.urn),
            )
            .flatMap((route) => ["natGatewayId", "gatewayId"].flatMap((property) => this.view.dependencies(route, property)));
        return [...inline, ...separate];
    }

    /**
     * Whether the subnets reach the internet: each one's route table sends the default route to a
     * public NAT gateway, and the NAT gateway's own subnet sends it to an internet gateway, its
     * network ACL passing the traffic and the replies (Amazon VPC User Guide, "NAT gateways": a
     * public NAT gateway sits in a public subnet whose route table routes to an internet gateway).
     */
    internetEgress(subnetCidrs: readonly string[], ports: PortRange, protocol: Protocol): { by: string[]; problems: string[] } {
        return this.overRouteTables(subnetCidrs, (table, cidr) => {
            const natGateways = this.defaultRouteTargets(table).filter((target) => target.type === "aws:ec2/natGateway:NatGateway");
            if (natGateways.length === 0) {
                return {
                    by: [],
                    problems: [`route table ${table.name} of subnet ${cidr} sends nothing to a NAT gateway: no way to the internet`],
                };
            }
            const by: string[] = [];
            const problems: string[] = [];
            for (const nat of natGateways) {
                const natSubnets = this.subnetCidrs(nat, "subnetId");
                if (nat.props.connectivityType === "private") {
                    problems.push(`NAT gateway ${nat.name} is private: it does not reach the internet`);
                } else if (
                    !this.routeTablesOf(natSubnets).some((natTable) =>
                        this.defaultRouteTargets(natTable).some((target) => target.type === "aws:ec2/internetGateway:InternetGateway"),
                    )
                ) {
                    problems.push(`the subnet of NAT gateway ${nat.name} has no route to an internet gateway`);
                } else {
                    by.push(`route table ${table.name} to NAT gateway ${nat.name}, whose subnet routes to an internet gateway`);
                    const acls = this.naclsAllow(
                        { name: `NAT gateway ${nat.name}`, groups: [], cidrs: natSubnets },
                        { name: "the internet", groups: [], cidrs: [INTERNET] },
                        ports,
                        protocol,
                    );
                    by.push(...acls.by);
                    problems.push(...acls.problems);
                }
            }
            return { by, problems };
        });
    }

    /**
     * Whether the subnets send traffic for `destinations` into a site-to-site VPN that carries it: each
     * subnet's route table has the VPN gateway's routes propagated (`VpnGatewayRoutePropagation`) or a
     * route to it covering them, and a VPN connection on that gateway routes them statically
     * (`VpnConnectionRoute`) or learns them through BGP (AWS Site-to-Site VPN User Guide, "Route tables
     * and VPN route priority").
     */
    vpnRoutes(subnetCidrs: readonly string[], destinations: readonly string[]): { by: string[]; problems: string[] } {
        const gateways = this.view.ofType("aws:ec2/vpnGateway:VpnGateway");
        const connections = this.view.ofType("aws:ec2/vpnConnection:VpnConnection");
        const staticRoutes = this.view.ofType("aws:ec2/vpnConnectionRoute:VpnConnectionRoute");
        const carries = (gateway: IntentResource) =>
            connections
                .filter((connection) => this.view.dependencies(connection, "vpnGatewayId").includes(gateway))
                .some(
                    (connection) =>
                        connection.props.staticRoutesOnly !== true ||
                        destinations.every((destination) =>
                            staticRoutes.some(
                                (route) =>
                                    this.view.dependencies(route, "vpnConnectionId").includes(connection) &&
                                    cidrContains(String(route.props.destinationCidrBlock), destination),
                            ),
                        ),
                );
        return this.overRouteTables(subnetCidrs, (table, cidr) => {
            const propagated = this.view
                .ofType("aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation")
                .filter((propagation) => this.view.dependencies(propagation, "routeTableId").includes(table))
                .flatMap((propagation) => this.view.dependencies(propagation, "vpnGatewayId"));
            const routed = list(table.props.routes).some((route) =>
                destinations.every((destination) => cidrContains(String(route.cidrBlock), destination)),
            )
                ? this.view.dependencies(table, "routes").filter((target) => gateways.includes(target))
                : [];
            const gateway = [...propagated, ...routed].find(carries);
            return gateway
                ? {
                      by: [
                          `route table ${table.name} into VPN gateway ${gateway.name}, whose connection routes ${destinations.join(", ")}`,
                      ],
                      problems: [],
                  }
                : {
                      by: [],
                      problems: [
                          `route table ${table.name} of subnet ${cidr} sends nothing for ${destinations.join(", ")} into a VPN that carries it`,
                      ],
                  };
        });
    }

    /**
     * `check` over the route tables of each subnet, gathering what it finds. A subnet with no route
     * table of the stack's is a problem of its own: its traffic would follow the VPC's main table,
     * which the stack does not manage.
     */
    private overRouteTables(
        subnetCidrs: readonly string[],
        check: (table: IntentResource, cidr: string) => { by: string[]; problems: string[] },
    ): { by: string[]; problems: string[] } {
        const by: string[] = [];
        const problems: string[] = [];
        for (const cidr of subnetCidrs) {
            const tables = this.routeTablesOf([cidr]);
            if (tables.length === 0) {
                problems.push(`subnet ${cidr} has no route table of the stack's`);
            }
            for (const table of tables) {
                const found = check(table, cidr);
                by.push(...found.by);
                problems.push(...found.problems);
            }
        }
        return { by: [...new Set(by)], problems: [...new Set(problems)] };
    }

    /** The account, from the first role ARN in the plan: one stack deploys into one account. */
    accountId(): string | undefined {
        return this.view.firstFound((resource) =>
            stringsIn(resource.props)
                .map((text) => /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(text)?.[1])
                .find((account) => account !== undefined),
        );
    }
}

export const cloudflareEdge: AwsParty = { name: "Cloudflare's edge", groups: [], cidrs: CLOUDFLARE_IPV4_RANGES };

/** Whether the VPC CNI enforces NetworkPolicies: only when its add-on config says so. */
export function vpcCniEnforcesPolicies(view: PlanView): boolean {
    const cni = view.ofType("aws:eks/addon:Addon").find((addon) => addon.props.addonName === "vpc-cni");
    const values = cni?.props.configurationValues;
    if (typeof values !== "string") {
        return false;
    }
    try {
        return String(object(JSON.parse(values)).enableNetworkPolicy) === "true";
    } catch {
        return false;
    }
}
