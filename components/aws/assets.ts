import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import { SecureBucket } from "./secureBucket";

/** Every action that reads an object's content, current or past: the endpoint-only deny covers them all. */
export const OBJECT_READS = ["s3:GetObject", "s3:GetObjectVersion"] as const;

export interface AwsStaticAssetsArgs {
    /** Encrypts the primary bucket's objects (SSE-KMS); the replication role decrypts with it. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Provider and key of the second region, where the replica lives. */
    readonly replicaProvider: AwsProvider;
    /** Encrypts the replica's objects; a key in the second region. */
    readonly replicaKmsKeyArn: pulumi.Input<string>;
    /** Name of the bucket that receives the primary bucket's server access logs. */
    readonly accessLogBucket: pulumi.Input<string>;
    /** The S3 gateway endpoint: objects are read only through it, by the web tier. */
    readonly readThroughVpcEndpointId: pulumi.Input<string>;
    /**
     * Roles that read objects from outside the VPC on AWS's side (AWS Backup's service role),
     * as ARN patterns. @default none
     */
    readonly outsideReaderRoleArnPatterns?: pulumi.Input<string>[];
    /** Refuse to delete or replace both buckets (prod); they are retained on delete either way. */
    readonly protect: boolean;
}

/**
 * Static assets of the web frontend: a private, KMS-encrypted, versioned, access-logged bucket,
 * replicated to a twin in the second region. No public access at all: objects are read only
 * through the VPC's S3 endpoint by the web tier, which Cloudflare alone reaches and caches.
 */
export class AwsStaticAssets extends pulumi.ComponentResource {
    /** Name of the primary assets bucket, in the site's region. */
    public readonly bucketName: pulumi.Output<string>;
    /** ARN of the primary assets bucket: the resource of the readers' and the asset export's grants. */
    public readonly bucketArn: pulumi.Output<string>;
    /** Name of the replica bucket in the second region. */
    public readonly replicaBucketName: pulumi.Output<string>;
    /** ARN of the replica bucket in the second region. */
    public readonly replicaBucketArn: pulumi.Output<string>;

    constructor(name: string, args: AwsStaticAssetsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:aws:StaticAssets", name, {}, opts);
        const readsOnlyThroughEndpoint = (arn: pulumi.Output<string>) => [
            {
                Sid: "ReadOnlyThroughTheVpcEndpoint",
                Effect: "Deny",
                Principal: "*",
                Action: [...OBJECT_READS],
                Resource: pulumi.interpolate`${arn}/*`,
                // Both must hold to deny: not through the endpoint, and not a service reader such as AWS Backup.
                Condition: {
                    StringNotEqualsIfExists: { "aws:SourceVpce": args.readThroughVpcEndpointId },
                    ...(args.outsideReaderRoleArnPatterns?.length
                        ? { ArnNotLike: { "aws:PrincipalArn": args.outsideReaderRoleArnPatterns } }
                        : {}),
                },
            },
        ];
        const primary = new SecureBucket(
            name,
            {
                encryption: args.kmsKeyArn,
                protect: args.protect,
                accessLogBucket: args.accessLogBucket,
                policyStatements: readsOnlyThroughEndpoint,
            },
            { parent: this },
        );
        const replica = new SecureBucket(
            `${name}-replica`,
            { encryption: args.replicaKmsKeyArn, protect: args.protect },
            { parent: this, provider: args.replicaProvider },
        );

        const role = new iam.Role(
            `${name}-replication`,
            {
                description: `Replicates ${name} to the second region`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            { parent: this },
        );
        new iam.RolePolicy(
            `${name}-replication`,
            {
                role: role.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: primary.arn },
                        {
                            Effect: "Allow",
                            Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                            Resource: pulumi.interpolate`${primary.arn}/*`,
                        },
                        {
                            Effect: "Allow",
                            Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                            Resource: pulumi.interpolate`${replica.arn}/*`,
                        },
                        { Effect: "Allow", Action: "kms:Decrypt", Resource: args.kmsKeyArn },
                        { Effect: "Allow", Action: "kms:Encrypt", Resource: args.replicaKmsKeyArn },
                    ],
                }),
            },
            { parent: this },
        );
        new s3.BucketReplicationConfig(
            name,
            {
                bucket: primary.bucket.id,
                role: role.arn,
                rules: [
                    {
                        id: "to-second-region",
                        status: "Enabled",
                        filter: {},
                        deleteMarkerReplication: { status: "Enabled" },
                        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                        destination: {
                            bucket: replica.arn,
                            storageClass: "STANDARD",
                            encryptionConfiguration: { replicaKmsKeyId: args.replicaKmsKeyArn },
                        },
                    },
                ],
            },
            { parent: this, dependsOn: [...primary.ready, ...replica.ready] },
        );

        this.bucketName = primary.bucketName;
        this.bucketArn = primary.arn;
        this.replicaBucketName = replica.bucketName;
        this.replicaBucketArn = replica.arn;
        this.registerOutputs({ bucketName: this.bucketName, replicaBucketName: this.replicaBucketName });
    }
}
