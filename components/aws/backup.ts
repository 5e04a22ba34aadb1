import * as pulumi from "@pulumi/pulumi";
import * as backup from "@pulumi/aws/backup";
import * as iam from "@pulumi/aws/iam";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import { AWS_MAX_CONTINUOUS_RETENTION_DAYS, BACKUP_RETENTION } from "../../model/retention";
import { dataStoreOptions } from "../data/retention";
import { awsScope } from "./identity";

/** A backup rule: when it runs and how long its recovery points live, in days. */
export interface BackupRule {
    /** The rule's name in the plan, e.g. "daily"; unique within the plan. */
    readonly name: string;
    /** AWS cron expression (UTC). */
    readonly schedule: string;
    /**
     * Days a recovery point (and its copy in the second region) is kept; at least coldStorageAfterDays + 90, at most 35
     * when continuous.
     */
    readonly deleteAfterDays: number;
    /**
     * Days after which a recovery point moves to cold storage.
     * @default - never: recovery points stay in warm storage
     */
    readonly coldStorageAfterDays?: number;
    /**
     * Copy each recovery point to the copy vault in the second region, kept as long as the original.
     * @default - no copy (false)
     */
    readonly copyToSecondRegion?: boolean;
    /**
     * Point-in-time recovery where the service supports it (S3); at most 35 days.
     * @default false - snapshots only
     */
    readonly continuous?: boolean;
}

/**
 * The deployment guide's policy: hourly incrementals (kept 2 days), daily fulls kept 30 days and
 * copied to the second region, monthly kept a year. Recovery points are at most an hour apart.
 */
export const BACKUP_RULES: readonly BackupRule[] = [
    { name: "hourly", schedule: "cron(0 * * * ? *)", deleteAfterDays: BACKUP_RETENTION.hourlyDays },
    {
        name: "daily",
        schedule: "cron(0 5 * * ? *)",
        deleteAfterDays: BACKUP_RETENTION.dailyDays,
        copyToSecondRegion: true,
        continuous: true,
    },
    { name: "monthly", schedule: "cron(0 5 1 * ? *)", deleteAfterDays: BACKUP_RETENTION.monthlyDays, coldStorageAfterDays: 90 },
];

export interface AwsBackupArgs {
    /** Encrypts the backup vault's recovery points. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** AWS provider for the second region, where the copy vault lives. */
    readonly replicaProvider: AwsProvider;
    /** Encrypts the copy vault's recovery points; a key in the second region. */
    readonly replicaKmsKeyArn: pulumi.Input<string>;
    /** ARNs of every data store of the site. */
    readonly resourceArns: pulumi.Input<string>[];
    /** Vault lock: recovery points cannot be deleted early, even by an administrator (prod). */
    readonly lockVault: boolean;
    /** Refuse to delete or replace the two vaults (prod); they are retained on delete either way. */
    readonly protect: boolean;
    /**
     * Backup rules of the plan: schedules and retention.
     * @default BACKUP_RULES - hourly kept 2 days; daily kept 30 days, continuous and copied to the second region; monthly
     * kept a year, cold after 90 days
     */
    readonly rules?: readonly BackupRule[];
}

/** The ARN pattern of the service role a Backup component named `name` creates and reads data with. */
export function backupRoleArnPattern(
    name: string,
    scope: { account: pulumi.Input<string>; partition: pulumi.Input<string> },
): pulumi.Output<string> {
    return pulumi.interpolate`arn:${scope.partition}:iam::${scope.account}:role/${name}-selection-*`;
}

/**
 * AWS Backup for the site: a KMS-encrypted vault (locked in prod) and a copy vault in the second
 * region, a plan with the guide's rules, and a selection of every data store.
 */
export class AwsBackup extends pulumi.ComponentResource {
    /** Name of the backup vault in the site's region that the plan writes recovery points to. */
    public readonly vaultName: pulumi.Output<string>;
    /** ID of the backup plan. */
    public readonly planId: pulumi.Output<string>;
    /** The role AWS Backup runs as; an on-demand backup job takes it too. */
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: AwsBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        const rules = args.rules ?? BACKUP_RULES;
        validateRules(name, rules);
        super("beacon:aws:Backup", name, {}, opts);
        const data = dataStoreOptions(args, { parent: this });
        const { partition } = awsScope(this);

