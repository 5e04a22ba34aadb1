import * as pulumi from "@pulumi/pulumi";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dataprotection from "@pulumi/azure-native/dataprotection";
import { dataStoreOptions } from "../data/retention";
import { builtInRoleId } from "./roles";

export interface AzureBackupArgs {
    /** Resource group of the Backup vault. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of the vault, e.g. "westeurope"; geo-redundant storage copies it to the paired region. */
    readonly location: string;
    /** Storage accounts whose blobs are backed up, with their containers. */
    readonly storageAccounts: readonly {
        /** A short name for the account, unique among them; names its backup instance and role assignment. */
        readonly name: string;
        /** ARM resource ID of the storage account; the vault gets Storage Account Backup Contributor on it. */
        readonly id: pulumi.Input<string>;
        /** The account's containers whose blobs are backed up (vaulted backup). */
        readonly containers: readonly string[];
    }[];
    /** Days daily recovery points are kept. @default 30 */
    readonly dailyRetentionDays?: number;
    /** Months the first-of-month recovery points are kept. @default 12 */
    readonly monthlyRetentionMonths?: number;
    /** Immutability locked: recovery points cannot be deleted early, even by an owner (prod). */
    readonly lockImmutability: boolean;
    /** Refuse to delete or replace the vault (prod); it is retained on delete either way. */
    readonly protect: boolean;
    /** Tags set on the vault. */
    readonly tags: Readonly<Record<string, string>>;
}

const VAULT_STORE = { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" };

/**
 * The Azure site's backups: a geo-redundant Backup vault with immutability and soft delete, and
 * a blob policy that keeps a daily recovery point 30 days and the first of each month a year, for
 * every storage account of the site. The site's other stores rebuild (Redis) or replicate
 * (the database, in Atlas) rather than restore from here.
 */
export class AzureBackup extends pulumi.ComponentResource {
    /** ARM resource ID of the Backup vault. */
    public readonly vaultId: pulumi.Output<string>;
    /** ARM resource ID of the blob backup policy (daily and monthly recovery points). */
    public readonly policyId: pulumi.Output<string>;
    /** Name of the Backup vault. */
    public readonly vaultName: pulumi.Output<string>;
    /** The backup instances, one per protected storage account, for on-demand backups. */
    public readonly instanceNames: pulumi.Output<string>[] = [];

    constructor(name: string, args: AzureBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        const dailyRetentionDays = args.dailyRetentionDays ?? 30;
        const monthlyRetentionMonths = args.monthlyRetentionMonths ?? 12;
        if (!Number.isInteger(dailyRetentionDays) || dailyRetentionDays < 30) {
            throw new Error(
                `AzureBackup ${name}: dailyRetentionDays ${dailyRetentionDays} must be at least 30 (the deployment guide's policy)`,
            );
        }
        if (!Number.isInteger(monthlyRetentionMonths) || monthlyRetentionMonths < 12) {
            throw new Error(
                `AzureBackup ${name}: monthlyRetentionMonths ${monthlyRetentionMonths} must be at least 12 (the deployment guide's policy)`,
            );
        }
        if (args.storageAccounts.length === 0) {
            throw new Error(`AzureBackup ${name}: storageAccounts must name the site's data stores`);
        }
        super("beacon:azure:Backup", name, {}, opts);
        const parent = { parent: this };
        const subscription = getClientConfigOutput(parent).subscriptionId;

        const vault = new dataprotection.BackupVault(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                identity: { type: "SystemAssigned" },
                properties: {
                    storageSettings: [{ datastoreType: "VaultStore", type: "GeoRedundant" }],
                    securitySettings: {
                        softDeleteSettings: { state: args.lockImmutability ? "AlwaysOn" : "On", retentionDurationInDays: 14 },
                        immutabilitySettings: { state: args.lockImmutability ? "Locked" : "Unlocked" },
                    },
                    featureSettings: { crossRegionRestoreSettings: { state: "Enabled" } },
                },
                tags: { ...args.tags },
            },
            dataStoreOptions(args, { parent: this }),
        );

        const policy = new dataprotection.BackupPolicy(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                vaultName: vault.name,
                properties: {
                    objectType: "BackupPolicy",
                    datasourceTypes: ["Microsoft.Storage/storageAccounts/blobServices"],
                    policyRules: [
                        {
                            objectType: "AzureBackupRule",
                            name: "daily",
                            dataStore: VAULT_STORE,
                            backupParameters: { objectType: "AzureBackupParams", backupType: "Discrete" },
                            trigger: {
                                objectType: "ScheduleBasedTriggerContext",
                                schedule: { repeatingTimeIntervals: ["R/2026-01-01T05:00:00+00:00/P1D"], timeZone: "UTC" },
                                taggingCriteria: [
                                    { isDefault: true, taggingPriority: 99, tagInfo: { tagName: "Default" } },
                                    {
                                        isDefault: false,
                                        taggingPriority: 20,
                                        tagInfo: { tagName: "Monthly" },
                                        criteria: [{ objectType: "ScheduleBasedBackupCriteria", absoluteCriteria: ["FirstOfMonth"] }],
                                    },
                                ],
                            },
                        },
                        {
                            objectType: "AzureRetentionRule",
                            name: "Default",
                            isDefault: true,
                            lifecycles: [
                                {
                                    sourceDataStore: VAULT_STORE,
                                    deleteAfter: { objectType: "AbsoluteDeleteOption", duration: `P${dailyRetentionDays}D` },
                                },
                            ],
                        },
                        {
                            objectType: "AzureRetentionRule",
                            name: "Monthly",
                            isDefault: false,
                            lifecycles: [
                                {
                                    sourceDataStore: VAULT_STORE,
                                    deleteAfter: { objectType: "AbsoluteDeleteOption", duration: `P${monthlyRetentionMonths}M` },
                                },
                            ],
                        },
                    ],
                },
            },
            parent,
        );

        for (const account of args.storageAccounts) {
            const access = new authorization.RoleAssignment(
                `${name}-${account.name}`,
                {
                    scope: account.id,
                    principalId: vault.identity.apply((identity) => identity?.principalId ?? ""),
                    principalType: "ServicePrincipal",
                    roleDefinitionId: builtInRoleId(subscription, "storageAccountBackupContributor"),
                },
                parent,
            );
            const instance = new dataprotection.BackupInstance(
                `${name}-${account.name}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    vaultName: vault.name,
                    properties: {
                        objectType: "BackupInstance",
                        friendlyName: account.name,
                        dataSourceInfo: {
                            objectType: "Datasource",
                            resourceID: account.id,
                            resourceLocation: args.location,
                            resourceName: account.name,
                            resourceType: "Microsoft.Storage/storageAccounts",
                            resourceUri: account.id,
                            datasourceType: "Microsoft.Storage/storageAccounts/blobServices",
                        },
                        policyInfo: {
                            policyId: policy.id,
                            policyParameters: {
                                backupDatasourceParametersList: [
                                    { objectType: "BlobBackupDatasourceParameters", containersList: [...account.containers] },
                                ],
                            },
                        },
                    },
                },
                { parent: this, dependsOn: [access] },
            );
            this.instanceNames.push(instance.name);
        }

        this.vaultName = vault.name;
        this.vaultId = vault.id;
        this.policyId = policy.id;
        this.registerOutputs({ vaultId: this.vaultId, policyId: this.policyId });
    }
}
