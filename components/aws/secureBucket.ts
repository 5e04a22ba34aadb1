import * as pulumi from "@pulumi/pulumi";
import * as s3 from "@pulumi/aws/s3";
import { dataStoreOptions, type DataRetention } from "../data/retention";

export interface SecureBucketArgs extends DataRetention {
    /**
     * A KMS key ARN, or "s3-managed" for SSE-S3 where the writer requires it (S3 server access
     * logs and ALB access logs cannot be written to KMS-encrypted buckets).
     */
    readonly encryption: pulumi.Input<string> | "s3-managed";
    /**
     * Statements added to the bucket policy, given the bucket's ARN; the policy always denies requests without TLS.
     * @default - none: the TLS-only deny alone
     */
    readonly policyStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<Record<string, unknown>>[];
    /** Bucket that receives this bucket's server access logs. @default no access logging */
    readonly accessLogBucket?: pulumi.Input<string>;
    /** Days that noncurrent versions are kept. @default 90 */
    readonly noncurrentVersionDays?: number;
    /** Days after which current objects expire. @default never */
    readonly expireAfterDays?: number;
}

/**
 * An S3 bucket with every public access blocked, ownership enforced (no ACLs), default
 * encryption, versioning, a TLS-only policy and a lifecycle that bounds old versions. The bucket
 * itself is retained on delete, and protected when `protect` is set.
 */
export class SecureBucket extends pulumi.ComponentResource {
    /** The bucket's name (auto-named from the component name). */
    public readonly bucketName: pulumi.Output<string>;
    /** The bucket's ARN. */
    public readonly arn: pulumi.Output<string>;
    /** The bucket resource itself, for sub-resources a caller adds (the assets' replication configuration). */
    public readonly bucket: s3.Bucket;
    /** The last configuration resource: depend on it before writing to the bucket. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        const noncurrentVersionDays = args.noncurrentVersionDays ?? 90;
        if (!Number.isInteger(noncurrentVersionDays) || noncurrentVersionDays < 1) {
            throw new Error(`SecureBucket ${name}: noncurrentVersionDays ${noncurrentVersionDays} must be a positive whole number`);
        }
        if (args.expireAfterDays !== undefined && (!Number.isInteger(args.expireAfterDays) || args.expireAfterDays < 1)) {
            throw new Error(`SecureBucket ${name}: expireAfterDays ${args.expireAfterDays} must be a positive whole number`);
        }
        super("beacon:aws:SecureBucket", name, {}, opts);
        const parent = { parent: this };
        const bucket = new s3.Bucket(name, { forceDestroy: false }, dataStoreOptions(args, parent));
        this.bucket = bucket;
        const publicAccess = new s3.BucketPublicAccessBlock(
            name,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            parent,
        );
        const ownership = new s3.BucketOwnershipControls(
            name,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            parent,
        );
        const encryption = new s3.BucketServerSideEncryptionConfiguration(
            name,
            {
                bucket: bucket.id,
                rules: [
                    args.encryption === "s3-managed"
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
                        : {
                              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.encryption },
                              bucketKeyEnabled: true,
                          },
                ],
            },
            parent,
        );
        const versioning = new s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
        new s3.BucketLifecycleConfiguration(
            name,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "bound-old-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                        ...(args.expireAfterDays ? { expiration: { days: args.expireAfterDays } } : {}),
                    },
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );
        if (args.accessLogBucket) {
            new s3.BucketLogging(
                name,
                { bucket: bucket.id, targetBucket: args.accessLogBucket, targetPrefix: pulumi.interpolate`s3/${bucket.id}/` },
                parent,
            );
        }
        const policy = new s3.BucketPolicy(
            name,
            {
                bucket: bucket.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "DenyWithoutTls",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                        ...(args.policyStatements?.(bucket.arn) ?? []),
                    ],
                }),
            },
            { parent: this, dependsOn: [publicAccess] },
        );
        this.bucketName = bucket.bucket;
        this.arn = bucket.arn;
        this.ready = [publicAccess, ownership, encryption, versioning, policy];
        this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
    }
}
