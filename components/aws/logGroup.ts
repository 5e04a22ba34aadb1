import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";

export interface EncryptedLogGroupArgs {
    /** Days the group keeps its events (one of the values CloudWatch Logs accepts, e.g. 365). */
    readonly retentionInDays: number;
    /** Encrypts the group's events; the key's policy must admit CloudWatch Logs. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** A fixed name, where a service requires one (EKS, WAF). @default auto-named */
    readonly name?: pulumi.Input<string>;
}

/** A CloudWatch log group that keeps events for the site's retention and encrypts them. */
export function encryptedLogGroup(name: string, args: EncryptedLogGroupArgs, opts: pulumi.CustomResourceOptions): cloudwatch.LogGroup {
    return new cloudwatch.LogGroup(name, { name: args.name, retentionInDays: args.retentionInDays, kmsKeyId: args.kmsKeyArn }, opts);
}
