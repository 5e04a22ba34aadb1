import { arrayInput, asList, objectInput, statements } from "../../lib/props";
import { propertyRule, resourceRule } from "../../lib/rules";

const S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

export const awsS3PublicAccessBlocked = resourceRule({
    name: "aws-s3-public-access-blocked",
    pack: "security",
    description: "Every bucket's public access block blocks public ACLs and policies, and ignores and restricts them.",
    severity: "critical",
    remediation: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true (SecureBucket does).",
    controls: { pciDss: ["1.4.4", "7.2.1"], soc2: ["CC6.1", "CC6.6"], gdpr: ["25", "32"], ccpa: ["1798.150"] },
    types: [S3_PUBLIC_ACCESS_BLOCK],
    check: ({ props }) => {
        const open = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter(
            (key) => props[key] !== true,
        );
        return open.length > 0 ? [`${open.join(", ")} not true`] : [];
    },
});

export const awsS3DefaultEncryption = resourceRule({
    name: "aws-s3-default-encryption",
    pack: "security",
    description: "Buckets encrypt objects by default, with KMS unless the writer demands SSE-S3.",
    severity: "high",
    remediation: "Give the bucket a server-side encryption configuration with sseAlgorithm aws:kms (or AES256 for log buckets).",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    check: ({ props }) => {
        const algorithms = arrayInput(props.rules).map((rule) => objectInput(rule.applyServerSideEncryptionByDefault)?.sseAlgorithm);
        return algorithms.length > 0 &&
            algorithms.every((algorithm) => algorithm === "aws:kms" || algorithm === "aws:kms:dsse" || algorithm === "AES256")
            ? []
            : ["has no default encryption rule"];
    },
});

export const awsS3Versioning = propertyRule({
    name: "aws-s3-versioning",
    pack: "resilience",
    description: "Buckets keep every version of every object, so an overwrite or delete can be undone.",
    severity: "medium",
    remediation: "Set versioningConfiguration.status to Enabled (SecureBucket does).",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    problem: (props) => (objectInput(props.versioningConfiguration)?.status === "Enabled" ? undefined : "versioning is not enabled"),
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

export const awsS3Lifecycle = propertyRule({
    name: "aws-s3-lifecycle",
    pack: "compliance",
    description: "Buckets expire what they no longer need (old versions, logs), so data is not kept longer than its purpose.",
    severity: "low",
    remediation: "Give the bucket a lifecycle configuration with at least one enabled rule.",
    controls: { gdpr: ["5"], ccpa: ["1798.100"] },
    types: [
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
    ],
    problem: (props) => (arrayInput(props.rules).some((rule) => rule.status === "Enabled") ? undefined : "no enabled lifecycle rule"),
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
