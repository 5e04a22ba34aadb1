import { armProperties, arrayInput, objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

export const azureBackupVaultResilient = propertyRule({
    name: "azure-backup-vault-resilient",
    pack: "resilience",
    description: "Backup vaults are geo-redundant, soft-delete and immutable.",
    severity: "high",
    remediation: "Use GeoRedundant storage, soft delete On (AlwaysOn in prod) and immutability Unlocked or Locked.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: ["azure-native:dataprotection:BackupVault"],
    problem: (props) => {
        const settings = armProperties(props);
        const security = objectInput(settings.securitySettings) ?? {};
        const problems = [
            ...(arrayInput(settings.storageSettings).some((storage) => storage.type === "GeoRedundant") ? [] : ["not geo-redundant"]),
            ...(["On", "AlwaysOn"].includes(String(objectInput(security.softDeleteSettings)?.state)) ? [] : ["soft delete is off"]),
            ...(["Locked", "Unlocked"].includes(String(objectInput(security.immutabilitySettings)?.state)) ? [] : ["not immutable"]),
        ];
        return problems.length > 0 ? problems.join("; ") : undefined;
    },
});
