import * as pulumi from "@pulumi/pulumi";
import * as acm from "@pulumi/aws/acm";
import * as ec2 from "@pulumi/aws/ec2";
import * as lb from "@pulumi/aws/lb";
import * as s3 from "@pulumi/aws/s3";
import * as wafv2 from "@pulumi/aws/wafv2";
import { CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES } from "../cloudflare/ipRanges";
import { encryptedLogGroup } from "./logGroup";
import { SecureBucket } from "./secureBucket";
import { PORTS } from "../../model/intent";

export interface AwsOriginArgs {
    /** The VPC of the load balancer, its security group and its target group. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * The VPC's IPv4 CIDR, e.g. "10.10.0.0/16": the only destination the load balancer's security group lets it send to
     * (the node port).
     */
    readonly vpcCidr: string;
    /** Public subnets the internet-facing load balancer is placed in, one per availability zone (an ALB needs two or more). */
    readonly publicSubnetIds: pulumi.Input<string>[];
    /** Hostname Cloudflare connects with; the certificate names it. */
    readonly hostname: string;
    /**
     * The origin's certificate and key, PEM: a Cloudflare Origin CA certificate for the hostname.
     * Imported into ACM, it needs no DNS validation, so the site deploys before the edge exists,
     * and Cloudflare's Full (strict) mode trusts it.
     */
    readonly certificatePem: pulumi.Input<string>;
    /** The private key of certificatePem, PEM; a secret, imported into ACM with the certificate. */
    readonly privateKeyPem: pulumi.Input<string>;
    /**
     * PEM of the CA that issued this zone's authenticated-origin-pull client certificate. The
     * HTTPS listener verifies every client certificate against it (mutual TLS, verify mode), so
     * only this zone's Cloudflare edge gets in: Cloudflare's global origin-pull certificate, which
     * any Cloudflare customer can present, does not chain to it.
     */
    readonly clientCaCertificatePem: pulumi.Input<string>;
    /** Encrypts the trust store's CA bundle in its bucket. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Path the load balancer and Cloudflare's monitors probe. @default "/healthz" */
    readonly healthCheckPath?: string;
    /**
     * The node port of the in-cluster gateway on the cluster's nodes. TLS ends here, at the load
     * balancer; the hop to the nodes stays inside the VPC, admitted by the nodes' security group
     * from this load balancer only.
     */
    readonly targetNodePort: number;
    /** Requests one client IP may make in 5 minutes before the WAF blocks it. */
    readonly rateLimitPer5Min: number;
    /** Bucket for access logs (SSE-S3), and the prefix its policy admits the ELB log writer under. */
    readonly accessLogBucket: pulumi.Input<string>;
    /** Key prefix, without a trailing slash, the load balancer writes its access logs under in accessLogBucket. */
    readonly accessLogPrefix: string;
    /** Encrypts the WAF's log group. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Days the WAF's log group keeps the web ACL's logs. */
    readonly logRetentionDays: number;
    /** Refuse deletion of the load balancer (prod). @default true */
    readonly deletionProtection?: boolean;
}

/** AWS managed rule groups the web ACL runs, cheapest verdicts first. */
export const AWS_MANAGED_RULE_GROUPS = [
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
] as const;

/**
 * The AWS site's origin: a public ALB that only this zone's Cloudflare edge can reach: 443, and
 * 80 for the redirect, from Cloudflare's published ranges, and on 443 only with a client
 * certificate signed by the zone's origin-pull CA (mutual TLS). HTTPS only with TLS 1.2+, invalid headers
 * dropped, access logs, and a WAFv2 web ACL with AWS managed rules and a per-IP rate limit.
 */
