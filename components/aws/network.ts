import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import { AWS_ZONE_COUNT, awsSubnetPlan, natGatewayCountProblem, siteAddressSpaceProblem, type AwsSubnetTier } from "../../model/addressing";
import { PORTS } from "../../model/intent";
import { encryptedLogGroup } from "./logGroup";

export interface AwsNetworkArgs {
    /** VPC address space, a canonical IPv4 CIDR from /16 to /20. */
    readonly cidrBlock: string;
    /** Availability zones to span, 2 or 3. @default 3 */
    readonly zoneCount?: number;
    /**
     * NAT gateways, from 1 to `zoneCount`. Private subnets in zones without their own NAT gateway
     * share the first one. @default 1 - cheap; use one per zone where a zone failure must keep egress
     */
    readonly natGatewayCount?: number;
    /** Days that flow logs are kept. @default 365 */
    readonly flowLogRetentionDays?: number;
    /** KMS key that encrypts the flow logs (its policy must admit CloudWatch Logs). */
    readonly logsKmsKeyArn: pulumi.Input<string>;
}

/**
 * Interface endpoints that keep workloads' calls to these services inside the VPC, so private
 * subnets need no internet for pulling images, reading secrets or assuming roles.
 */
export const AWS_INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "secretsmanager", "sts"] as const;

/**
 * The AWS site's network: a VPC across two or three zones with public, private and isolated
 * subnets, NAT gateways for private egress, a default security group that allows nothing, VPC
 * endpoints for ECR, S3, Secrets Manager and STS, and flow logs of all traffic to a
 * KMS-encrypted CloudWatch log group.
 */
export class AwsNetwork extends pulumi.ComponentResource {
    /** ID of the site's VPC. */
    public readonly vpcId: pulumi.Output<string>;
    /** IDs of the public subnets, one per zone, in zone order: load balancers and NAT gateways. */
    public readonly publicSubnetIds: pulumi.Output<string>[];
    /** IDs of the private subnets, one per zone, in zone order: EKS nodes and pods, egress through NAT. */
    public readonly privateSubnetIds: pulumi.Output<string>[];
    /** The private subnets' route tables, where a VPN gateway propagates its routes. */
    public readonly privateRouteTableIds: pulumi.Output<string>[];
    /** IDs of the isolated subnets, one per zone, in zone order: data stores, no route out of the VPC. */
    public readonly isolatedSubnetIds: pulumi.Output<string>[];
    /** Name of the KMS-encrypted CloudWatch log group that receives the VPC's flow logs. */
    public readonly flowLogGroupName: pulumi.Output<string>;
    /** CIDRs of the private subnets, in zone order, as the address plan carves them. */
    public readonly privateSubnetCidrs: string[];
    /** CIDRs of the public subnets, in zone order, as the address plan carves them. */
    public readonly publicSubnetCidrs: string[];
    /** ID of the S3 gateway endpoint on the private and isolated route tables; the assets bucket is read only through it. */
    public readonly s3EndpointId: pulumi.Output<string>;
    /** The public address ranges that S3 traffic through the gateway endpoint goes to (its prefix list). */
    public readonly s3EndpointCidrBlocks: pulumi.Output<string[]>;

    constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const { zoneCount, natGatewayCount, flowLogRetentionDays } = validateAwsNetworkArgs(name, args);
        super("beacon:aws:Network", name, {}, opts);
        const parent = { parent: this };

