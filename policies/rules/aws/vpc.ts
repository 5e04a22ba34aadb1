import { arrayInput, asList } from "../../lib/props";
import { propertyRule, resourceRule, stackRule } from "../../lib/rules";

export const awsEndpointsPrivateDns = propertyRule({
    name: "aws-vpc-endpoint-private-dns",
    pack: "security",
    description:
        "Interface endpoints for AWS services resolve the services' public names privately, so clients use them without configuration.",
    severity: "low",
    remediation: "Set privateDnsEnabled on interface endpoints of AWS services.",
    controls: { pciDss: ["1.3.2"], soc2: ["CC6.6"] },
    types: ["aws:ec2/vpcEndpoint:VpcEndpoint"],
    problem: (props) =>
        // Endpoint services of other parties (com.amazonaws.vpce.<region>.vpce-svc-...) have no AWS name to resolve.
        props.vpcEndpointType === "Interface" && !String(props.serviceName).includes(".vpce-svc-") && props.privateDnsEnabled !== true
            ? "private DNS is off"
            : undefined,
});

/** Ingress rules that admit the whole internet. */
function openIngress(rules: Record<string, unknown>[]): string[] {
    return rules
        .filter((rule) => asList(rule.cidrBlocks).includes("0.0.0.0/0") || asList(rule.ipv6CidrBlocks).includes("::/0"))
        .map((rule) => `${String(rule.fromPort)}-${String(rule.toPort)}`);
}

export const awsSecurityGroupNoOpenIngress = propertyRule({
    name: "aws-security-group-no-open-ingress",
    pack: "security",
    description: "No security group admits the whole internet; the origins admit only Cloudflare's ranges.",
    severity: "critical",
    remediation: "List the networks that need access (for the origin: Cloudflare's published ranges).",
    controls: { pciDss: ["1.3.1", "1.4.2"], soc2: ["CC6.6"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["aws:ec2/securityGroup:SecurityGroup"],
    problem: (props) => {
        const open = openIngress(arrayInput(props.ingress));
        return open.length > 0 ? `admits the internet on ports ${open.join(", ")}` : undefined;
    },
});

export const awsSecurityGroupRuleNoOpenIngress = propertyRule({
    name: "aws-security-group-rule-no-open-ingress",
    pack: "security",
    description: "No standalone security group rule admits the whole internet.",
    severity: "critical",
    remediation: "Admit a security group or the networks that need access instead.",
    controls: { pciDss: ["1.3.1", "1.4.2"], soc2: ["CC6.6"] },
    types: ["aws:ec2/securityGroupRule:SecurityGroupRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"],
    problem: (props) =>
        (props.type ?? "ingress") === "ingress" && (asList(props.cidrBlocks).includes("0.0.0.0/0") || props.cidrIpv4 === "0.0.0.0/0")
            ? "admits the internet"
            : undefined,
});

const VPC = "aws:ec2/vpc:Vpc";

const SUBNET = "aws:ec2/subnet:Subnet";

const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

const NAT_GATEWAY = "aws:ec2/natGateway:NatGateway";

export const awsDefaultSecurityGroupClosed = resourceRule({
    name: "aws-default-security-group-closed",
    pack: "security",
    description: "A VPC's default security group allows no traffic, so nothing attached to it by default is reachable.",
    severity: "high",
    remediation: "Manage the default security group with aws.ec2.DefaultSecurityGroup and give it no ingress and no egress rules.",
    controls: { pciDss: ["1.3.1", "1.3.2"], soc2: ["CC6.6"], gdpr: ["32"] },
    types: ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
    check: ({ props }) => [
        ...(Array.isArray(props.ingress) && props.ingress.length > 0
            ? [`allows ${props.ingress.length} ingress rule(s); remove them all`]
            : []),
        ...(Array.isArray(props.egress) && props.egress.length > 0
            ? [`allows ${props.egress.length} egress rule(s); remove them all`]
            : []),
    ],
});

export const awsSubnetNoAutoPublicIp = resourceRule({
    name: "aws-subnet-no-auto-public-ip",
    pack: "security",
    description: "No subnet hands out public IP addresses by default; only load balancers and NAT gateways face the internet.",
    severity: "medium",
    remediation: "Set mapPublicIpOnLaunch: false on the subnet.",
    controls: { pciDss: ["1.4.4"], soc2: ["CC6.6"], gdpr: ["32"] },
    types: [SUBNET],
    check: ({ props }) => (props.mapPublicIpOnLaunch === true ? ["mapPublicIpOnLaunch is true; set it to false"] : []),
});

export const awsVpcFlowLogs = stackRule({
    name: "aws-vpc-flow-logs",
    pack: "compliance",
    description: "Every VPC has a flow log that captures all traffic.",
    severity: "high",
    remediation: "Add an aws.ec2.FlowLog with trafficType ALL and vpcId set to the VPC (the AwsNetwork component does).",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"], gdpr: ["32"] },
    check: (stack) =>
        stack.ofType(VPC).flatMap((vpc) => {
            const flowLogs = stack.referencing(vpc.urn, FLOW_LOG, "vpcId");
            if (flowLogs.length === 0) {
                return [{ message: "has no flow log", urn: vpc.urn }];
            }
            return flowLogs.some((flowLog) => flowLog.props.trafficType === "ALL")
                ? []
                : [{ message: "has flow logs, but none captures ALL traffic", urn: vpc.urn }];
        }),
});

interface ZoneConfig {
    minimumZones: number;
}

/** The distinct availability zones of the stack's subnets of a tier. */
function zonesOf(subnets: { props: Record<string, unknown> }[], tier: string): Set<string> {
    return new Set(
        subnets
            .filter((subnet) => (subnet.props.tags as Record<string, string> | undefined)?.tier === tier)
            .map((subnet) => String(subnet.props.availabilityZone ?? subnet.props.availabilityZoneId)),
    );
}

export const awsSubnetsSpanZones = stackRule<ZoneConfig>({
    name: "aws-subnets-span-zones",
    pack: "resilience",
    description: "Workload subnets span enough availability zones to survive losing one.",
    severity: "high",
    remediation: "Raise crypto-beacon:awsZoneCount, or add private subnets in more zones.",
    controls: { soc2: ["A1.2"] },
    configSchema: {
        properties: {
            minimumZones: { type: "integer", minimum: 2, maximum: 6, default: 3, description: "Zones the private subnets must span." },
        },
    },
    check: (stack, config) => {
        const subnets = stack.ofType(SUBNET);
        const zones = zonesOf(subnets, "private");
        return subnets.length > 0 && zones.size < config.minimumZones
            ? [{ message: `private subnets span ${zones.size} availability zone(s); at least ${config.minimumZones} required` }]
            : [];
    },
});

export const awsNatGatewayPerZone = stackRule({
    name: "aws-nat-gateway-per-zone",
    pack: "resilience",
    description: "Each zone with private subnets has its own NAT gateway, so losing a zone does not cut the others' egress.",
    severity: "medium",
    remediation: "Set crypto-beacon:awsNatGatewayCount to crypto-beacon:awsZoneCount.",
    controls: { soc2: ["A1.2"] },
    enforcementLevel: "advisory",
    check: (stack) => {
        const privateZones = zonesOf(stack.ofType(SUBNET), "private").size;
        const natGateways = stack.ofType(NAT_GATEWAY).length;
        return natGateways < privateZones
            ? [
                  {
                      message: `${natGateways} NAT gateway(s) serve private subnets in ${privateZones} zones; a zone failure cuts egress for the others`,
                  },
              ]
            : [];
    },
});
