import * as pulumi from "@pulumi/pulumi";
import * as cloudtrail from "@pulumi/aws/cloudtrail";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as sns from "@pulumi/aws/sns";
import { awsScope } from "./identity";
import { SecureBucket } from "./secureBucket";

export interface AwsMonitoringArgs {
    /** Encrypts the alarm topic, the trail's log files and its bucket. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** The site's access-log bucket: who read or wrote the audit trail is logged too. */
    readonly accessLogBucket: pulumi.Input<string>;
    /** Days that CloudTrail keeps its log files. */
    readonly auditRetentionDays: number;
    /** Email subscribed to the alarms; empty for none. */
    readonly alarmEmail: string;
    /** The origin load balancer's ARN suffix (`app/<name>/<id>`), the dimension of the origin alarms. */
    readonly loadBalancerArnSuffix: pulumi.Input<string>;
    /** The origin target group's ARN suffix (`targetgroup/<name>/<id>`), the dimension of the unhealthy-targets alarm. */
    readonly targetGroupArnSuffix: pulumi.Input<string>;
    /** Every Redis node's cache cluster id: the alarms watch whichever is primary now. */
    readonly redisMemberClusterIds: pulumi.Input<string>[];
    /** The node group's Auto Scaling group, the dimension of the failing-status-checks alarm. */
    readonly nodeAutoScalingGroupName: pulumi.Input<string>;
    /** Refuse to delete or replace the trail's bucket (prod); it is retained on delete either way. */
    readonly protect: boolean;
}

interface AlarmSpec {
    readonly name: string;
    readonly description: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, pulumi.Input<string>>;
    /**
     * Nodes whose worst value the alarm watches, through metric math: a failover moves the
     * primary to another node, and the alarm must move with it.
     */
    readonly worstOfCacheClusters?: pulumi.Input<string>[];
    readonly statistic: "Sum" | "Average" | "Maximum";
    readonly comparison: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold";
    readonly threshold: number;
    readonly periods: number;
}

/**
 * Monitoring and audit of the AWS site: an encrypted SNS topic for alarms, a multi-region
 * CloudTrail with log-file validation into a KMS-encrypted bucket, and alarms on the origin's
 * 5xx and unhealthy targets, Redis CPU and memory, and failing nodes.
 */
export class AwsMonitoring extends pulumi.ComponentResource {
    /** ARN of the KMS-encrypted SNS topic every alarm notifies. */
    public readonly alarmTopicArn: pulumi.Output<string>;
    /** ARN of the site's multi-region CloudTrail trail. */
    public readonly trailArn: pulumi.Output<string>;
    /** Names of the CloudWatch alarms: origin 5xx and unhealthy targets, Redis CPU and memory, failing nodes. */
    public readonly alarmNames: pulumi.Output<string>[];

    constructor(name: string, args: AwsMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!Number.isInteger(args.auditRetentionDays) || args.auditRetentionDays < 365) {
            throw new Error(
                `AwsMonitoring ${name}: auditRetentionDays ${args.auditRetentionDays} must be at least 365 (PCI DSS 10.5.1 keeps audit logs a year)`,
            );
        }
        super("beacon:aws:Monitoring", name, {}, opts);
        const parent = { parent: this };
        const { account, partition, region } = awsScope(this);

        const topic = new sns.Topic(`${name}-alarms`, { kmsMasterKeyId: args.logsKmsKeyArn }, parent);
        if (args.alarmEmail) {
            new sns.TopicSubscription(`${name}-alarms-email`, { topic: topic.arn, protocol: "email", endpoint: args.alarmEmail }, parent);
        }