        const zones = getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            parent,
        ).names.apply((names) => {
            if (names.length < zoneCount) {
                throw new Error(`AwsNetwork ${name}: the region has ${names.length} availability zones; zoneCount is ${zoneCount}`);
            }
            return names.slice(0, zoneCount);
        });

        const vpc = new ec2.Vpc(
            name,
            {
                cidrBlock: args.cidrBlock,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: { Name: name },
            },
            parent,
        );
        this.vpcId = vpc.id;

        // The default security group allows all traffic between its members; strip it so that
        // nothing can be attached to an open group by accident (CIS AWS 5.4).
        new ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: vpc.id, tags: { Name: `${name}-default-deny` } }, parent);

        const subnetPlan = awsSubnetPlan(args.cidrBlock, zoneCount);
        const subnets = (tier: AwsSubnetTier) =>
            subnetPlan[tier].map((cidrBlock, zone) => {
                return new ec2.Subnet(
                    `${name}-${tier}-${zone}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock,
                        availabilityZone: zones[zone],
                        // Nothing gets a public address by default, not even in public subnets.
                        mapPublicIpOnLaunch: false,
                        tags: { Name: `${name}-${tier}-${zone}`, tier, ...loadBalancerRoleTag(tier) },
                    },
                    parent,
                );
            });
        const publicSubnets = subnets("public");
        const privateSubnets = subnets("private");
        const isolatedSubnets = subnets("isolated");
        this.publicSubnetIds = publicSubnets.map((subnet) => subnet.id);
        this.privateSubnetIds = privateSubnets.map((subnet) => subnet.id);
        this.isolatedSubnetIds = isolatedSubnets.map((subnet) => subnet.id);

        const internetGateway = new ec2.InternetGateway(name, { vpcId: vpc.id, tags: { Name: name } }, parent);
        const publicRoutes = new ec2.RouteTable(
            `${name}-public`,
            {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }],
                tags: { Name: `${name}-public` },
            },
            parent,
        );
        publicSubnets.forEach(
            (subnet, zone) =>
                new ec2.RouteTableAssociation(`${name}-public-${zone}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent),
        );

        const natGateways = publicSubnets.slice(0, natGatewayCount).map((subnet, zone) => {
            const address = new ec2.Eip(`${name}-nat-${zone}`, { domain: "vpc", tags: { Name: `${name}-nat-${zone}` } }, parent);
            return new ec2.NatGateway(
                `${name}-${zone}`,
                {
                    allocationId: address.id,
                    subnetId: subnet.id,
                    tags: { Name: `${name}-${zone}` },
                },
                { parent: this, dependsOn: [internetGateway] },
            );
        });
        const privateRouteTables = privateSubnets.map((subnet, zone) => {
            const routes = new ec2.RouteTable(
                `${name}-private-${zone}`,
                {
                    vpcId: vpc.id,
                    routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateways[zone % natGatewayCount].id }],
                    tags: { Name: `${name}-private-${zone}` },
                },
                parent,
            );
            new ec2.RouteTableAssociation(`${name}-private-${zone}`, { subnetId: subnet.id, routeTableId: routes.id }, parent);
            return routes;
        });

        this.privateRouteTableIds = privateRouteTables.map((table) => table.id);

        // Isolated subnets get a table with only the implicit local route: no way out of the VPC.
        const isolatedRoutes = new ec2.RouteTable(`${name}-isolated`, { vpcId: vpc.id, tags: { Name: `${name}-isolated` } }, parent);
        isolatedSubnets.forEach(
            (subnet, zone) =>
                new ec2.RouteTableAssociation(`${name}-isolated-${zone}`, { subnetId: subnet.id, routeTableId: isolatedRoutes.id }, parent),
        );

        this.privateSubnetCidrs = subnetPlan.private;
        this.publicSubnetCidrs = subnetPlan.public;
        const region = getRegionOutput({}, parent).region;
        const endpointGroup = new ec2.SecurityGroup(
            `${name}-endpoints`,
            {
                vpcId: vpc.id,
                description: "HTTPS to the VPC interface endpoints, from inside the VPC only",
                ingress: [
                    {
                        protocol: "tcp",
                        fromPort: PORTS.https,
                        toPort: PORTS.https,
                        cidrBlocks: [args.cidrBlock],
                        description: "HTTPS from the VPC",
                    },
                ],
                tags: { Name: `${name}-endpoints` },
            },
            parent,
        );
        for (const service of AWS_INTERFACE_ENDPOINTS) {
            new ec2.VpcEndpoint(
                `${name}-${service.replace(".", "-")}`,
                {
                    vpcId: vpc.id,
                    serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: this.privateSubnetIds,
                    securityGroupIds: [endpointGroup.id],
                    tags: { Name: `${name}-${service}` },
                },
                parent,
            );
        }
        // S3 is a gateway endpoint: routes in the private and isolated tables, no addresses.
        const s3Endpoint = new ec2.VpcEndpoint(
            `${name}-s3`,
            {
                vpcId: vpc.id,
                serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: [...privateRouteTables.map((table) => table.id), isolatedRoutes.id],
                tags: { Name: `${name}-s3` },
            },
            parent,
        );
        this.s3EndpointId = s3Endpoint.id;
        this.s3EndpointCidrBlocks = s3Endpoint.cidrBlocks;

        const flowLogs = this.flowLogs(name, vpc, flowLogRetentionDays, args.logsKmsKeyArn);
        this.flowLogGroupName = flowLogs.name;

        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            isolatedSubnetIds: this.isolatedSubnetIds,
            flowLogGroupName: this.flowLogGroupName,
        });
    }

    /** Flow logs of ALL traffic to a log group encrypted with the site's log key. */
    private flowLogs(name: string, vpc: ec2.Vpc, retentionInDays: number, kmsKeyArn: pulumi.Input<string>): cloudwatch.LogGroup {
        const parent = { parent: this };
        const account = getCallerIdentityOutput({}, parent).accountId;
        const logGroup = encryptedLogGroup(`${name}-flow-logs`, { retentionInDays, kmsKeyArn }, parent);

        const role = new iam.Role(
            `${name}-flow-logs`,
            {
                description: `Lets VPC Flow Logs write ${name}'s flow logs`,
                assumeRolePolicy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            // Confused-deputy guard: only flow logs of this account may assume the role.
                            Condition: { StringEquals: { "aws:SourceAccount": account } },
                        },
                    ],
                }),
            },
            parent,
        );
        new iam.RolePolicy(
            `${name}-flow-logs`,
            {
                role: role.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            Resource: pulumi.interpolate`${logGroup.arn}:*`,
                        },
                    ],
                }),
            },
            parent,
        );

        new ec2.FlowLog(
            name,
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                maxAggregationInterval: 60,
                tags: { Name: name },
            },
            parent,
        );
        return logGroup;
    }
}

