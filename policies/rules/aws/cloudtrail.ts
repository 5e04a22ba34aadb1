import { resourceRule } from "../../lib/rules";

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
