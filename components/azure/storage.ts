import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import { dataStoreOptions, type DataRetention } from "../data/retention";
import { alphanumericName, satisfies, STORAGE_ACCOUNT_NAME } from "./names";

export interface SecureStorageAccountArgs extends DataRetention {
    /** Resource group of the account. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of the account, e.g. "westeurope". */
    readonly location: string;
    /** e.g. "Standard_RAGZRS" for data that must survive a region, "Standard_ZRS" for logs. */
    readonly sku: "Standard_RAGZRS" | "Standard_GZRS" | "Standard_ZRS" | "Standard_LRS";
    /** Days that deleted blobs and overwritten versions can be restored. @default 30 */
    readonly softDeleteDays?: number;
    /**
     * Private containers to create (no public access).
     * @default - none
     */
    readonly containers?: readonly string[];
    /** Tags set on the account. */
    readonly tags: Readonly<Record<string, string>>;
    /**
     * The account's global name. @default the component name and the stack name, letters and
     * digits only, within 24 characters
     */
    readonly accountName?: string;
}

/**
 * A storage account that is secure by default: HTTPS only, TLS 1.2, no public blob access,
 * shared-key access disabled (Entra ID only), public network access denied except to trusted
 * Azure services, infrastructure encryption, and blob versioning with soft delete.
 */
export class SecureStorageAccount extends pulumi.ComponentResource {
    /** ARM resource ID of the storage account. */
    public readonly accountId: pulumi.Output<string>;
    /** The account's global name (`<name>.blob.core.windows.net`). */
    public readonly accountName: pulumi.Output<string>;
    /** ARM resource ID of the account's blob service (`<accountId>/blobServices/default`), the scope of its diagnostic settings. */
    public readonly blobServiceId: pulumi.Output<string>;
    /** Resource ids of the containers, by name. */
    public readonly containerIds: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: SecureStorageAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        const softDeleteDays = args.softDeleteDays ?? 30;
        if (!Number.isInteger(softDeleteDays) || softDeleteDays < 1 || softDeleteDays > 365) {
            throw new Error(`SecureStorageAccount ${name}: softDeleteDays ${softDeleteDays} must be from 1 to 365`);
        }
        const accountName = args.accountName ?? alphanumericName([name, pulumi.getStack()], STORAGE_ACCOUNT_NAME);
        if (!satisfies(accountName, STORAGE_ACCOUNT_NAME)) {
            throw new Error(`SecureStorageAccount ${name}: accountName "${accountName}" must be ${STORAGE_ACCOUNT_NAME.allowed}`);
        }
        super("beacon:azure:SecureStorageAccount", name, {}, opts);
        const parent = { parent: this };
        const account = new storage.StorageAccount(
            name,
            {
                accountName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                kind: "StorageV2",
                sku: { name: args.sku },
                enableHttpsTrafficOnly: true,
                minimumTlsVersion: "TLS1_2",
                allowBlobPublicAccess: false,
                allowSharedKeyAccess: false,
                defaultToOAuthAuthentication: true,
                publicNetworkAccess: "Enabled",
                networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
                encryption: {
                    keySource: "Microsoft.Storage",
                    requireInfrastructureEncryption: true,
                    services: { blob: { enabled: true, keyType: "Account" } },
                },
                tags: { ...args.tags },
            },
            dataStoreOptions(args, parent),
        );
        const blobService = new storage.BlobServiceProperties(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                accountName: account.name,
                blobServicesName: "default",
                isVersioningEnabled: true,
                deleteRetentionPolicy: { enabled: true, days: softDeleteDays },
                containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays },
                changeFeed: { enabled: true },
            },
            parent,
        );
        for (const container of args.containers ?? []) {
            this.containerIds[container] = new storage.BlobContainer(
                `${name}-${container}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    accountName: account.name,
                    containerName: container,
                    publicAccess: "None",
                },
                { parent: this, dependsOn: [blobService] },
            ).id;
        }
        this.accountId = account.id;
        this.accountName = account.name;
        this.blobServiceId = pulumi.interpolate`${account.id}/blobServices/default`;
        this.registerOutputs({ accountId: this.accountId, accountName: this.accountName });
    }
}
