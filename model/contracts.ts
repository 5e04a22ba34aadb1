import { z } from "zod";
import { ENVIRONMENTS, ROLES, SITES, type Role } from "./stacks";

/**
 * The outputs each role's stack exports, by name and type: the contract between a stack and what
 * reads it (the edge's StackReferences to the site stacks, the Azure site's reference to the AWS
 * site's assets, the DR drill, the workflows' `pulumi stack output`). The program's return value
 * is type-checked against it (stacks/index.ts), and every reader goes through `readStackOutputs`,
 * so a renamed or retyped output fails where it is read, naming the stack and the output.
 *
 * Outputs a stack does not have yet (day 0, `deployStage: foundation`) are optional: the program
 * omits them rather than exporting undefined.
 */

const text = z.string();
const texts = z.array(text);

/** What a site stack says about itself, so that an edge can check it references the right stacks. */
const siteIdentity = z.object({
    role: z.enum(["aws-site", "azure-site"]),
    environment: z.enum(ENVIRONMENTS),
    /** The site's private address space. */
    addressSpace: text,
    /** "active" runs at full capacity; "standby" is warm but small. The AWS primary is always active. */
    capacity: z.enum(["active", "standby"]),
    /** The hostname Cloudflare sends as Host and SNI to the site's origin. */
    originHostname: text,
    /** The path the site's origin answers health probes on. */
    healthPath: text,
});
export type SiteIdentity = z.infer<typeof siteIdentity>;

/** Where the Azure site's copy job reads the AWS site's assets, as the role it assumes. */
const assetSource = z.object({ bucket: text, region: text, roleArn: text });

/** Per-service, per-colour traffic weights of the in-cluster gateway, in percent. */
const routeWeights = z.record(text, z.record(text, z.number()));

const awsSite = z.object({
    region: text,
    replicaRegion: text,
    vpcId: text,
    publicSubnetIds: texts,
    privateSubnetIds: texts,
    isolatedSubnetIds: texts,
    flowLogGroupName: text,
    origin: z.object({ hostname: text, loadBalancerDnsName: text, healthCheckPath: text, siteHeader: text }),
    kubernetes: z.object({ clusterName: text, endpoint: text, certificateAuthority: text }),
    workloads: z.object({ gatewayPort: z.number(), gatewayNodePort: z.number(), routeWeights }).optional(),
    redisEndpoint: text,
    redisAuthTokenSecretArn: text,
    repositoryUrls: z.record(text, text),
    assetsBucket: text,
    assetsReplicaBucket: text,
    backupVault: text,
    /** What the pre-deploy backup starts jobs for (.github/actions/predeploy-backup). */
    backup: z.object({ vaultName: text, roleArn: text, resourceArns: texts }),
    alarmTopicArn: text,
});
export type AwsSiteOutputs = z.infer<typeof awsSite>;

const azureSite = z.object({
    location: text,
    capacity: z.enum(["active", "standby"]),
    resourceGroupName: text,
    vnetId: text,
    subnetIds: z.record(text, text),
    origin: z
        .object({
            hostname: text,
            publicIp: text,
            healthCheckPath: text,
            siteHeader: text,
            ingressPrivateIp: text,
            subnet: text,
        })
        .optional(),
    kubernetes: z.object({ clusterName: text, oidcIssuerUrl: text }),
    workloads: z.object({ gatewayPort: z.number(), routeWeights }).optional(),
    keyVaultUri: text,
    registryLoginServer: text,
    redisHostName: text,
    assetsAccount: text,
    backupVaultId: text,
    /** What the pre-deploy backup backs up on demand (.github/actions/predeploy-backup). */
    backup: z.object({ vaultName: text, instanceNames: texts }),
});
export type AzureSiteOutputs = z.infer<typeof azureSite>;

const survivors = z.object({ remaining: z.number(), total: z.number(), majority: z.boolean() });
const placement = z.object({ region: text, electableNodes: z.number() });
const bySite = <T extends z.core.$ZodType>(value: T) => z.object({ aws: value, azure: value });

const edge = z.object({
    domain: text,
    activeSite: z.enum(SITES),
    failoverOrder: z.array(z.enum(SITES)),
    trafficWeights: bySite(z.number()),
    failover: z.object({ detectionSec: z.number(), detectionLimitSec: z.number(), healthPath: text, siteHeader: text }),
    poolIds: bySite(text),
    sites: bySite(siteIdentity),
    database: z.object({
        clusterName: text,
        topology: z.object({ aws: placement, azure: placement, tieBreaker: placement }),
        primaryPriorities: z.object({ aws: z.number(), azure: z.number(), tieBreaker: z.number() }),
        survivesLossOf: bySite(survivors),
        connectionSettings: z.object({
            writeConcern: text,
            journal: z.boolean(),
            readConcern: text,
            retryWrites: z.boolean(),
            retryReads: z.boolean(),
            uriOptions: text,
        }),
        privateEndpointConnectionStrings: texts,
    }),
});
export type EdgeOutputs = z.infer<typeof edge>;