        const vault = new backup.Vault(name, { kmsKeyArn: args.kmsKeyArn, forceDestroy: false }, data);
        const copyVault = new backup.Vault(
            `${name}-copy`,
            { kmsKeyArn: args.replicaKmsKeyArn, forceDestroy: false },
            { ...data, provider: args.replicaProvider },
        );
        if (args.lockVault) {
            const longest = Math.max(...rules.map((rule) => rule.deleteAfterDays));
            const shortest = Math.min(...rules.map((rule) => rule.deleteAfterDays));
            for (const [target, suffix] of [
                [vault, ""],
                [copyVault, "-copy"],
            ] as const) {
                new backup.VaultLockConfiguration(
                    `${name}${suffix}`,
                    {
                        backupVaultName: target.name,
                        minRetentionDays: shortest,
                        maxRetentionDays: longest + 1,
                        // Three days to undo a mistake; after that the lock is permanent.
                        changeableForDays: 3,
                    },
                    target === copyVault ? { parent: this, provider: args.replicaProvider } : { parent: this },
                );
            }
        }

        const plan = new backup.Plan(
            name,
            {
                rules: rules.map((rule) => ({
                    ruleName: rule.name,
                    targetVaultName: vault.name,
                    schedule: rule.schedule,
                    startWindow: 60,
                    completionWindow: 180,
                    enableContinuousBackup: rule.continuous ?? false,
                    lifecycle: {
                        deleteAfter: rule.deleteAfterDays,
                        ...(rule.coldStorageAfterDays ? { coldStorageAfter: rule.coldStorageAfterDays } : {}),
                    },
                    copyActions: rule.copyToSecondRegion
                        ? [{ destinationVaultArn: copyVault.arn, lifecycle: { deleteAfter: rule.deleteAfterDays } }]
                        : undefined,
                })),
            },
            { parent: this },
        );

        const role = new iam.Role(
            `${name}-selection`,
            {
                description: `AWS Backup service role for ${name}`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            { parent: this },
        );
        const policies = [
            "service-role/AWSBackupServiceRolePolicyForBackup",
            "service-role/AWSBackupServiceRolePolicyForRestores",
            "AWSBackupServiceRolePolicyForS3Backup",
            "AWSBackupServiceRolePolicyForS3Restore",
        ].map(
            (policy) =>
                new iam.RolePolicyAttachment(
                    `${name}-${policy.split("/").pop()}`,
                    { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
                    { parent: this },
                ),
        );
        new backup.Selection(
            name,
            { planId: plan.id, iamRoleArn: role.arn, resources: args.resourceArns },
            { parent: this, dependsOn: policies },
        );

        this.vaultName = vault.name;
        this.planId = plan.id;
        this.roleArn = role.arn;
        this.registerOutputs({ vaultName: this.vaultName, planId: this.planId });
    }
}

function validateRules(name: string, rules: readonly BackupRule[]): void {
    if (rules.length === 0) {
        throw new Error(`AwsBackup ${name}: rules must hold at least one rule`);
    }
    for (const rule of rules) {
        if (!Number.isInteger(rule.deleteAfterDays) || rule.deleteAfterDays < 1) {
            throw new Error(
                `AwsBackup ${name}: rule ${rule.name} deleteAfterDays ${rule.deleteAfterDays} must be a whole number of at least 1`,
            );
        }
        // Anything moved to cold storage is billed, and kept, for at least 90 days there.
        if (rule.coldStorageAfterDays !== undefined && rule.deleteAfterDays < rule.coldStorageAfterDays + 90) {
            throw new Error(
                `AwsBackup ${name}: rule ${rule.name} deleteAfterDays ${rule.deleteAfterDays} must be at least coldStorageAfterDays + 90 (${rule.coldStorageAfterDays + 90})`,
            );
        }
        if (rule.continuous && rule.deleteAfterDays > AWS_MAX_CONTINUOUS_RETENTION_DAYS) {
            throw new Error(
                `AwsBackup ${name}: rule ${rule.name} keeps continuous backups ${rule.deleteAfterDays} days; at most ${AWS_MAX_CONTINUOUS_RETENTION_DAYS} allowed`,
            );
        }
    }
}
