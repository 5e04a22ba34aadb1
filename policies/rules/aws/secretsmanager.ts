import { propertyRule } from "../../lib/rules";

export const awsSecretsEncrypted = propertyRule({
    name: "aws-secrets-manager-kms",
    pack: "security",
    description: "Secrets Manager secrets are encrypted with our own KMS key, not the account's default key.",
    severity: "medium",
    remediation: "Set kmsKeyId to the site's data key.",
    controls: { pciDss: ["3.6.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["aws:secretsmanager/secret:Secret"],
    problem: (props) => (props.kmsKeyId ? undefined : "uses the default AWS-managed key"),
});

export const awsSecretsRecoveryWindow = propertyRule({
    name: "aws-secrets-manager-recovery-window",
    pack: "compliance",
    description: "A deleted secret can be recovered for at least 7 days.",
    severity: "low",
    remediation: "Set recoveryWindowInDays to 7 or more (we use 30).",
    controls: { soc2: ["A1.2"] },
    types: ["aws:secretsmanager/secret:Secret"],
    problem: (props) =>
        Number(props.recoveryWindowInDays ?? 30) >= 7 ? undefined : `recoveryWindowInDays is ${String(props.recoveryWindowInDays)}`,
});
