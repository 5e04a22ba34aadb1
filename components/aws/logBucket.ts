import * as pulumi from "@pulumi/pulumi";
import { getServiceAccountOutput } from "@pulumi/aws/elb/getServiceAccount";
import { awsScope } from "./identity";
import { type DataRetention } from "../data/retention";
import { SecureBucket } from "./secureBucket";

export interface AwsLogBucketArgs extends DataRetention {
    /** Days that access logs are kept. */
    readonly retentionDays: number;
    /**
     * The prefixes load balancers write their access logs under. ELB refuses to enable logging
     * unless the policy admits `<bucket>/<prefix>/AWSLogs/<account>/*` exactly.
     */
    readonly loadBalancerLogPrefixes: readonly string[];
}

/**
 * The site's access-log bucket: load balancer and S3 server access logs. Both writers require
 * SSE-S3, so it is not KMS-encrypted; it is private, versioned and TLS-only like every bucket.
 */
export class AwsLogBucket extends pulumi.ComponentResource {
    /** The log bucket's name: the `bucket` of the load balancers' access logs and the buckets' logging targets. */
    public readonly bucketName: pulumi.Output<string>;
    /**
     * The bucket's configuration resources (public access block, ownership, encryption, versioning, policy): depend on
     * them before enabling a writer.
     */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: AwsLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        if (args.loadBalancerLogPrefixes.some((prefix) => !/^[a-z0-9][a-z0-9-]*$/.test(prefix))) {
            throw new Error(
                `AwsLogBucket ${name}: loadBalancerLogPrefixes ${JSON.stringify(args.loadBalancerLogPrefixes)} must be lowercase words without slashes`,
            );
        }
        super("beacon:aws:LogBucket", name, {}, opts);
        const { account } = awsScope(this);
        // Regions older than 2022 deliver ALB logs from an AWS-owned account; newer ones from a service.
        const elbAccount = getServiceAccountOutput({}, { parent: this }).arn;
        const bucket = new SecureBucket(
            name,
            {
                encryption: "s3-managed",
                protect: args.protect,
                expireAfterDays: args.retentionDays,
                policyStatements: (arn) => [
                    {
                        Sid: "LoadBalancerAccessLogs",
                        Effect: "Allow",
                        Principal: { AWS: elbAccount, Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: args.loadBalancerLogPrefixes.map((prefix) => pulumi.interpolate`${arn}/${prefix}/AWSLogs/${account}/*`),
                    },
                    {
                        Sid: "S3ServerAccessLogs",
                        Effect: "Allow",
                        Principal: { Service: "logging.s3.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${arn}/s3/*`,
                        Condition: { StringEquals: { "aws:SourceAccount": account } },
                    },
                ],
            },
            { parent: this },
        );
        this.bucketName = bucket.bucketName;
        this.ready = bucket.ready;
        this.registerOutputs({ bucketName: this.bucketName });
    }
}