export class AwsOrigin extends pulumi.ComponentResource {
    /** The load balancer's DNS name, the address the edge's AWS pool sends to. */
    public readonly dnsName: pulumi.Output<string>;
    /** The load balancer's ARN suffix (`app/<name>/<id>`), the `LoadBalancer` dimension of its CloudWatch metrics. */
    public readonly loadBalancerArnSuffix: pulumi.Output<string>;
    /** ARN of the target group on the gateway's node port; AwsWorkloadAccess attaches the node group's Auto Scaling group to it. */
    public readonly targetGroupArn: pulumi.Output<string>;
    /** The target group's ARN suffix (`targetgroup/<name>/<id>`), the `TargetGroup` dimension of its CloudWatch metrics. */
    public readonly targetGroupArnSuffix: pulumi.Output<string>;
    /** ID of the load balancer's security group; the nodes admit the gateway node port from it only. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** Path the target group's health check and Cloudflare's monitors probe, e.g. "/healthz". */
    public readonly healthCheckPath: string;
    /** The origin hostname's certificate; the internal service load balancer presents it too. */
    public readonly certificateArn: pulumi.Output<string>;

    constructor(name: string, args: AwsOriginArgs, opts?: pulumi.ComponentResourceOptions) {
        if (args.publicSubnetIds.length < 2) {
            // ELBv2 refuses an Application Load Balancer with fewer than two subnets in different zones.
            throw new Error(
                `AwsOrigin ${name}: publicSubnetIds has ${args.publicSubnetIds.length}; an Application Load Balancer needs subnets in at least two availability zones`,
            );
        }
        if (!Number.isInteger(args.targetNodePort) || args.targetNodePort < 30000 || args.targetNodePort > 32767) {
            throw new Error(`AwsOrigin ${name}: targetNodePort ${args.targetNodePort} must be in the node-port range 30000-32767`);
        }
        if (!Number.isInteger(args.rateLimitPer5Min) || args.rateLimitPer5Min < 100) {
            throw new Error(
                `AwsOrigin ${name}: rateLimitPer5Min ${args.rateLimitPer5Min} must be a whole number of at least 100 (the WAF minimum)`,
            );
        }
        const healthCheckPath = args.healthCheckPath ?? "/healthz";
        if (!healthCheckPath.startsWith("/")) {
            throw new Error(`AwsOrigin ${name}: healthCheckPath "${healthCheckPath}" must start with /`);
        }
        super("beacon:aws:Origin", name, {}, opts);
        const parent = { parent: this };
        this.healthCheckPath = healthCheckPath;

        const fromCloudflare = (port: number) => ({
            protocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrBlocks: [...CLOUDFLARE_IPV4_RANGES],
            ipv6CidrBlocks: [...CLOUDFLARE_IPV6_RANGES],
            description: `Cloudflare edge to ${port}`,
        });
        const securityGroup = new ec2.SecurityGroup(
            name,
            {
                vpcId: args.vpcId,
                description: "Origin load balancer: Cloudflare's edge only",
                ingress: [fromCloudflare(PORTS.https), fromCloudflare(PORTS.http)],
                // The target group's health checks use the traffic port, so the node port is all it sends to.
                egress: [
                    {
                        protocol: "tcp",
                        fromPort: args.targetNodePort,
                        toPort: args.targetNodePort,
                        cidrBlocks: [args.vpcCidr],
                        description: "To the gateway's node port on the nodes",
                    },
                ],
                tags: { Name: name },
            },
            parent,
        );

        const certificate = new acm.Certificate(
            name,
            {
                certificateBody: args.certificatePem,
                privateKey: pulumi.secret(args.privateKeyPem),
            },
            parent,
        );

        const loadBalancer = new lb.LoadBalancer(
            name,
            {
                loadBalancerType: "application",
                internal: false,
                subnets: args.publicSubnetIds,
                securityGroups: [securityGroup.id],
                dropInvalidHeaderFields: true,
                desyncMitigationMode: "strictest",
                enableDeletionProtection: args.deletionProtection ?? true,
                accessLogs: { bucket: args.accessLogBucket, prefix: args.accessLogPrefix, enabled: true },
                idleTimeout: 60,
            },
            parent,
        );

        const targetGroup = new lb.TargetGroup(
            name,
            {
                vpcId: args.vpcId,
                targetType: "instance",
                port: args.targetNodePort,
                protocol: "HTTP",
                healthCheck: {
                    path: healthCheckPath,
                    protocol: "HTTP",
                    port: "traffic-port",
                    matcher: "200",
                    interval: 10,
                    healthyThreshold: 2,
                    unhealthyThreshold: 2,
                    timeout: 5,
                },
                deregistrationDelay: 30,
            },
            parent,
        );

        // ELB reads a trust store's CA bundle from S3 once, when the trust store is created or changed.
        const trustStoreBucket = new SecureBucket(
            `${name}-trust-store`,
            {
                encryption: args.kmsKeyArn,
                accessLogBucket: args.accessLogBucket,
                // Kept like every bucket of the site; the trust store's own copy of the CA is ELB's.
                protect: args.deletionProtection ?? true,
            },
            parent,
        );
        const caBundle = new s3.BucketObjectv2(
            `${name}-client-ca`,
            {
                bucket: trustStoreBucket.bucketName,
                key: "origin-pull-ca.pem",
                content: args.clientCaCertificatePem,
                contentType: "application/x-pem-file",
            },
            { parent: this, dependsOn: trustStoreBucket.ready },
        );
        const trustStore = new lb.TrustStore(
            name,
            {
                caCertificatesBundleS3Bucket: trustStoreBucket.bucketName,
                caCertificatesBundleS3Key: caBundle.key,
                caCertificatesBundleS3ObjectVersion: caBundle.versionId,
            },
            parent,
        );

        new lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: loadBalancer.arn,
                port: PORTS.https,
                protocol: "HTTPS",
                sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
                certificateArn: certificate.arn,
                mutualAuthentication: { mode: "verify", trustStoreArn: trustStore.arn, ignoreClientCertificateExpiry: false },
                defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            },
            parent,
        );
        new lb.Listener(
            `${name}-http`,
            {
                loadBalancerArn: loadBalancer.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: String(PORTS.https), statusCode: "HTTP_301" } }],
            },
            parent,
        );

        const webAcl = new wafv2.WebAcl(
            name,
            {
                scope: "REGIONAL",
                defaultAction: { allow: {} },
                rules: [
                    ...AWS_MANAGED_RULE_GROUPS.map((group, index) => ({
                        name: group,
                        priority: index + 1,
                        overrideAction: { none: {} },
                        statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
                        visibilityConfig: { sampledRequestsEnabled: true, cloudwatchMetricsEnabled: true, metricName: group },
                    })),
                    {
                        name: "rate-limit-per-client",
                        priority: AWS_MANAGED_RULE_GROUPS.length + 1,
                        action: { block: {} },
                        // Behind Cloudflare every request comes from Cloudflare: limit by the client it names.
                        statement: {
                            rateBasedStatement: {
                                limit: args.rateLimitPer5Min,
                                aggregateKeyType: "FORWARDED_IP",
                                forwardedIpConfig: { headerName: "CF-Connecting-IP", fallbackBehavior: "MATCH" },
                            },
                        },
                        visibilityConfig: {
                            sampledRequestsEnabled: true,
                            cloudwatchMetricsEnabled: true,
                            metricName: "rate-limit-per-client",
                        },
                    },
                ],
                visibilityConfig: { sampledRequestsEnabled: true, cloudwatchMetricsEnabled: true, metricName: name },
            },
            parent,
        );
        new wafv2.WebAclAssociation(name, { resourceArn: loadBalancer.arn, webAclArn: webAcl.arn }, parent);
        // WAF only logs to log groups whose names start with aws-waf-logs-.
        const wafLogs = encryptedLogGroup(
            `${name}-waf`,
            {
                name: `aws-waf-logs-${name}-${pulumi.getStack()}`,
                retentionInDays: args.logRetentionDays,
                kmsKeyArn: args.logsKmsKeyArn,
            },
            parent,
        );
        new wafv2.WebAclLoggingConfiguration(
            name,
            {
                resourceArn: webAcl.arn,
                logDestinationConfigs: [wafLogs.arn],
                redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
            },
            parent,
        );

        this.dnsName = loadBalancer.dnsName;
        this.loadBalancerArnSuffix = loadBalancer.arnSuffix;
        this.targetGroupArn = targetGroup.arn;
        this.targetGroupArnSuffix = targetGroup.arnSuffix;
        this.securityGroupId = securityGroup.id;
        this.certificateArn = certificate.arn;
        this.registerOutputs({ dnsName: this.dnsName, targetGroupArn: this.targetGroupArn });
    }
}
