import * as pulumi from "@pulumi/pulumi";
import * as redisenterprise from "@pulumi/azure-native/redisenterprise";
import { diagnosticsToWorkspace } from "./logs";
import { PORTS } from "../../model/intent";
import { dataStoreOptions } from "../data/retention";
import { privateEndpoint, type PrivateServiceArgs } from "./privateEndpoint";

export interface AzureRedisArgs extends PrivateServiceArgs {
    /** Azure Managed Redis SKU, e.g. "Balanced_B5". */
    readonly sku: string;
}

/**
 * The site's cache on Azure Managed Redis (Azure Cache for Redis is being retired): TLS 1.2
 * only, encrypted client protocol, Entra ID authentication instead of access keys, no public
 * network access, reached through a private endpoint. Like the AWS cache, it is rebuilt per site.
 */
export class AzureRedis extends pulumi.ComponentResource {
    /** Hostname of the cache; clients connect with TLS on the database's port 10000, through the private endpoint. */
    public readonly hostName: pulumi.Output<string>;
    /** The cluster and database names, where access policy assignments for its users go. */
    public readonly clusterName: pulumi.Output<string>;
    /** Name of the cluster's one database ("default"). */
    public readonly databaseName: pulumi.Output<string>;

    constructor(name: string, args: AzureRedisArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!/^(Balanced|ComputeOptimized|MemoryOptimized|FlashOptimized)_[A-Z]\d+$/.test(args.sku)) {
            throw new Error(`AzureRedis ${name}: sku "${args.sku}" must be an Azure Managed Redis SKU such as Balanced_B5`);
        }
        super("beacon:azure:Redis", name, {}, opts);
        const parent = { parent: this };
        const cluster = new redisenterprise.RedisEnterprise(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: args.sku },
                minimumTlsVersion: "1.2",
                publicNetworkAccess: "Disabled",
                highAvailability: "Enabled",
                tags: { ...args.tags },
            },
            dataStoreOptions(args, { parent: this }),
        );
        const database = new redisenterprise.Database(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                clusterName: cluster.name,
                databaseName: "default",
                clientProtocol: "Encrypted",
                port: PORTS.azureRedis,
                clusteringPolicy: "OSSCluster",
                evictionPolicy: "VolatileLRU",
                accessKeysAuthentication: "Disabled",
            },
            dataStoreOptions(args, parent),
        );
        privateEndpoint(
            `${name}-redis`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                subnetId: args.privateEndpointSubnetId,
                resourceId: cluster.id,
                groupId: "redisEnterprise",
                privateDnsZoneId: args.privateDnsZoneId,
                tags: args.tags,
            },
            parent,
        );
        // Managed Redis keeps its metrics on the cluster and its logs on the database
        // (learn.microsoft.com/azure/redis/monitor-diagnostic-settings): one setting for each.
        diagnosticsToWorkspace(`${name}-diagnostics`, cluster.id, args.workspaceId, parent, { logs: false });
        diagnosticsToWorkspace(`${name}-database-diagnostics`, database.id, args.workspaceId, parent, { metrics: false });
        this.hostName = cluster.hostName;
        this.clusterName = cluster.name;
        this.databaseName = database.name;
        this.registerOutputs({ hostName: this.hostName });
    }
}
