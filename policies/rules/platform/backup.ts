import { arrayInput, objectInput } from "../../lib/props";
import { stackRule, type StackIndex } from "../../lib/rules";
import { BACKUP_RETENTION } from "../../../model/retention";
import { ATLAS_CLUSTER } from "../atlas/cluster";

const DAILY_DAYS = BACKUP_RETENTION.dailyDays;
const MONTHLY_DAYS = BACKUP_RETENTION.monthlyDays;

export const backupRetention = stackRule({
    name: "backup-retention",
    pack: "compliance",
    description: "Backups keep 30 days of dailies and a year of monthlies, with restore points at most an hour apart.",
    severity: "high",
    remediation:
        "AWS Backup plans: an hourly or continuous rule, a daily rule kept 30 days, a monthly rule kept 365 days. Atlas: hourly snapshots, dailies for 30 days, monthlies for 12 months.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    check: (stack) => {
        const findings = stack.ofType("aws:backup/plan:Plan").flatMap((plan) => {
            const rules = arrayInput(plan.props.rules);
            const kept = (rule: Record<string, unknown>) => Number(objectInput(rule.lifecycle)?.deleteAfter ?? 0);
            const problems = [];
            if (!rules.some((rule) => rule.enableContinuousBackup === true || /^cron\(0 \* /.test(String(rule.schedule))))
                problems.push("no hourly or continuous rule");
            if (!rules.some((rule) => kept(rule) >= DAILY_DAYS && /^cron\(\d+ \d+ \* \* \? \*\)$/.test(String(rule.schedule))))
                problems.push(`no daily rule kept ${DAILY_DAYS} days`);
            if (!rules.some((rule) => kept(rule) >= MONTHLY_DAYS)) problems.push(`no rule kept ${MONTHLY_DAYS} days`);
            return problems.map((problem) => ({ message: `backup plan: ${problem}`, urn: plan.urn }));
        });
        for (const schedule of stack.ofType("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule")) {
            const hourly = objectInput(schedule.props.policyItemHourly);
            const daily = objectInput(schedule.props.policyItemDaily);
            const monthly = arrayInput(schedule.props.policyItemMonthlies);
            const days = (item: Record<string, unknown> | undefined) =>
                Number(item?.retentionValue ?? 0) *
                ({ days: 1, weeks: 7, months: 30.5, years: 365 } as Record<string, number>)[String(item?.retentionUnit)];
            if (!(hourly && Number(hourly.frequencyInterval) <= 1))
                findings.push({ message: "database backups: no hourly snapshots", urn: schedule.urn });
            if (!(days(daily) >= DAILY_DAYS))
                findings.push({ message: `database backups: dailies kept under ${DAILY_DAYS} days`, urn: schedule.urn });
            if (!monthly.some((item) => days(item) >= MONTHLY_DAYS))
                findings.push({ message: "database backups: no monthlies kept a year", urn: schedule.urn });
        }
        return findings;
    },
});

/** Primary data stores, found in the stack: what a backup must cover. */
function dataStores(stack: StackIndex) {
    // A bucket that replicates to another region holds primary data; logs and replicas do not.
    const replicatedBuckets = stack
        .ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
        .flatMap((replication) => (replication.propertyDependencies?.bucket ?? []).map((bucket) => bucket.urn))
        .map((urn) => stack.get(urn))
        .filter((bucket) => bucket !== undefined);
    const awsStores = [
        ...replicatedBuckets,
        ...stack.ofType(
            "aws:dynamodb/table:Table",
            "aws:rds/cluster:Cluster",
            "aws:rds/instance:Instance",
            "aws:efs/fileSystem:FileSystem",
        ),
    ];
    // Storage accounts that hold containers hold data; the flow-log account holds none.
    const azureStores = stack
        .ofType("azure-native:storage:BlobContainer")
        .flatMap((container) => (container.propertyDependencies?.accountName ?? []).map((account) => account.urn))
        .map((urn) => stack.get(urn))
        .filter((account) => account !== undefined && account.type === "azure-native:storage:StorageAccount");
    return {
        awsStores,
        azureStores: [...new Map(azureStores.map((account) => [account!.urn, account!])).values()],
        clusters: stack.ofType(ATLAS_CLUSTER),
    };
}

export const dataStoresBackedUp = stackRule({
    name: "data-stores-backed-up",
    pack: "compliance",
    description:
        "Every data store is in a backup: AWS data in an AWS Backup selection, Azure storage in a Backup vault instance, the database in an Atlas backup schedule.",
    severity: "critical",
    remediation:
        "Add the store's ARN to the site's backup selection, protect the storage account with a Backup instance, or give the cluster a CloudBackupSchedule.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    check: (stack) => {
        const { awsStores, azureStores, clusters } = dataStores(stack);
        const unprotected = [
            ...awsStores.filter((store) => stack.referencing(store.urn, "aws:backup/selection:Selection", "resources").length === 0),
            ...azureStores.filter(
                (account) => stack.referencing(account.urn, "azure-native:dataprotection:BackupInstance", "properties").length === 0,
            ),
            ...clusters.filter(
                (cluster) =>
                    stack.referencing(cluster.urn, "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule", "clusterName").length ===
                    0,
            ),
        ];
        return unprotected.map((store) => ({ message: `${store.type.split(":").pop()} ${store.name} is in no backup`, urn: store.urn }));
    },
});
