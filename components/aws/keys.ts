import * as pulumi from "@pulumi/pulumi";
import * as kms from "@pulumi/aws/kms";
import { awsScope } from "./identity";

/** Services besides CloudWatch Logs and CloudTrail that encrypt with the site's log key: alarm notifications. */
const NOTIFICATION_WRITERS = ["sns.amazonaws.com", "cloudwatch.amazonaws.com"] as const;
const ENCRYPT_DECRYPT = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"];

/**
 * The site's customer-managed KMS keys, both rotating yearly: `logs` for CloudWatch Logs,
 * CloudTrail and alarm notifications (whose services its policy admits), `data` for data at rest
 * (S3, Secrets Manager, ECR, ElastiCache, EKS secrets, backups, node volumes).
 */
export class AwsKeys extends pulumi.ComponentResource {
    /** ARN of the `logs` key: CloudWatch Logs, CloudTrail and alarm notifications. */
    public readonly logsKeyArn: pulumi.Output<string>;
    /** ARN of the `data` key: every data store at rest, EKS secrets, backups and node volumes. */
    public readonly dataKeyArn: pulumi.Output<string>;

    constructor(name: string, args: Record<string, never>, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:aws:Keys", name, args, opts);
        const { account, partition, region } = awsScope(this);
        const administer = {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` },
            Action: "kms:*",
            Resource: "*",
        };
        const autoScalingRole = pulumi.interpolate`arn:${partition}:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
        const throughEc2 = {
            StringEquals: { "kms:CallerAccount": account, "kms:ViaService": pulumi.interpolate`ec2.${region}.amazonaws.com` },
        };
        const logs = new kms.Key(
            `${name}-logs`,
            {
                description: `${name}: CloudWatch Logs, CloudTrail and alarm notifications`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        administer,
                        {
                            // CloudWatch Logs names the log group in the encryption context; AWS documents
                            // this condition, not aws:SourceAccount (CloudWatch Logs user guide, encrypt-log-data-kms).
                            Sid: "CloudWatchLogsOfThisAccount",
                            Effect: "Allow",
                            Principal: { Service: pulumi.interpolate`logs.${region}.amazonaws.com` },
                            Action: ENCRYPT_DECRYPT,
                            Resource: "*",
                            Condition: {
                                ArnLike: {
                                    "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:*`,
                                },
                            },
                        },
                        {
                            // CloudTrail's documented context: the trail's ARN (CloudTrail user guide, create-kms-key-policy-for-cloudtrail).
                            Sid: "CloudTrailOfThisAccount",
                            Effect: "Allow",
                            Principal: { Service: "cloudtrail.amazonaws.com" },
                            Action: "kms:GenerateDataKey*",
                            Resource: "*",
                            Condition: {
                                StringLike: {
                                    "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:${partition}:cloudtrail:*:${account}:trail/*`,
                                },
                            },
                        },
                        {
                            // DescribeKey carries no encryption context.
                            Sid: "CloudTrailDescribesKey",
                            Effect: "Allow",
                            Principal: { Service: "cloudtrail.amazonaws.com" },
                            Action: "kms:DescribeKey",
                            Resource: "*",
                            Condition: { StringEquals: { "aws:SourceAccount": account } },
                        },
                        {
                            Sid: "AlarmNotificationsOfThisAccount",
                            Effect: "Allow",
                            Principal: { Service: [...NOTIFICATION_WRITERS] },
                            Action: ENCRYPT_DECRYPT,
                            Resource: "*",
                            // Confused-deputy guard: only on behalf of this account.
                            Condition: { StringEquals: { "aws:SourceAccount": account } },
                        },
                    ],
                }),
            },
            { parent: this },
        );
        const data = new kms.Key(
            `${name}-data`,
            {
                description: `${name}: data at rest`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        administer,
                        // Managed node groups launch through Auto Scaling, whose service-linked role creates
                        // the encrypted root volumes (EC2 Auto Scaling user guide, key-policy-requirements-EBS-encryption).
                        // The role is named in a condition, not as the principal: a key policy naming a
                        // principal that does not exist yet (a new account) is refused.
                        {
                            Sid: "AutoScalingEncryptsNodeVolumes",
                            Effect: "Allow",
                            Principal: { AWS: "*" },
                            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                            Resource: "*",
                            Condition: { ...throughEc2, ArnEquals: { "aws:PrincipalArn": autoScalingRole } },
                        },
                        {
                            Sid: "AutoScalingAttachesNodeVolumes",
                            Effect: "Allow",
                            Principal: { AWS: "*" },
                            Action: "kms:CreateGrant",
                            Resource: "*",
                            Condition: {
                                ...throughEc2,
                                ArnEquals: { "aws:PrincipalArn": autoScalingRole },
                                Bool: { "kms:GrantIsForAWSResource": true },
                            },
                        },
                    ],
                }),
            },
            { parent: this },
        );
        this.logsKeyArn = logs.arn;
        this.dataKeyArn = data.arn;
        this.registerOutputs({ logsKeyArn: this.logsKeyArn, dataKeyArn: this.dataKeyArn });
    }
}