function validateAwsNetworkArgs(name: string, args: AwsNetworkArgs) {
    const zoneCount = args.zoneCount ?? 3;
    const natGatewayCount = args.natGatewayCount ?? 1;
    const flowLogRetentionDays = args.flowLogRetentionDays ?? 365;
    const addressSpaceProblem = siteAddressSpaceProblem(args.cidrBlock);
    if (addressSpaceProblem) {
        throw new Error(`AwsNetwork ${name}: cidrBlock "${args.cidrBlock}" ${addressSpaceProblem}`);
    }
    if (!Number.isInteger(zoneCount) || zoneCount < AWS_ZONE_COUNT.min || zoneCount > AWS_ZONE_COUNT.max) {
        throw new Error(`AwsNetwork ${name}: zoneCount ${zoneCount} must be from ${AWS_ZONE_COUNT.min} to ${AWS_ZONE_COUNT.max}`);
    }
    const natProblem = natGatewayCountProblem(natGatewayCount, zoneCount);
    if (natProblem) {
        throw new Error(`AwsNetwork ${name}: natGatewayCount ${natProblem}`);
    }
    if (!Number.isInteger(flowLogRetentionDays) || flowLogRetentionDays < 1) {
        throw new Error(`AwsNetwork ${name}: flowLogRetentionDays ${flowLogRetentionDays} must be a positive whole number`);
    }
    return { zoneCount, natGatewayCount, flowLogRetentionDays };
}

/** Tells the AWS Load Balancer Controller which subnets take internet-facing or internal ALBs. */
function loadBalancerRoleTag(tier: AwsSubnetTier): Record<string, string> {
    switch (tier) {
        case "public":
            return { "kubernetes.io/role/elb": "1" };
        case "private":
            return { "kubernetes.io/role/internal-elb": "1" };
        case "isolated":
            return {};
    }
}
