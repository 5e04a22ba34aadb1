import * as pulumi from "@pulumi/pulumi";
import * as kms from "@pulumi/aws/kms";
import { awsScope } from "./identity";

/** Services that write encrypted logs and messages with the site's log key. */
const LOG_WRITERS = ["logs", "cloudtrail", "sns", "cloudwatch"] as const;

/**
 * The site's customer-managed KMS keys, both rotating yearly: `logs` for CloudWatch Logs,
 * CloudTrail and alarm notifications (whose services its policy admits), `data` for data at rest
 * (S3, Secrets Manager, ECR, ElastiCache, EKS secrets, backups).
 */
export class AwsKeys extends pulumi.ComponentResource {
    public readonly logsKeyArn: pulumi.Output<string>;
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
        const logs = new kms.Key(`${name}-logs`, {
            description: `${name}: CloudWatch Logs, CloudTrail and alarm notifications`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    administer,
                    {
                        Sid: "LogServicesOfThisAccount",
                        Effect: "Allow",
                        Principal: {
                            Service: LOG_WRITERS.map((service) => (service === "logs" ? pulumi.interpolate`logs.${region}.amazonaws.com` : `${service}.amazonaws.com`)),
                        },
                        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                        Resource: "*",
                        // Confused-deputy guard: only on behalf of this account.
                        Condition: { StringEquals: { "aws:SourceAccount": account } },
                    },
                ],
            }),
        }, { parent: this });
        const data = new kms.Key(`${name}-data`, {
            description: `${name}: data at rest`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [administer] }),
        }, { parent: this });
        this.logsKeyArn = logs.arn;
        this.dataKeyArn = data.arn;
        this.registerOutputs({ logsKeyArn: this.logsKeyArn, dataKeyArn: this.dataKeyArn });
    }
}
