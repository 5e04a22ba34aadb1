import * as pulumi from "@pulumi/pulumi";
import * as apigatewayv2 from "@pulumi/aws/apigatewayv2";
import * as ec2 from "@pulumi/aws/ec2";
import * as lb from "@pulumi/aws/lb";
import { encryptedLogGroup } from "./logGroup";

export interface AwsApiGatewayArgs {
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    readonly privateSubnetIds: pulumi.Input<string>[];
    /** Most requests the API admits at once. */
    readonly throttleBurstLimit: number;
    /** Steady requests per second the API admits. */
    readonly throttleRateLimit: number;
    readonly logsKmsKeyArn: pulumi.Input<string>;
    readonly logRetentionDays: number;
    /** Bucket for the internal load balancer's access logs (SSE-S3; its policy admits the ELB log writer). */
    readonly accessLogBucket: pulumi.Input<string>;
    readonly accessLogPrefix: string;
    /** Certificate the internal load balancer presents, and the name the gateway verifies on it. */
    readonly certificateArn: pulumi.Input<string>;
    readonly certificateHostname: string;
}

/**
 * The API gateway in front of the microservices: an HTTP API with throttling and JSON access
 * logs, routed through a VPC link to an internal load balancer whose targets are the in-cluster
 * services. Nothing behind it is reachable from outside the VPC.
 */
export class AwsApiGateway extends pulumi.ComponentResource {
    public readonly apiEndpoint: pulumi.Output<string>;
    public readonly internalTargetGroupArn: pulumi.Output<string>;

    constructor(name: string, args: AwsApiGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        for (const [key, value] of [["throttleBurstLimit", args.throttleBurstLimit], ["throttleRateLimit", args.throttleRateLimit]] as const) {
            if (!Number.isInteger(value) || value < 1) {
                throw new Error(`AwsApiGateway ${name}: ${key} ${value} must be a whole number of at least 1; a throttle of zero admits nothing`);
            }
        }
        super("beacon:aws:ApiGateway", name, {}, opts);
        const parent = { parent: this };

        const linkGroup = new ec2.SecurityGroup(`${name}-link`, {
            vpcId: args.vpcId,
            description: "API gateway VPC link: to the internal load balancer only",
            egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr], description: "HTTPS inside the VPC" }],
            tags: { Name: `${name}-link` },
        }, parent);
        const internalGroup = new ec2.SecurityGroup(`${name}-internal`, {
            vpcId: args.vpcId,
            description: "Internal service load balancer: from the API gateway's VPC link only",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: [linkGroup.id], description: "From the VPC link" }],
            egress: [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: [args.vpcCidr], description: "To targets inside the VPC" }],
            tags: { Name: `${name}-internal` },
        }, parent);

        const internal = new lb.LoadBalancer(`${name}-internal`, {
            loadBalancerType: "application",
            internal: true,
            subnets: args.privateSubnetIds,
            securityGroups: [internalGroup.id],
            dropInvalidHeaderFields: true,
            desyncMitigationMode: "strictest",
            accessLogs: { bucket: args.accessLogBucket, prefix: args.accessLogPrefix, enabled: true },
        }, parent);
        const targetGroup = new lb.TargetGroup(`${name}-services`, {
            vpcId: args.vpcId,
            targetType: "ip",
            port: 8443,
            protocol: "HTTPS",
            healthCheck: { path: "/healthz", protocol: "HTTPS", matcher: "200" },
        }, parent);
        const listener = new lb.Listener(`${name}-internal`, {
            loadBalancerArn: internal.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            certificateArn: args.certificateArn,
            defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        }, parent);

        const link = new apigatewayv2.VpcLink(name, { name, subnetIds: args.privateSubnetIds, securityGroupIds: [linkGroup.id] }, parent);
        const api = new apigatewayv2.Api(name, { protocolType: "HTTP", disableExecuteApiEndpoint: false }, parent);
        const integration = new apigatewayv2.Integration(name, {
            apiId: api.id,
            integrationType: "HTTP_PROXY",
            integrationMethod: "ANY",
            integrationUri: listener.arn,
            connectionType: "VPC_LINK",
            connectionId: link.id,
            tlsConfig: { serverNameToVerify: args.certificateHostname },
            payloadFormatVersion: "1.0",
        }, parent);
        new apigatewayv2.Route(name, { apiId: api.id, routeKey: "ANY /{proxy+}", target: pulumi.interpolate`integrations/${integration.id}` }, parent);

        const accessLogs = encryptedLogGroup(`${name}-access`, { retentionInDays: args.logRetentionDays, kmsKeyArn: args.logsKmsKeyArn }, parent);
        new apigatewayv2.Stage(name, {
            apiId: api.id,
            name: "$default",
            autoDeploy: true,
            defaultRouteSettings: { throttlingBurstLimit: args.throttleBurstLimit, throttlingRateLimit: args.throttleRateLimit },
            accessLogSettings: {
                destinationArn: accessLogs.arn,
                format: JSON.stringify({
                    requestId: "$context.requestId",
                    ip: "$context.identity.sourceIp",
                    requestTime: "$context.requestTime",
                    method: "$context.httpMethod",
                    path: "$context.path",
                    status: "$context.status",
                    latencyMs: "$context.responseLatency",
                    integrationError: "$context.integrationErrorMessage",
                }),
            },
        }, parent);

        this.apiEndpoint = api.apiEndpoint;
        this.internalTargetGroupArn = targetGroup.arn;
        this.registerOutputs({ apiEndpoint: this.apiEndpoint });
    }
}
