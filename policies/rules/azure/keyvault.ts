import { objectInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";

export const azureKeyVaultProtected = resourceRule({
    name: "azure-key-vault-protected",
    pack: "security",
    description: "Key vaults use Azure RBAC, keep purge protection and soft delete on, and deny public network access.",
    severity: "high",
    remediation: "Set enableRbacAuthorization, enablePurgeProtection, enableSoftDelete, and publicNetworkAccess Disabled.",
    controls: { pciDss: ["3.6.1", "7.2.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["azure-native:keyvault:Vault"],
    check: ({ props }) => {
        const properties = objectInput(props.properties) ?? {};
        return [
            ...(properties.enableRbacAuthorization !== true ? ["access policies instead of Azure RBAC"] : []),
            ...(properties.enablePurgeProtection !== true ? ["purge protection is off"] : []),
            ...(properties.enableSoftDelete === false ? ["soft delete is off"] : []),
            ...(properties.publicNetworkAccess !== "Disabled" ? ["public network access is allowed"] : []),
        ];
    },
});
