import { failoverDetectionSec } from "../../components/cloudflare/failover";
import { ATLAS_PROVIDER, DATABASE_DOMAINS, survivorsAfterLosing, type DatabaseTopology } from "../../components/data/topology";
import { arrayInput, objectInput } from "../lib/props";
import { AWS_LOAD_BALANCER_TYPES } from "./aws/platform";
import { resourceRule, stackRule, type StackIndex } from "../lib/rules";

const ATLAS_CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";
/** The two sites, each a cloud the database must survive losing. */
const SITE_DOMAINS = ["aws", "azure"] as const;

/** The deployment guide's retention: 30 days of dailies, a year of monthlies; restore points at most an hour apart. */
const DAILY_DAYS = 30;
const MONTHLY_DAYS = 365;

export const atlasClusterTls = resourceRule({
    name: "atlas-cluster-tls-1-2",
    description: "The database accepts only TLS 1.2 or later.",
    severity: "high",
    remediation: "Set advancedConfiguration.minimumEnabledTlsProtocol to TLS1_2.",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: [ATLAS_CLUSTER],
    check: ({ props }) => {
        const minimum = String(objectInput(props.advancedConfiguration)?.minimumEnabledTlsProtocol ?? "TLS1_0");
        return ["TLS1_2", "TLS1_3"].includes(minimum) ? [] : [`minimum TLS is ${minimum}; allowed: TLS1_2, TLS1_3`];
    },
});

export const atlasClusterBackup = resourceRule({
    name: "atlas-cluster-continuous-backup",
    description: "The database takes snapshots and keeps its oplog for point-in-time restore.",
    severity: "high",
    remediation: "Set backupEnabled and pitEnabled to true.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: [ATLAS_CLUSTER],
    check: ({ props }) => [...(props.backupEnabled === true ? [] : ["backups are off"]), ...(props.pitEnabled === true ? [] : ["point-in-time restore is off"])],
});

export const atlasMajorityWrites = resourceRule({
    name: "atlas-majority-write-concern",
    description: "Writes are acknowledged by a majority of electable nodes by default, so a committed write survives a failover.",
    severity: "high",
    remediation: "Set advancedConfiguration.defaultWriteConcern to majority.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: [ATLAS_CLUSTER],
    check: ({ props }) => {
        const concern = String(objectInput(props.advancedConfiguration)?.defaultWriteConcern ?? "unset");
        return concern === "majority" ? [] : [`default write concern is ${concern}; allowed: majority`];
    },
});

