import * as pulumi from "@pulumi/pulumi";
import { AdvancedCluster } from "@pulumi/mongodbatlas/advancedCluster";
import { CloudBackupSchedule } from "@pulumi/mongodbatlas/cloudBackupSchedule";
import { ClusterOutageSimulation } from "@pulumi/mongodbatlas/clusterOutageSimulation";
import { DatabaseUser } from "@pulumi/mongodbatlas/databaseUser";
import { dataStoreOptions } from "./retention";
import { BACKUP_RETENTION } from "../../model/retention";
import { otherSite, type Site } from "../../model/stacks";
import {
    ATLAS_PROVIDER,
    DATABASE_DOMAINS,
    databaseTopologyProblems,
    primaryPriorities,
    type DatabaseDomain,
    type DatabaseTopology,
} from "../../model/topology";

/**
 * How the applications must talk to the database so that a committed write survives a failover:
 * acknowledged by a majority of electable nodes (which always spans two clouds), journaled, and
 * read back at majority so that a read never sees a write a failover could roll back.
 */
export const CONNECTION_SETTINGS = {
    writeConcern: "majority",
    journal: true,
    readConcern: "majority",
    retryWrites: true,
    retryReads: true,
    uriOptions: "w=majority&journal=true&readConcernLevel=majority&retryWrites=true&retryReads=true&tls=true",
} as const;

export interface TradingDatabaseArgs {
    /** The Atlas project ID the cluster, its backup schedule and the application user belong to. */
    readonly projectId: pulumi.Input<string>;
    /** Region and electable node count per failure domain (AWS, Azure, the GCP tie-breaker); must keep a majority after losing any one. */
    readonly topology: DatabaseTopology;
    /** The site whose region the primary prefers; the DR switch moves it with the traffic. */
    readonly activeSite: Site;
    /** Atlas tier of every electable node, e.g. "M30". */
    readonly instanceSize: string;
    /** Password of the application's database user `trading-hub-app` (readWrite on `trading`, this cluster only); a secret. */
    readonly appUserPassword: pulumi.Input<string>;
    /** Opt-in drill: simulate the loss of this site's database region. @default "none" */
    readonly outageSimulation?: Site | "none";
    /** Termination protection, `protect` and retain on delete. */
    readonly protect: boolean;
    /** Tags set on the Atlas cluster. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * The trading hub's database: one MongoDB Atlas replica set across AWS, Azure and a GCP
 * tie-breaker, placed so that losing a whole cloud leaves a majority. The primary prefers the
 * active site's region. Continuous backup with hourly, daily and monthly snapshots, copied with
 * their oplog to the standby cloud's region. No IP access list entries: the sites reach it only
 * through their private endpoints.
 */
export class TradingDatabase extends pulumi.ComponentResource {
    /** Name of the Atlas cluster (the replica set). */
    public readonly clusterName: pulumi.Output<string>;
    /** One SRV connection string per private endpoint; each site uses the one in its own network. */
    public readonly privateEndpointConnectionStrings: pulumi.Output<string[]>;
    /** Electable-node priority per failure domain (7 is preferred for primary). */
    public readonly priorities: Readonly<Record<DatabaseDomain, number>>;

