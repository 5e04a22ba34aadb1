import { propertyRule, resourceRule } from "../../lib/rules";

export const awsKmsDeletionWindow = propertyRule({
    name: "aws-kms-deletion-window",
    pack: "resilience",
    description: "A KMS key scheduled for deletion can be rescued for at least 14 days.",
    severity: "medium",
    remediation: "Set deletionWindowInDays to 14 or more (we use 30).",
    controls: { pciDss: ["3.6.1"], soc2: ["A1.2"] },
    types: ["aws:kms/key:Key"],
    problem: (props) =>
        Number(props.deletionWindowInDays ?? 30) >= 14 ? undefined : `deletionWindowInDays is ${String(props.deletionWindowInDays)}`,
});

export const awsKmsKeyRotation = resourceRule({
    name: "aws-kms-key-rotation",
    pack: "security",
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
