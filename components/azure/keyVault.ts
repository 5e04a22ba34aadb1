import * as pulumi from "@pulumi/pulumi";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { diagnosticsToWorkspace } from "./logs";
import { dataStoreOptions } from "../data/retention";
import { privateEndpoint, type PrivateServiceArgs } from "./privateEndpoint";

export interface AzureKeyVaultArgs extends PrivateServiceArgs {
    /**
     * Secrets the stack writes, by name, through Azure Resource Manager: it answers with the vault's
     * public access off, so they are in place before anything reads them. azure-native has no
     * write-only input, so the value is kept in state, encrypted as a Pulumi secret. @default none
     */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
}

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
        for (const secretName of Object.keys(args.secrets ?? {})) {
            // Key Vault's object names (Microsoft.KeyVault secrets API).
            if (!/^[0-9a-zA-Z-]{1,127}$/.test(secretName)) {
                throw new Error(`AzureKeyVault ${name}: secret name "${secretName}" may hold only letters, digits and "-", up to 127`);
            }
        }
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
        for (const [secretName, value] of Object.entries(args.secrets ?? {})) {
            new keyvault.Secret(
                `${name}-${secretName}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    vaultName: vault.name,
                    secretName,
                    properties: { value: pulumi.secret(value) },
                    tags: { ...args.tags },
                },
                parent,
            );
        }
        this.vaultId = vault.id;
        this.vaultName = vault.name;
        this.vaultUri = vault.properties.apply((properties) => properties.vaultUri ?? "");
        this.registerOutputs({ vaultId: this.vaultId, vaultUri: this.vaultUri });
    }
}