export const atlasNoOpenAccess = resourceRule({
    name: "atlas-no-public-access",
    description: "No IP access list entry opens the database project to the internet; the sites use private endpoints.",
    severity: "critical",
    remediation: "Remove the access list entry; reach the cluster through the sites' private endpoints.",
    controls: { pciDss: ["1.3.1", "1.4.4"], soc2: ["CC6.6"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["mongodbatlas:index/projectIpAccessList:ProjectIpAccessList"],
    check: ({ props }) => {
        const cidr = String(props.cidrBlock ?? (props.ipAddress ? `${String(props.ipAddress)}/32` : ""));
        return cidr.endsWith("/0") ? [`access list entry ${cidr} admits the whole internet`] : [];
    },
});

export const atlasUserLeastPrivilege = resourceRule({
    name: "atlas-user-least-privilege",
    description: "Application database users hold no administrative or any-database role, and are scoped to their cluster.",
    severity: "high",
    remediation: "Grant readWrite on the application's database only, and scope the user to its cluster.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["mongodbatlas:index/databaseUser:DatabaseUser"],
    check: ({ props }) => {
        const broad = arrayInput(props.roles).map((role) => String(role.roleName)).filter((role) => /^(atlasAdmin|dbAdminAnyDatabase|readWriteAnyDatabase|userAdminAnyDatabase|clusterManager|root)$/.test(role));
        return [...(broad.length > 0 ? [`holds ${broad.join(", ")}`] : []), ...(arrayInput(props.scopes).length === 0 ? ["is not scoped to a cluster"] : [])];
    },
});

export const databaseMajoritySurvives = stackRule({
    name: "database-majority-survives-cloud-loss",
    description: "The database's electable nodes are placed so that losing all of AWS, or all of Azure, leaves a majority.",
    severity: "critical",
    remediation: "Place the electable nodes 2 AWS + 2 Azure + 1 in a third cloud (or another split where no cloud holds half).",
    controls: { soc2: ["A1.2", "CC9.1"] },
    check: (stack) =>
        stack.ofType(ATLAS_CLUSTER).flatMap((cluster) => {
            // The planned placement, read back into the topology the schema checks before planning.
            const regions = arrayInput(arrayInput(cluster.props.replicationSpecs)[0]?.regionConfigs);
            const placement = (domain: (typeof DATABASE_DOMAINS)[number]) => {
                const inCloud = regions.filter((region) => region.providerName === ATLAS_PROVIDER[domain]);
                return { region: String(inCloud[0]?.regionName ?? ""), electableNodes: inCloud.reduce((sum, region) => sum + Number(objectInput(region.electableSpecs)?.nodeCount ?? 0), 0) };
            };
            const topology = Object.fromEntries(DATABASE_DOMAINS.map((domain) => [domain, placement(domain)])) as DatabaseTopology;
            return SITE_DOMAINS.flatMap((site) => {
                const { remaining, total, majority } = survivorsAfterLosing(topology, site);
                return majority ? [] : [{ message: `losing ${ATLAS_PROVIDER[site]} leaves ${remaining} of ${total} electable nodes, no majority`, urn: cluster.urn }];
            });
        }),
});

export const backupRetention = stackRule({
    name: "backup-retention",
    description: "Backups keep 30 days of dailies and a year of monthlies, with restore points at most an hour apart.",
    severity: "high",
    remediation: "AWS Backup plans: an hourly or continuous rule, a daily rule kept 30 days, a monthly rule kept 365 days. Atlas: hourly snapshots, dailies for 30 days, monthlies for 12 months.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    check: (stack) => {
        const findings = stack.ofType("aws:backup/plan:Plan").flatMap((plan) => {
            const rules = arrayInput(plan.props.rules);
            const kept = (rule: Record<string, unknown>) => Number(objectInput(rule.lifecycle)?.deleteAfter ?? 0);
            const problems = [];
            if (!rules.some((rule) => rule.enableContinuousBackup === true || /^cron\(0 \* /.test(String(rule.schedule)))) problems.push("no hourly or continuous rule");
            if (!rules.some((rule) => kept(rule) >= DAILY_DAYS && /^cron\(\d+ \d+ \* \* \? \*\)$/.test(String(rule.schedule)))) problems.push(`no daily rule kept ${DAILY_DAYS} days`);
            if (!rules.some((rule) => kept(rule) >= MONTHLY_DAYS)) problems.push(`no rule kept ${MONTHLY_DAYS} days`);
            return problems.map((problem) => ({ message: `backup plan: ${problem}`, urn: plan.urn }));
        });
        for (const schedule of stack.ofType("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule")) {
            const hourly = objectInput(schedule.props.policyItemHourly);
            const daily = objectInput(schedule.props.policyItemDaily);
            const monthly = arrayInput(schedule.props.policyItemMonthlies);
            const days = (item: Record<string, unknown> | undefined) =>
                Number(item?.retentionValue ?? 0) * ({ days: 1, weeks: 7, months: 30.5, years: 365 } as Record<string, number>)[String(item?.retentionUnit)];
            if (!(hourly && Number(hourly.frequencyInterval) <= 1)) findings.push({ message: "database backups: no hourly snapshots", urn: schedule.urn });
            if (!(days(daily) >= DAILY_DAYS)) findings.push({ message: `database backups: dailies kept under ${DAILY_DAYS} days`, urn: schedule.urn });
            if (!monthly.some((item) => days(item) >= MONTHLY_DAYS)) findings.push({ message: "database backups: no monthlies kept a year", urn: schedule.urn });
        }
        return findings;
    },
});

export const loadBalancerBothClouds = stackRule({
    name: "load-balancer-both-clouds",
    description: "The edge load balancer has a monitored pool on each cloud and a fallback pool.",
    severity: "critical",
    remediation: "Give the load balancer defaultPools with one pool per site, each with a health monitor, and a fallbackPool.",
    controls: { soc2: ["A1.2", "CC9.1"] },
    check: (stack) =>
        stack.ofType("cloudflare:index/loadBalancer:LoadBalancer").flatMap((balancer) => {
            const pools = (balancer.propertyDependencies?.defaultPools ?? []).map((dependency) => stack.get(dependency.urn)).filter((pool) => pool !== undefined);
            const monitored = pools.filter((pool) => (pool.propertyDependencies?.monitor ?? []).length > 0);
            const sites = new Set(monitored.flatMap((pool) => arrayInput(pool.props.origins).map((origin) => String(origin.name))));
            const problems = [];
            const missing = SITE_DOMAINS.filter((site) => !sites.has(site));
            if (missing.length > 0) problems.push(`no monitored pool for ${missing.join(", ")}`);
            if (!balancer.props.fallbackPool) problems.push("no fallback pool");
            return problems.map((problem) => ({ message: problem, urn: balancer.urn }));
        }),
});

export const failoverDetection = stackRule<{ maxDetectionSec: number }>({
    name: "failover-detection-time",
    description: "The edge's health monitors notice a dead site within the limit (prod: 35 s): interval x consecutive-down + timeout x (retries + 1).",
    severity: "high",
    remediation: "Shorten the monitor interval (the plan allows), lower consecutiveDown or retries, or raise maxDetectionSec for a non-prod stack.",
    controls: { soc2: ["A1.2"] },
    configSchema: { properties: { maxDetectionSec: { type: "number", default: 35 } } },
    check: (stack, config) =>
        stack.ofType("cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor").flatMap((monitor) => {
            const props = monitor.props;
            // Cloudflare's defaults for the settings a monitor leaves out.
            const detection = failoverDetectionSec({
                intervalSec: Number(props.interval ?? 60),
                consecutiveDown: Number(props.consecutiveDown ?? 1),
                timeoutSec: Number(props.timeout ?? 5),
                retries: Number(props.retries ?? 2),
            });
            return detection > config.maxDetectionSec ? [{ message: `worst-case detection is ${detection} s; at most ${config.maxDetectionSec} s allowed`, urn: monitor.urn }] : [];
        }),
});

export const albWafAssociated = stackRule({
    name: "aws-alb-waf-associated",
    description: "Every internet-facing application load balancer has a WAF web ACL.",
    severity: "critical",
    remediation: "Associate a WAFv2 web ACL with the load balancer (wafv2.WebAclAssociation).",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"], ccpa: ["1798.150"] },
    check: (stack) =>
        stack
            .ofType(...AWS_LOAD_BALANCER_TYPES)
            .filter((balancer) => balancer.props.internal !== true && (balancer.props.loadBalancerType ?? "application") === "application")
            .filter((balancer) => stack.referencing(balancer.urn, "aws:wafv2/webAclAssociation:WebAclAssociation", "resourceArn").length === 0)
            .map((balancer) => ({ message: `internet-facing load balancer ${balancer.name} has no WAF web ACL`, urn: balancer.urn })),
});

export const atlasBackupCopied = resourceRule({
    name: "atlas-backup-copied-to-other-cloud",
    description: "Database snapshots and the oplog are copied to another region, so a restore needs neither the primary's region nor its cloud.",
    severity: "high",
    remediation: "Add copySettings to a region of the other cloud with shouldCopyOplogs and a daily copyPolicyItems entry at least.",
    controls: { soc2: ["A1.2", "CC9.1"], gdpr: ["32"] },
    types: ["mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule"],
    check: ({ props }) =>
        arrayInput(props.copySettings).some((copy) => copy.shouldCopyOplogs === true && copiesDailySnapshots(copy))
            ? []
            : ["snapshots are not copied, with the oplog, to another region"],
});

/** A copy setting copies the daily snapshots, in provider 4.x's copyPolicyItems or the deprecated frequencies. */
function copiesDailySnapshots(copy: Record<string, unknown>): boolean {
    return arrayInput(copy.copyPolicyItems).some((item) => item.frequencyType === "daily") || (Array.isArray(copy.frequencies) && (copy.frequencies as unknown[]).includes("DAILY"));
}

/** Primary data stores, found in the stack: what a backup must cover. */
function dataStores(stack: StackIndex) {
    // A bucket that replicates to another region holds primary data; logs and replicas do not.
    const replicatedBuckets = stack
        .ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
        .flatMap((replication) => (replication.propertyDependencies?.bucket ?? []).map((bucket) => bucket.urn))
        .map((urn) => stack.get(urn))
        .filter((bucket) => bucket !== undefined);
    const awsStores = [...replicatedBuckets, ...stack.ofType("aws:dynamodb/table:Table", "aws:rds/cluster:Cluster", "aws:rds/instance:Instance", "aws:efs/fileSystem:FileSystem")];
    // Storage accounts that hold containers hold data; the flow-log account holds none.
    const azureStores = stack
        .ofType("azure-native:storage:BlobContainer")
        .flatMap((container) => (container.propertyDependencies?.accountName ?? []).map((account) => account.urn))
        .map((urn) => stack.get(urn))
        .filter((account) => account !== undefined && account.type === "azure-native:storage:StorageAccount");
    return { awsStores, azureStores: [...new Map(azureStores.map((account) => [account!.urn, account!])).values()], clusters: stack.ofType(ATLAS_CLUSTER) };
}

export const dataStoresBackedUp = stackRule({
    name: "data-stores-backed-up",
    description: "Every data store is in a backup: AWS data in an AWS Backup selection, Azure storage in a Backup vault instance, the database in an Atlas backup schedule.",
    severity: "critical",
    remediation: "Add the store's ARN to the site's backup selection, protect the storage account with a Backup instance, or give the cluster a CloudBackupSchedule.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    check: (stack) => {
        const { awsStores, azureStores, clusters } = dataStores(stack);
        const unprotected = [
            ...awsStores.filter((store) => stack.referencing(store.urn, "aws:backup/selection:Selection", "resources").length === 0),
            ...azureStores.filter((account) => stack.referencing(account.urn, "azure-native:dataprotection:BackupInstance", "properties").length === 0),
            ...clusters.filter((cluster) => stack.referencing(cluster.urn, "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule", "clusterName").length === 0),
        ];
        return unprotected.map((store) => ({ message: `${store.type.split(":").pop()} ${store.name} is in no backup`, urn: store.urn }));
    },
});
