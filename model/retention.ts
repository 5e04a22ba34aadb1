/**
 * How long data is kept: the backup schedule the deployment guide asks for, and the limits the
 * services put on retention. The database and AWS Backup components build these schedules, the
 * config schema bounds the keys by these limits, and the `backup-retention` policy checks them.
 */

/** The deployment guide's backups: restore points an hour apart kept two days, dailies 30 days, monthlies a year. */
export const BACKUP_RETENTION = { hourlyDays: 2, dailyDays: 30, monthlyMonths: 12, monthlyDays: 365 } as const;

/** CloudWatch Logs only accepts these retention periods, in days (PutRetentionPolicy). */
export const CLOUDWATCH_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Days the sites keep their logs unless a stack says otherwise: a year, for audit. */
export const DEFAULT_LOG_RETENTION_DAYS = 365;

/** The longest that AWS keeps continuous (point-in-time) backups and ElastiCache keeps snapshots, in days. */
export const AWS_MAX_CONTINUOUS_RETENTION_DAYS = 35;
