import type { PolicyResource } from "@pulumi/policy";
import { arrayInput, asList, objectInput, statements } from "../../lib/props";
import { propertyRule, stackRule, type StackFinding, type StackIndex } from "../../lib/rules";
import { referringResources, type Reference } from "./references";

/** pulumi-aws 7's bucket types: `Bucket` and the deprecated `BucketV2`, each with inline settings of its own shape. */
const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const BY_BUCKET_NAME: Reference = { property: "bucket", targetKey: "bucket" };

interface BucketSetting {
    /** The separate resources that hold the setting; each names its bucket in `bucket`. */
    readonly types: readonly string[];
    /** The setting written inline on the bucket, one entry per block, in the Bucket's or BucketV2's shape. */
    readonly inline: (bucket: PolicyResource) => readonly Record<string, unknown>[];
    /** What is wrong with one separate resource or inline block. */
    readonly problem: (setting: Record<string, unknown>, inline: boolean) => string | undefined;
    /** What a bucket with neither form lacks. */
    readonly missing: string;
}

/**
 * Every bucket of the stack has the setting, inline or as a separate resource, and every form it
 * takes is right. A separate resource whose bucket another stack manages is judged on its own.
 */
function bucketFindings(stack: StackIndex, setting: BucketSetting): StackFinding[] {
    const separate = stack.ofType(...setting.types).flatMap((resource) => {
        const problem = setting.problem(resource.props, false);
        return problem ? [{ message: problem, urn: resource.urn }] : [];
    });
    const buckets = stack.ofType(...BUCKETS).flatMap((bucket) => {
        const blocks = setting.inline(bucket);
        const hasSeparate = setting.types.some((type) => referringResources(stack, bucket, type, BY_BUCKET_NAME).length > 0);
        if (blocks.length === 0 && !hasSeparate) {
            return [{ message: `bucket ${bucket.name} has no ${setting.missing}`, urn: bucket.urn }];
        }
        return blocks.flatMap((block) => {
            const problem = setting.problem(block, true);
            return problem ? [{ message: `bucket ${bucket.name}: ${problem}`, urn: bucket.urn }] : [];
        });
    });
    return [...separate, ...buckets];
}

export const awsS3PublicAccessBlocked = stackRule({
    name: "aws-s3-public-access-blocked",
    pack: "security",
    description: "Every bucket has a public access block that blocks public ACLs and policies, and ignores and restricts them.",
    severity: "critical",
    remediation:
        "Give the bucket a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true (SecureBucket does).",
    controls: { pciDss: ["1.4.4", "7.2.1"], soc2: ["CC6.1", "CC6.6"], gdpr: ["25", "32"], ccpa: ["1798.150"] },
    check: (stack) =>
        bucketFindings(stack, {
            types: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
            // S3 has no inline form of it.
            inline: () => [],
            problem: (props) => {
                const open = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter(
                    (key) => props[key] !== true,
                );
                return open.length > 0 ? `${open.join(", ")} not true` : undefined;
            },
            missing: "public access block",
        }),
});

const ENCRYPTION_ALGORITHMS = new Set(["aws:kms", "aws:kms:dsse", "AES256"]);

export const awsS3DefaultEncryption = stackRule({
    name: "aws-s3-default-encryption",
    pack: "security",
    description:
        "Every bucket encrypts objects by default, with KMS unless the writer demands SSE-S3, inline or as a separate configuration.",
    severity: "high",
    remediation: "Give the bucket a server-side encryption configuration with sseAlgorithm aws:kms (or AES256 for log buckets).",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    check: (stack) =>
        bucketFindings(stack, {
            types: [
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
            ],
            // Bucket: { rule }; BucketV2: [{ rules }]; the separate resource: { rules }.
            inline: (bucket) => [
                ...(objectInput(bucket.props.serverSideEncryptionConfiguration)
                    ? [{ rules: [objectInput(bucket.props.serverSideEncryptionConfiguration)!.rule] }]
                    : []),
                ...arrayInput(bucket.props.serverSideEncryptionConfigurations),
            ],
            problem: (configuration) => {
                const algorithms = arrayInput(configuration.rules).map(
                    (rule) => objectInput(rule.applyServerSideEncryptionByDefault)?.sseAlgorithm,
                );
                return algorithms.length > 0 && algorithms.every((algorithm) => ENCRYPTION_ALGORITHMS.has(String(algorithm)))
                    ? undefined
                    : "has no default encryption rule";
            },
            missing: "default encryption rule",
        }),
});

export const awsS3Versioning = stackRule({
    name: "aws-s3-versioning",
    pack: "resilience",
    description:
        "Every bucket keeps every version of every object, inline or through BucketVersioning, so an overwrite or delete can be undone.",
    severity: "medium",
    remediation: "Set versioningConfiguration.status to Enabled on the bucket's BucketVersioning (SecureBucket does).",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    check: (stack) =>
        bucketFindings(stack, {
            types: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
            // Bucket: { enabled }; BucketV2: [{ enabled }]; the separate resource: { versioningConfiguration: { status } }.
            inline: (bucket) => [
                ...(objectInput(bucket.props.versioning) ? [objectInput(bucket.props.versioning)!] : []),
                ...arrayInput(bucket.props.versionings),
            ],
            problem: (setting, inline) =>
                (inline ? setting.enabled === true : objectInput(setting.versioningConfiguration)?.status === "Enabled")
                    ? undefined
                    : "versioning is not enabled",
            missing: "versioning",
        }),
});

