import { resourceRule } from "../../lib/rules";

export const awsKmsKeyRotation = resourceRule({
    name: "aws-kms-key-rotation",
    description: "Symmetric KMS keys rotate their key material automatically.",
    severity: "medium",
    remediation: "Set enableKeyRotation: true on the key.",
    controls: { pciDss: ["3.7.4"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["aws:kms/key:Key"],
    check: ({ props }) => {
        const symmetric = props.customerMasterKeySpec === undefined || props.customerMasterKeySpec === "SYMMETRIC_DEFAULT";
        return symmetric && props.enableKeyRotation !== true ? ["enableKeyRotation is not true"] : [];
    },
});
