import { arrayInput, objectInput } from "../../lib/props";
import { resourceRule, stackRule } from "../../lib/rules";
import { referencedResources, referringResources } from "./references";

export const awsCloudTrailValidated = resourceRule({
    name: "aws-cloudtrail-validated",
    pack: "compliance",
    description: "CloudTrail trails cover every region, validate their log files and encrypt them with KMS.",
    severity: "high",
    remediation: "Set isMultiRegionTrail, enableLogFileValidation and kmsKeyId on the trail.",
    controls: { pciDss: ["10.2.1", "10.3.2", "10.3.4"], soc2: ["CC7.2"], gdpr: ["30", "32"] },
    types: ["aws:cloudtrail/trail:Trail"],
    check: ({ props }) => [
        ...(props.isMultiRegionTrail !== true ? ["covers one region only"] : []),
        ...(props.enableLogFileValidation !== true ? ["log files are not validated"] : []),
        ...(!props.kmsKeyId ? ["not encrypted with KMS"] : []),
    ],
});

/** pulumi-aws 7's bucket types: `Bucket` (inline `logging`) and the deprecated `BucketV2` (inline `loggings`). */
const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
/** pulumi-aws 7's separate logging resources; `BucketLogging` aliases the older `BucketLoggingV2`. */
const BUCKET_LOGGING_TYPES = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];

/**
 * The trail's bucket logs every request made to it (CIS AWS Foundations 3.4), so reads of the
 * audit trail are themselves on record. The bucket is found through the trail's `s3BucketName`;
 * its logging may be inline (`logging` on `Bucket`, `loggings` on `BucketV2`) or a separate
 * `BucketLogging`. A trail writing to a bucket another stack manages is that stack's to judge.
 */
export const awsCloudTrailBucketLogged = stackRule({
    name: "aws-cloudtrail-bucket-access-logged",
    pack: "compliance",
    description: "The bucket CloudTrail writes to has server access logging, so every read of the audit trail is recorded.",
    severity: "medium",
    remediation: "Give the trail's bucket an s3.BucketLogging to the site's access-log bucket (SecureBucket's accessLogBucket does).",
    controls: { pciDss: ["10.2.1", "10.3.2"], soc2: ["CC7.2"], gdpr: ["30"] },
    check: (stack) =>
        stack.ofType("aws:cloudtrail/trail:Trail").flatMap((trail) =>
            referencedResources(stack, trail, { property: "s3BucketName", targetKey: "bucket" }, BUCKET_TYPES)
                .filter((bucket) => {
                    const inline = [objectInput(bucket.props.logging), ...arrayInput(bucket.props.loggings)];
                    const separate = BUCKET_LOGGING_TYPES.flatMap((type) =>
                        referringResources(stack, bucket, type, { property: "bucket", targetKey: "bucket" }),
                    );
                    return !inline.some((logging) => logging?.targetBucket) && !separate.some((logging) => logging.props.targetBucket);
                })
                .map((bucket) => ({
                    message: `bucket ${bucket.name} of trail ${trail.name} has no server access logging`,
                    urn: bucket.urn,
                })),
        ),
});