        const trailName = `crypto-beacon-${pulumi.getStack()}`;
        const trailArn = pulumi.interpolate`arn:${partition}:cloudtrail:${region}:${account}:trail/${trailName}`;
        const trailBucket = new SecureBucket(
            `${name}-trail`,
            {
                encryption: args.logsKmsKeyArn,
                protect: args.protect,
                accessLogBucket: args.accessLogBucket,
                expireAfterDays: args.auditRetentionDays,
                policyStatements: (arn) => [
                    {
                        Sid: "CloudTrailReadsAcl",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "s3:GetBucketAcl",
                        Resource: arn,
                        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
                    },
                    {
                        Sid: "CloudTrailWrites",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${arn}/AWSLogs/${account}/*`,
                        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
                    },
                ],
            },
            parent,
        );
        const trail = new cloudtrail.Trail(
            name,
            {
                name: trailName,
                s3BucketName: trailBucket.bucketName,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                kmsKeyId: args.logsKmsKeyArn,
            },
            { parent: this, dependsOn: trailBucket.ready },
        );

        const alarms: AlarmSpec[] = [
            {
                name: "origin-5xx",
                description: "The origin load balancer answers with 5xx errors",
                namespace: "AWS/ApplicationELB",
                metricName: "HTTPCode_ELB_5XX_Count",
                dimensions: { LoadBalancer: args.loadBalancerArnSuffix },
                statistic: "Sum",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 10,
                periods: 5,
            },
            {
                name: "origin-target-5xx",
                description: "The services behind the origin answer with 5xx errors",
                namespace: "AWS/ApplicationELB",
                metricName: "HTTPCode_Target_5XX_Count",
                dimensions: { LoadBalancer: args.loadBalancerArnSuffix },
                statistic: "Sum",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 25,
                periods: 5,
            },
            {
                name: "origin-unhealthy-targets",
                description: "The origin has unhealthy targets",
                namespace: "AWS/ApplicationELB",
                metricName: "UnHealthyHostCount",
                dimensions: { LoadBalancer: args.loadBalancerArnSuffix, TargetGroup: args.targetGroupArnSuffix },
                statistic: "Maximum",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                periods: 3,
            },
            {
                name: "redis-cpu",
                description: "The Redis primary's engine CPU is above 80% (the busiest node: the primary takes every write)",
                namespace: "AWS/ElastiCache",
                metricName: "EngineCPUUtilization",
                dimensions: {},
                worstOfCacheClusters: args.redisMemberClusterIds,
                statistic: "Average",
                comparison: "GreaterThanThreshold",
                threshold: 80,
                periods: 5,
            },
            {
                name: "redis-memory",
                description: "Redis memory use is above 80%",
                namespace: "AWS/ElastiCache",
                metricName: "DatabaseMemoryUsagePercentage",
                dimensions: {},
                worstOfCacheClusters: args.redisMemberClusterIds,
                statistic: "Maximum",
                comparison: "GreaterThanThreshold",
                threshold: 80,
                periods: 5,
            },
            {
                name: "nodes-failing-status-checks",
                description: "EKS nodes fail their EC2 status checks",
                namespace: "AWS/EC2",
                metricName: "StatusCheckFailed",
                dimensions: { AutoScalingGroupName: args.nodeAutoScalingGroupName },
                statistic: "Maximum",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                periods: 2,
            },
        ];
        this.alarmNames = alarms.map(
            (alarm) =>
                new cloudwatch.MetricAlarm(
                    `${name}-${alarm.name}`,
                    {
                        alarmDescription: alarm.description,
                        ...(alarm.worstOfCacheClusters
                            ? {
                                  metricQueries: [
                                      ...alarm.worstOfCacheClusters.map((cacheClusterId, index) => ({
                                          id: `node${index}`,
                                          returnData: false,
                                          metric: {
                                              namespace: alarm.namespace,
                                              metricName: alarm.metricName,
                                              dimensions: { CacheClusterId: cacheClusterId },
                                              stat: alarm.statistic,
                                              period: 60,
                                          },
                                      })),
                                      {
                                          id: "worst",
                                          expression: `MAX([${alarm.worstOfCacheClusters.map((_, index) => `node${index}`).join(", ")}])`,
                                          label: alarm.metricName,
                                          returnData: true,
                                      },
                                  ],
                              }
                            : {
                                  namespace: alarm.namespace,
                                  metricName: alarm.metricName,
                                  dimensions: alarm.dimensions,
                                  statistic: alarm.statistic,
                                  period: 60,
                              }),
                        comparisonOperator: alarm.comparison,
                        threshold: alarm.threshold,
                        evaluationPeriods: alarm.periods,
                        treatMissingData: "notBreaching",
                        alarmActions: [topic.arn],
                        okActions: [topic.arn],
                    },
                    parent,
                ).name,
        );

        this.alarmTopicArn = topic.arn;
        this.trailArn = trail.arn;
        this.registerOutputs({ alarmTopicArn: this.alarmTopicArn, trailArn: this.trailArn });
    }
}
