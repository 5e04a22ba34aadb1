import { propertyRule } from "../../lib/rules";

export const awsBackupVaultEncrypted = propertyRule({
    name: "aws-backup-vault-kms",
    pack: "security",
    description: "Backup vaults encrypt recovery points with our own KMS key.",
    severity: "high",
    remediation: "Set kmsKeyArn on the vault.",
    controls: { pciDss: ["3.5.1", "3.6.1"], soc2: ["A1.2", "CC6.1"], gdpr: ["32"] },
    types: ["aws:backup/vault:Vault"],
    problem: (props) => (props.kmsKeyArn ? undefined : "the vault uses the default key"),
});

export const awsBackupVaultLocked = propertyRule({
    name: "aws-backup-vault-lock",
    pack: "security",
    description: "Backup vaults are locked: recovery points cannot be deleted before their minimum retention, even by an administrator.",
    severity: "high",
    remediation: "Give the vault a lock configuration with minRetentionDays and a changeableForDays grace period (compliance mode).",
    controls: { pciDss: ["10.3.2"], soc2: ["A1.2"] },
    types: ["aws:backup/vaultLockConfiguration:VaultLockConfiguration"],
    problem: (props) =>
        Number(props.minRetentionDays ?? 0) >= 1 && props.changeableForDays !== undefined
            ? undefined
            : "the lock is not in compliance mode with a minimum retention",
});
