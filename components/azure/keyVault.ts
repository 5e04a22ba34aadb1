import * as pulumi from "@pulumi/pulumi";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { diagnosticsToWorkspace } from "./logs";
import { dataStoreOptions } from "../data/retention";
import { privateEndpoint, type PrivateServiceArgs } from "./privateEndpoint";

export type AzureKeyVaultArgs = PrivateServiceArgs;

/**
 * The site's Key Vault: Azure RBAC authorization, purge protection, 90-day soft delete, public
 * network access disabled, reached through a private endpoint, with diagnostic logs.
 */
export class AzureKeyVault extends pulumi.ComponentResource {
    /** ARM resource ID of the vault: the scope of Key Vault role assignments. */
    public readonly vaultId: pulumi.Output<string>;
    /** The vault's URI with its trailing slash, `https://<name>.vault.azure.net/`. */
    public readonly vaultUri: pulumi.Output<string>;
    /** The vault's name. */
    public readonly vaultName: pulumi.Output<string>;

    constructor(name: string, args: AzureKeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:azure:KeyVault", name, {}, opts);
        const parent = { parent: this };
        const tenantId = getClientConfigOutput(parent).tenantId;
        const vault = new keyvault.Vault(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                properties: {
                    tenantId,
                    sku: { family: "A", name: "premium" },
                    enableRbacAuthorization: true,
                    enablePurgeProtection: true,
                    enableSoftDelete: true,
                    softDeleteRetentionInDays: 90,
                    publicNetworkAccess: "Disabled",
                    networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
                },
                tags: { ...args.tags },
            },
            dataStoreOptions(args, { parent: this }),
        );
        privateEndpoint(
            `${name}-vault`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                subnetId: args.privateEndpointSubnetId,
                resourceId: vault.id,
                groupId: "vault",
                privateDnsZoneId: args.privateDnsZoneId,
                tags: args.tags,
            },
            parent,
        );
        diagnosticsToWorkspace(`${name}-diagnostics`, vault.id, args.workspaceId, parent);
        this.vaultId = vault.id;
        this.vaultName = vault.name;
        this.vaultUri = vault.properties.apply((properties) => properties.vaultUri ?? "");
        this.registerOutputs({ vaultId: this.vaultId, vaultUri: this.vaultUri });
    }
}