/** Each role's stack outputs. Extra outputs are refused by the program's type check, not by readers. */
export const STACK_OUTPUTS = {
    "aws-site": z.object({
        role: z.literal("aws-site"),
        siteIdentity,
        /** The public address of the site's origin (computed, so not part of its identity). */
        siteOriginAddress: text,
        assetExport: assetSource,
        aws: awsSite,
    }),
    "azure-site": z.object({
        role: z.literal("azure-site"),
        siteIdentity: siteIdentity.optional(),
        siteOriginAddress: text.optional(),
        azure: azureSite,
    }),
    edge: z.object({ role: z.literal("edge"), edge }),
    "all-in-one": z.object({ role: z.literal("all-in-one"), aws: awsSite, azure: azureSite, edge: edge.optional() }),
} as const satisfies Record<Role, z.core.$ZodType>;

export type StackOutputs<R extends Role> = z.infer<(typeof STACK_OUTPUTS)[R]>;
export type AwsSiteStackOutputs = StackOutputs<"aws-site">;
export type AzureSiteStackOutputs = StackOutputs<"azure-site">;
export type EdgeStackOutputs = StackOutputs<"edge">;
export type AllInOneStackOutputs = StackOutputs<"all-in-one">;

/** The output names of each role, for readers that fetch one output at a time (StackReference). */
export type OutputName<R extends Role> = keyof StackOutputs<R> & string;

/** The outputs an edge reads from either site's stack. */
export const SITE_OUTPUTS = { identity: "siteIdentity", originAddress: "siteOriginAddress" } as const satisfies Record<
    string,
    OutputName<"aws-site"> & OutputName<"azure-site">
>;

/** The output by which an AWS site stack tells the Azure site where to copy assets from. */
export const ASSET_EXPORT_OUTPUT = "assetExport" satisfies OutputName<"aws-site">;

/** True when a value is a site identity as the contract types it. */
export function isSiteIdentity(value: unknown): value is SiteIdentity {
    return siteIdentity.safeParse(value).success;
}

/** The role a stack's `role` output names, which picks its contract; undefined when it names none. */
export function stackRole(outputs: Record<string, unknown>): Role | undefined {
    return ROLES.find((role) => role === outputs.role);
}

/** A stack's outputs do not keep their contract: names the stack and every missing or ill-typed output. */
export class StackContractError extends Error {
    constructor(
        readonly stackName: string,
        readonly problems: readonly string[],
    ) {
        super(`stack ${stackName} does not export what its role promises: ${problems.join("; ")}`);
        this.name = "StackContractError";
    }
}

/**
 * Reads a stack's outputs through its role's contract: the `role` output picks the contract, and
 * `expected` lists the roles the reader accepts. Returns the typed outputs, or throws naming the
 * stack and each missing or ill-typed output by its path.
 */
export function readStackOutputs<R extends Role>(stack: string, outputs: Record<string, unknown>, expected: readonly R[]): StackOutputs<R> {
    const role = stackRole(outputs);
    if (!expected.includes(role as R)) {
        const allowed = expected.map((name) => `"${name}"`).join(" or ");
        throw new StackContractError(stack, [
            outputs.role === undefined
                ? `no role output; allowed: role ${allowed}`
                : `role is ${JSON.stringify(outputs.role)}; allowed: ${allowed}`,
        ]);
    }
    // Parsed through zod's core type: handing the schema's inferred type from one generic to another
    // makes the type-checker relate every zod class it holds (tsgo's trace, `npm run bench`).
    const schema: z.core.$ZodType = STACK_OUTPUTS[role as R];
    const parsed = z.safeParse(schema, outputs, { reportInput: true });
    if (!parsed.success) {
        throw new StackContractError(stack, describeIssues(parsed.error, []));
    }
    return parsed.data as StackOutputs<R>;
}

/** Checks one output value against the contract (StackReference reads outputs one by one). */
export function readStackOutput<R extends Role, N extends OutputName<R>>(
    stack: string,
    role: R,
    name: N,
    value: unknown,
): StackOutputs<R>[N] {
    const schema = (STACK_OUTPUTS[role].shape as Record<string, z.core.$ZodType>)[name];
    const parsed = z.safeParse(schema, value, { reportInput: true });
    if (!parsed.success) {
        throw new StackContractError(stack, describeIssues(parsed.error, [name]));
    }
    return parsed.data as StackOutputs<R>[N];
}

function describeIssues(error: z.ZodError, prefix: readonly PropertyKey[]): string[] {
    return error.issues.map((issue) => {
        const path = [...prefix, ...issue.path].map(String).join(".");
        const missing = issue.code === "invalid_type" && issue.input === undefined;
        return missing ? `${path} is missing` : `${path}: ${issue.message}`;
    });
}

/**
 * The edge outputs of a stack that fronts the sites (an edge, or an all-in-one past day 0), read
 * through the contract; undefined for a stack of another role or one that exports no edge yet.
 */
export function readEdgeOutputs(stack: string, outputs: Record<string, unknown>): EdgeOutputs | undefined {
    const role = stackRole(outputs);
    if (role !== "edge" && role !== "all-in-one") {
        return undefined;
    }
    return readStackOutput(stack, role, "edge", outputs.edge);
}
