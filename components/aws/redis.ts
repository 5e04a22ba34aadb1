import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as elasticache from "@pulumi/aws/elasticache";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import { getRandomPasswordOutput } from "@pulumi/aws/secretsmanager/getRandomPassword";
import { PORTS } from "../../model/intent";
import { AWS_MAX_CONTINUOUS_RETENTION_DAYS } from "../../model/retention";
import { dataStoreOptions } from "../data/retention";

export interface AwsRedisArgs {
    /** The site's VPC, where the cache's security group goes. */
    readonly vpcId: pulumi.Input<string>;
    /** Isolated subnets: the cache has no route out of the VPC. */
    readonly subnetIds: pulumi.Input<string>[];
    /** The only networks that may connect (the workloads' private subnets). */
    readonly clientCidrs: readonly string[];
    /** ElastiCache node type of every node, e.g. "cache.r7g.large". */
    readonly nodeType: string;
    /** Nodes: a primary and replicas, spread across zones. At least 2 for automatic failover. */
    readonly nodeCount: number;
    /** Days the daily snapshots are kept, 1 to 35. */
    readonly snapshotRetentionDays: number;
    /**
     * The AUTH token's version. Raising it rotates the token: a new one is generated and written
     * to the cluster (ROTATE: the previous token stays valid, so running clients keep their
     * connections) and to the secret, whose file the CSI driver refreshes in the pods. Neither
     * copy is kept in Pulumi's state (write-only inputs).
     */
    readonly authTokenVersion: number;
    /** Encrypts the cache at rest and the AUTH token's secret. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Keep the cluster when the stack is destroyed or the resource replaced by mistake (prod). */
    readonly protect: boolean;
}

/**
 * The site's Redis cache: an ElastiCache replication group across zones with automatic
 * failover, TLS required, encryption at rest with KMS, an AUTH token kept in Secrets Manager,
 * and daily snapshots. It is a cache each site rebuilds, so it is not replicated across clouds.
 */
export class AwsRedis extends pulumi.ComponentResource {
    /** Hostname of the replication group's primary endpoint, which follows the primary on failover; TLS on port 6379. */
    public readonly primaryEndpoint: pulumi.Output<string>;
    /** ARN of the Secrets Manager secret that holds the current AUTH token. */
    public readonly authTokenSecretArn: pulumi.Output<string>;
    /** ID of the ElastiCache replication group. */
    public readonly replicationGroupId: pulumi.Output<string>;
    /** Every node's cache cluster id: the primary moves between them on failover. */
    public readonly memberClusterIds: pulumi.Output<string>[];

    constructor(name: string, args: AwsRedisArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!Number.isInteger(args.nodeCount) || args.nodeCount < 2 || args.nodeCount > 6) {
            throw new Error(`AwsRedis ${name}: nodeCount ${args.nodeCount} must be from 2 to 6; automatic failover needs a replica`);
        }
        if (
            !Number.isInteger(args.snapshotRetentionDays) ||
            args.snapshotRetentionDays < 1 ||
            args.snapshotRetentionDays > AWS_MAX_CONTINUOUS_RETENTION_DAYS
        ) {
            throw new Error(
                `AwsRedis ${name}: snapshotRetentionDays ${args.snapshotRetentionDays} must be from 1 to ${AWS_MAX_CONTINUOUS_RETENTION_DAYS}`,
            );
        }
        if (args.clientCidrs.length === 0 || args.clientCidrs.some((cidr) => cidr.endsWith("/0"))) {
            throw new Error(`AwsRedis ${name}: clientCidrs must list the client networks, never 0.0.0.0/0`);
        }
        if (!Number.isInteger(args.authTokenVersion) || args.authTokenVersion < 1) {
            throw new Error(`AwsRedis ${name}: authTokenVersion ${args.authTokenVersion} must be a whole number of at least 1`);
        }
        super("beacon:aws:Redis", name, {}, opts);
        const parent = { parent: this };

        // AUTH tokens allow printable ASCII except / " @; Secrets Manager generates it, never the repo.
        const token = getRandomPasswordOutput({ passwordLength: 64, excludePunctuation: true }, parent).randomPassword;
        const secret = new secretsmanager.Secret(
            `${name}-auth-token`,
            {
                description: `AUTH token of the ${name} Redis cluster`,
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: 30,
            },
            dataStoreOptions(args, parent),
        );
        // Write-only: sent only when the version changes, never stored in state.
        new secretsmanager.SecretVersion(
            `${name}-auth-token`,
            {
                secretId: secret.id,
                secretStringWo: pulumi.secret(token),
                secretStringWoVersion: args.authTokenVersion,
            },
            parent,
        );

        const subnetGroup = new elasticache.SubnetGroup(
            name,
            { subnetIds: args.subnetIds, description: `${name}: isolated subnets` },
            parent,
        );
        const securityGroup = new ec2.SecurityGroup(
            name,
            {
                vpcId: args.vpcId,
                description: "Redis: from the workloads' subnets only",
                ingress: [
                    {
                        protocol: "tcp",
                        fromPort: PORTS.awsRedis,
                        toPort: PORTS.awsRedis,
                        cidrBlocks: [...args.clientCidrs],
                        description: "Redis over TLS from workloads",
                    },
                ],
                tags: { Name: name },
            },
            parent,
        );

        const group = new elasticache.ReplicationGroup(
            name,
            {
                description: `${name}: the site's cache`,
                engine: "redis",
                engineVersion: "7.1",
                nodeType: args.nodeType,
                numCacheClusters: args.nodeCount,
                automaticFailoverEnabled: true,
                multiAzEnabled: true,
                subnetGroupName: subnetGroup.name,
                securityGroupIds: [securityGroup.id],
                transitEncryptionEnabled: true,
                transitEncryptionMode: "required",
                atRestEncryptionEnabled: true,
                kmsKeyId: args.kmsKeyArn,
                authTokenWo: pulumi.secret(token),
                authTokenWoVersion: args.authTokenVersion,
                authTokenUpdateStrategy: "ROTATE",
                snapshotRetentionLimit: args.snapshotRetentionDays,
                snapshotWindow: "03:00-04:00",
                maintenanceWindow: "sun:05:00-sun:06:00",
                autoMinorVersionUpgrade: true,
                finalSnapshotIdentifier: `${name}-${pulumi.getStack()}-final`,
            },
            dataStoreOptions(args, parent),
        );

        this.primaryEndpoint = group.primaryEndpointAddress;
        this.authTokenSecretArn = secret.arn;
        this.replicationGroupId = group.id;
        // ElastiCache names a group's nodes <group>-001, -002, ... in creation order.
        this.memberClusterIds = Array.from(
            { length: args.nodeCount },
            (_, index) => pulumi.interpolate`${group.id}-${String(index + 1).padStart(3, "0")}`,
        );
        this.registerOutputs({ primaryEndpoint: this.primaryEndpoint, authTokenSecretArn: this.authTokenSecretArn });
    }
}