    constructor(name: string, args: TradingDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:data:TradingDatabase", name, {}, opts);
        const problems = databaseTopologyProblems(args.topology);
        if (problems.length > 0) {
            throw new Error(
                `TradingDatabase ${name}: topology does not survive the loss of a cloud: ${problems.map((problem) => `${problem.key}: ${problem.message}`).join("; ")}`,
            );
        }
        const standbySite = otherSite(args.activeSite);
        this.priorities = primaryPriorities(args.activeSite);
        const resourceOpts = dataStoreOptions(args, { parent: this });

        // Atlas asks for a private endpoint in each region with a node of a multi-region cluster
        // (mongodb.com/docs/atlas/security-manage-private-endpoint/) so that applications reach
        // every node they may need. The GCP tie-breaker only votes: it has the lowest priority,
        // so it is never primary while a majority exists, no application runs in GCP, and an
        // application in AWS or Azure reaches only its own cloud's nodes through its endpoint.
        // So it gets no endpoint; the sites' endpoints are AwsDatabaseEndpoint and AzureDatabaseEndpoint.
        const regionConfigs = DATABASE_DOMAINS.filter((domain) => args.topology[domain].electableNodes > 0)
            .sort((a, b) => this.priorities[b] - this.priorities[a])
            .map((domain) => ({
                providerName: ATLAS_PROVIDER[domain],
                regionName: args.topology[domain].region,
                priority: this.priorities[domain],
                electableSpecs: { instanceSize: args.instanceSize, nodeCount: args.topology[domain].electableNodes },
                autoScaling: { diskGbEnabled: true },
            }));

        const cluster = new AdvancedCluster(
            name,
            {
                projectId: args.projectId,
                name,
                clusterType: "REPLICASET",
                replicationSpecs: [{ regionConfigs }],
                backupEnabled: true,
                pitEnabled: true,
                terminationProtectionEnabled: args.protect,
                advancedConfiguration: {
                    defaultWriteConcern: CONNECTION_SETTINGS.writeConcern,
                    minimumEnabledTlsProtocol: "TLS1_2",
                    javascriptEnabled: false,
                    // Room to rebuild a node that was cut off during a long cloud outage.
                    oplogMinRetentionHours: 48,
                },
                tags: { ...args.tags },
            },
            resourceOpts,
        );

        const zoneId = cluster.replicationSpecs.apply((specs) => specs[0]?.zoneId ?? "");
        new CloudBackupSchedule(
            name,
            {
                projectId: args.projectId,
                clusterName: cluster.name,
                referenceHourOfDay: 3,
                referenceMinuteOfHour: 0,
                restoreWindowDays: 7,
                policyItemHourly: { frequencyInterval: 1, retentionUnit: "days", retentionValue: BACKUP_RETENTION.hourlyDays },
                policyItemDaily: { frequencyInterval: 1, retentionUnit: "days", retentionValue: BACKUP_RETENTION.dailyDays },
                policyItemMonthlies: [{ frequencyInterval: 1, retentionUnit: "months", retentionValue: BACKUP_RETENTION.monthlyMonths }],
                // Snapshots and the oplog also land in the other cloud, so a restore needs neither
                // the primary's cloud nor its region.
                // copyPolicyItems replaces the deprecated `frequencies` (provider 4.x); the copies are
                // kept as long as the snapshots they copy.
                copySettings: [
                    {
                        cloudProvider: ATLAS_PROVIDER[standbySite],
                        regionName: args.topology[standbySite].region,
                        zoneId,
                        copyPolicyItems: [
                            { frequencyType: "hourly", retentionUnit: "days", retentionValue: BACKUP_RETENTION.hourlyDays },
                            { frequencyType: "daily", retentionUnit: "days", retentionValue: BACKUP_RETENTION.dailyDays },
                            { frequencyType: "monthly", retentionUnit: "months", retentionValue: BACKUP_RETENTION.monthlyMonths },
                        ],
                        shouldCopyOplogs: true,
                    },
                ],
            },
            { parent: this },
        );

        new DatabaseUser(
            `${name}-app`,
            {
                projectId: args.projectId,
                username: "trading-hub-app",
                password: args.appUserPassword,
                authDatabaseName: "admin",
                roles: [{ roleName: "readWrite", databaseName: "trading" }],
                scopes: [{ name: cluster.name, type: "CLUSTER" }],
                description: "The trading hub's services; read and write on the trading database only",
            },
            { parent: this },
        );

        const simulated = args.outageSimulation ?? "none";
        if (simulated !== "none") {
            new ClusterOutageSimulation(
                `${name}-outage-${simulated}`,
                {
                    projectId: args.projectId,
                    clusterName: cluster.name,
                    outageFilters: [
                        { cloudProvider: ATLAS_PROVIDER[simulated], regionName: args.topology[simulated].region, type: "REGION" },
                    ],
                },
                { parent: this },
            );
        }

        this.clusterName = cluster.name;
        this.privateEndpointConnectionStrings = cluster.connectionStrings.apply((strings) =>
            (strings?.privateEndpoints ?? []).map((endpoint) => endpoint.srvConnectionString),
        );
        this.registerOutputs({ clusterName: this.clusterName, privateEndpointConnectionStrings: this.privateEndpointConnectionStrings });
    }
}
