import { propertyRule } from "../../lib/rules";

const INSTANCE = "aws:rds/instance:Instance";
const CLUSTER = "aws:rds/cluster:Cluster";
const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";

/** Seven days of automated backups: the floor AWS Foundational Security Best Practices set for RDS.11. */
const MIN_BACKUP_RETENTION_DAYS = 7;

export const awsRdsEncrypted = propertyRule({
    name: "aws-rds-encrypted",
    pack: "security",
    description: "RDS instances and Aurora clusters encrypt their storage, snapshots and backups.",
    severity: "high",
    remediation: "Set storageEncrypted: true and kmsKeyId to the site's data key (it cannot be turned on later without a restore).",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: [INSTANCE, CLUSTER],
    problem: (props) => (props.storageEncrypted === true ? undefined : "storage is not encrypted"),
});

export const awsRdsNotPublic = propertyRule({
    name: "aws-rds-not-public",
    pack: "security",
    description: "No RDS or Aurora instance has a public address.",
    severity: "critical",
    remediation: "Set publiclyAccessible: false; reach the database from the cluster's private subnets.",
    controls: { pciDss: ["1.4.4"], soc2: ["CC6.6"], gdpr: ["32"] },
    types: [INSTANCE, CLUSTER_INSTANCE],
    problem: (props) => (props.publiclyAccessible === true ? "publiclyAccessible is true" : undefined),
});

export const awsRdsBackups = propertyRule({
    name: "aws-rds-backups",
    pack: "resilience",
    description: `RDS instances and Aurora clusters keep automated backups for at least ${MIN_BACKUP_RETENTION_DAYS} days.`,
    severity: "medium",
    remediation: `Set backupRetentionPeriod to ${MIN_BACKUP_RETENTION_DAYS} or more.`,
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: [INSTANCE, CLUSTER],
    // Unset, the API keeps one day (rds CreateDBInstance/CreateDBCluster BackupRetentionPeriod).
    problem: (props) => {
        const days = Number(props.backupRetentionPeriod ?? 1);
        return days >= MIN_BACKUP_RETENTION_DAYS
            ? undefined
            : `backupRetentionPeriod is ${days}; at least ${MIN_BACKUP_RETENTION_DAYS} required`;
    },
});

export const awsRdsDeletionProtection = propertyRule({
    name: "aws-rds-deletion-protection",
    pack: "resilience",
    description: "RDS instances and Aurora clusters cannot be deleted until deletion protection is turned off.",
    severity: "medium",
    remediation: "Set deletionProtection: true.",
    controls: { soc2: ["A1.2"] },
    types: [INSTANCE, CLUSTER],
    problem: (props) => (props.deletionProtection === true ? undefined : "deletion protection is off"),
});

export const awsRdsIamAuthentication = propertyRule({
    name: "aws-rds-iam-authentication",
    pack: "security",
    description:
        "RDS instances and Aurora clusters accept IAM authentication, so applications use short-lived tokens instead of stored passwords.",
    severity: "medium",
    remediation: "Set iamDatabaseAuthenticationEnabled: true and grant rds-db:connect to the workload's role.",
    controls: { pciDss: ["8.3.1"], soc2: ["CC6.1"] },
    types: [INSTANCE, CLUSTER],
    problem: (props) => (props.iamDatabaseAuthenticationEnabled === true ? undefined : "IAM authentication is off"),
});