export const awsS3AclsDisabled = propertyRule({
    name: "aws-s3-acls-disabled",
    pack: "security",
    description: "Bucket ACLs are disabled: the bucket owner owns every object, and only policies grant access.",
    severity: "medium",
    remediation: "Set the ownership controls rule's objectOwnership to BucketOwnerEnforced.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"] },
    types: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    problem: (props) => {
        const ownership = objectInput(props.rule)?.objectOwnership;
        return ownership === "BucketOwnerEnforced" ? undefined : `objectOwnership is ${String(ownership)}; allowed: BucketOwnerEnforced`;
    },
});

export const awsS3TlsOnly = propertyRule({
    name: "aws-s3-tls-only",
    pack: "security",
    description: "Bucket policies deny every request that is not made over TLS.",
    severity: "high",
    remediation: "Add a Deny statement for s3:* when aws:SecureTransport is false (SecureBucket does).",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    types: ["aws:s3/bucketPolicy:BucketPolicy"],
    problem: (props) =>
        statements(props.policy).some(
            (statement) =>
                statement.Effect === "Deny" && objectInput(objectInput(statement.Condition)?.Bool)?.["aws:SecureTransport"] === "false",
        )
            ? undefined
            : "no statement denies requests without TLS",
});

export const awsS3Lifecycle = stackRule({
    name: "aws-s3-lifecycle",
    pack: "compliance",
    description:
        "Every bucket expires what it no longer needs (old versions, logs), inline or through a lifecycle configuration, so data is not kept longer than its purpose.",
    severity: "low",
    remediation: "Give the bucket a lifecycle configuration with at least one enabled rule.",
    controls: { gdpr: ["5"], ccpa: ["1798.100"] },
    check: (stack) =>
        bucketFindings(stack, {
            types: [
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
            ],
            // Inline on either bucket type: lifecycleRules [{ enabled }]; the separate resource: rules [{ status }].
            inline: (bucket) =>
                arrayInput(bucket.props.lifecycleRules).length > 0 ? [{ lifecycleRules: bucket.props.lifecycleRules }] : [],
            problem: (setting, inline) =>
                (
                    inline
                        ? arrayInput(setting.lifecycleRules).some((rule) => rule.enabled === true)
                        : arrayInput(setting.rules).some((rule) => rule.status === "Enabled")
                )
                    ? undefined
                    : "no enabled lifecycle rule",
            missing: "lifecycle configuration",
        }),
});

/** Canned ACLs that grant everyone, or every AWS account, access to a bucket. */
const PUBLIC_CANNED_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
/** The grantee groups that stand for everyone and for every AWS account (S3 user guide, "Access control list overview"). */
const PUBLIC_GRANTEES = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

export const awsS3NoPublicAcl = propertyRule({
    name: "aws-s3-no-public-acl",
    pack: "security",
    description: "No bucket ACL, inline on the bucket or as a BucketAcl, grants everyone or every AWS account access.",
    severity: "critical",
    remediation:
        "Remove the ACL (ownership controls BucketOwnerEnforced disables ACLs); share objects through CloudFront or presigned URLs.",
    controls: { pciDss: ["1.4.4", "7.2.1"], soc2: ["CC6.1", "CC6.6"], gdpr: ["32"] },
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketAcl:BucketAcl"],
    problem: (props) => {
        const grants = [...arrayInput(props.grants), ...arrayInput(objectInput(props.accessControlPolicy)?.grants)];
        const publicGrant = grants.some((grant) => PUBLIC_GRANTEES.test(String(objectInput(grant.grantee)?.uri ?? grant.uri ?? "")));
        if (typeof props.acl === "string" && PUBLIC_CANNED_ACLS.has(props.acl)) {
            return `acl is ${props.acl}`;
        }
        return publicGrant ? "grants access to everyone" : undefined;
    },
});

/** A principal that stands for anyone: "*" or { AWS: "*" }. */
function isAnyone(principal: unknown): boolean {
    return principal === "*" || asList(objectInput(principal)?.AWS).includes("*");
}

export const awsS3NoPublicPolicy = propertyRule({
    name: "aws-s3-no-public-policy",
    pack: "security",
    description: "No bucket policy, inline on the bucket or as a BucketPolicy, allows anyone without a condition.",
    severity: "critical",
    remediation: "Name the principals (e.g. the CloudFront distribution's service principal with an aws:SourceArn condition).",
    controls: { pciDss: ["1.4.4", "7.2.1"], soc2: ["CC6.1", "CC6.6"], gdpr: ["32"] },
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketPolicy:BucketPolicy"],
    problem: (props) =>
        statements(props.policy).some(
            (statement) => statement.Effect === "Allow" && isAnyone(statement.Principal) && statement.Condition === undefined,
        )
            ? "allows anyone, with no condition"
            : undefined,
});
