import { z } from "zod";
import { CLOUDFLARE_PLANS, detectionTimeProblem, FAILOVER_DETECTION_LIMIT_SEC, minimumMonitorIntervalSec } from "../../model/failover";
import { CLOUDWATCH_RETENTION_DAYS, DEFAULT_LOG_RETENTION_DAYS, AWS_MAX_CONTINUOUS_RETENTION_DAYS } from "../../model/retention";
import {
    DEFAULT_DEPLOY_STAGE,
    DEPLOY_STAGES,
    ENVIRONMENTS,
    PROJECT,
    QUALIFIED_STACK_NAME,
    ROLES,
    SITES,
    type Environment,
    type Role,
    type Site,
} from "../../model/stacks";
import { databaseTopologyProblems, MAX_ELECTABLE_NODES_PER_DOMAIN } from "../../model/topology";
import { AWS_ZONE_COUNT, cidrsOverlap, natGatewayCountProblem, parseIpv4Cidr, siteAddressSpaceProblem } from "../../model/addressing";
import { HUB_SERVICES } from "../services";
import { AWS_REGIONS, AZURE_LOCATIONS } from "./regions";

/**
 * The stack config schema: every key of the `crypto-beacon` namespace, its type, description,
 * default and the roles that use it. `Pulumi.yaml` declares exactly these keys (a test holds the
 * two together), and `load.ts` validates every stack against them.
 *
 * Keys are flat because Pulumi.yaml can only declare string, integer, boolean and array keys.
 */

export { ENVIRONMENTS, PROJECT, ROLES, SITES, type Environment, type Role, type Site };

/** The config key of a service's runtime secret: `hubSecretMarketData` for `market-data`. */
export function serviceSecretKey(service: string): `hubSecret${string}` {
    return `hubSecret${service
        .split("-")
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join("")}`;
}

/** Keys whose stack value must be a `secure:` value or come from an ESC environment. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
    ...HUB_SERVICES.map(serviceSecretKey),
    "cloudflareApiToken",
    "awsOriginTlsCertificate",
    "awsOriginTlsPrivateKey",
    "originPullPrivateKey",
    "azureOriginTlsPfx",
    "atlasClientId",
    "atlasClientSecret",
    "databaseAppPassword",
]);

const oneOf = (allowed: readonly (string | number)[]) => `allowed: ${allowed.join(", ")}`;

/** A site's address space, from which the model carves its subnets. */
const siteAddressSpace = z.string().superRefine((value, ctx) => {
    const problem = siteAddressSpaceProblem(value);
    if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
    }
});

function integerBetween(min: number, max: number) {
    return z
        .int({ error: `must be a whole number from ${min} to ${max}` })
        .min(min)
        .max(max);
}

function enumOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
    return z.enum(values, { error: (issue) => `${JSON.stringify(issue.input)} is not a known ${what}; ${oneOf(values)}` });
}

const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: "must be a lower-case DNS name such as beacon.example.com",
});

/** One PEM certificate: public material, so it lives in the stack file. */
const pemCertificate = z.string().regex(/^\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/, {
    error: "must be one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)",
});

/** A CIDR allowed to reach an endpoint from the internet: never the whole internet. */
const publicAllowListCidr = z
    .string()
    .refine((value) => parseIpv4Cidr(value) !== undefined, { error: "must be canonical IPv4 CIDR blocks" })
    .refine((value) => !value.endsWith("/0"), { error: "must not include 0.0.0.0/0: list the networks that need access" });

/** A fully qualified stack name as StackReference takes it: `<organization>/<project>/<stack>`. */
const stackReferenceName = z.string().regex(QUALIFIED_STACK_NAME, {
    error: "must be a fully qualified stack name <organization>/<project>/<stack>, e.g. acme/crypto-beacon/prod-aws",
});

/** An Atlas region name, e.g. US_EAST_1 (AWS), US_EAST_2 (Azure), CENTRAL_US (GCP). */
const atlasRegion = z.string().regex(/^[A-Z][A-Z0-9_]+$/, { error: "must be an Atlas region name in capitals, such as US_EAST_1" });

const email = z.string().regex(/^$|^[^@\s]+@[^@\s]+\.[a-z]{2,}$/, { error: "must be an email address, or empty for none" });

const commonKeys = {
    environment: enumOf(ENVIRONMENTS, "environment").describe(
        "Environment class: drives sizing, deletion protection and policy enforcement.",
    ),
    owner: z.string().min(1).default("platform-team").describe("Team that owns the stack; the `owner` tag."),
    costCenter: z.string().min(1).default("trading-platform").describe("Cost center for billing; the `cost-center` tag."),
    dataClassification: enumOf(["public", "internal", "confidential", "restricted"], "data classification")
        .default("confidential")
        .describe("Highest class of data the stack holds; the `data-classification` tag."),
    atlasProjectId: z
        .string()
        .regex(/^[0-9a-f]{24}$/, { error: "must be a MongoDB Atlas project id: 24 lower-case hex characters" })
        .describe("MongoDB Atlas project of the trading hub's database; the sites attach their private endpoints to it."),
    atlasClientId: z.string().min(1).describe("Client id of the Atlas service account Pulumi uses (secret: ESC or `config set --secret`)."),
    atlasClientSecret: z.string().min(1).describe("Client secret of the Atlas service account (secret: ESC or `config set --secret`)."),
};

/**
 * The site's self-hosted GitHub Actions runners, inside its network: the only place its cluster's
 * private API answers, so its Kubernetes parts deploy from there (docs/runbooks/new-stack.md).
 */
const deployRunnerKeys = {
    deployStage: enumOf(DEPLOY_STAGES, "deploy stage")
        .default(DEFAULT_DEPLOY_STAGE)
        .describe("How far a new site is deployed: foundation (no Kubernetes parts yet, see docs/runbooks/new-stack.md), then workloads."),
    deployRunnerGithubUrl: z
        .string()
        .regex(/^$|^https:\/\/github\.com\/[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$/, {
            error: "must be https://github.com/<organization> or https://github.com/<organization>/<repository>, or empty for no runners",
        })
        .default("")
        .describe("Where the site's deploy runners register, e.g. https://github.com/acme/crypto-beacon-infrastructure; empty for none."),
    deployRunnerCount: integerBetween(1, 10).default(1).describe("Deploy runners the site keeps up; each takes one job at a time."),
};

const awsSiteKeys = {
    ...deployRunnerKeys,
    awsDeployRunnerInstanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as t3.large" })
        .default("t3.large")
        .describe("EC2 instance type of the AWS site's deploy runners."),
    awsRegion: enumOf(AWS_REGIONS, "AWS region").default("us-east-1").describe("Primary AWS region of the AWS site."),
    awsReplicaRegion: enumOf(AWS_REGIONS, "AWS region")
        .default("us-west-2")
        .describe("Second AWS region, for replicas and backup copies; must differ from awsRegion."),
    awsVpcCidr: siteAddressSpace.default("10.10.0.0/16").describe("Address space of the AWS site's VPC."),
    awsZoneCount: integerBetween(AWS_ZONE_COUNT.min, AWS_ZONE_COUNT.max).default(3).describe("Availability zones the VPC spans."),
    awsNatGatewayCount: integerBetween(1, AWS_ZONE_COUNT.max)
        .default(1)
        .describe("NAT gateways: 1 is cheap; one per zone keeps egress when a zone fails (required in prod)."),
    awsLogRetentionDays: z
        .int()
        .refine((days) => (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days), {
            error: `must be a CloudWatch Logs retention period; ${oneOf(CLOUDWATCH_RETENTION_DAYS)}`,
        })
        .default(DEFAULT_LOG_RETENTION_DAYS)
        .describe("Days that the site's CloudWatch log groups (flow, cluster, WAF, API, audit logs) keep events."),
    awsOriginHostname: hostname.describe(
        "Hostname Cloudflare reaches the AWS origin by; its ACM certificate names it, e.g. aws-origin.trade.example.com.",
    ),
    awsOriginTlsCertificate: z
        .string()
        .min(1)
        .describe(
            "PEM certificate of the AWS origin (a Cloudflare Origin CA certificate for awsOriginHostname); from ESC or `config set --secret`.",
        ),
    awsOriginTlsPrivateKey: z
        .string()
        .min(1)
        .describe("PEM private key of the AWS origin certificate (secret: ESC or `config set --secret`)."),
    awsOriginPullCaCertificate: pemCertificate.describe(
        "PEM of the CA that issued this zone's authenticated-origin-pull client certificate; the origin load balancer admits only clients it signed (mutual TLS). Public material, not a secret.",
    ),
    awsEksVersion: z
        .string()
        .regex(/^1\.\d{2}$/, { error: "must be an EKS Kubernetes version such as 1.33" })
        .default("1.33")
        .describe("Kubernetes version of the EKS cluster."),
    awsEksPublicAccessCidrs: z
        .array(publicAllowListCidr)
        .default([])
        .describe("CIDRs allowed to reach the EKS API from the internet; empty keeps the endpoint private."),
    awsEksBreakGlassRoleArn: z
        .string()
        .regex(/^$|^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
            error: "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), or empty for none",
        })
        .default("")
        .describe(
            "IAM role that gets cluster-admin on EKS in an emergency (an access entry); assume it only under the break-glass runbook. Empty for none.",
        ),
    awsPreviewRoleArn: z
        .string()
        .regex(/^$|^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
            error: "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), or empty for none",
        })
        .default("")
        .describe(
            "IAM role the preview and drift jobs assume (vars.AWS_PREVIEW_ROLE_ARN); an EKS access entry lets it read, never change, the cluster. Empty for none.",
        ),
    awsNodeInstanceTypes: z
        .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be EC2 instance types such as m6i.large" }))
        .min(1)
        .default(["m6i.large"])
        .describe("Instance types of the EKS managed node group."),
    awsNodeMinSize: integerBetween(1, 100).default(2).describe("Fewest nodes in the managed node group."),
    awsNodeDesiredSize: integerBetween(1, 100).default(2).describe("Nodes the managed node group starts with."),
    awsNodeMaxSize: integerBetween(1, 100).default(4).describe("Most nodes the managed node group may grow to."),
    awsWafRateLimit: integerBetween(100, 2000000)
        .default(2000)
        .describe("Requests one client IP may make in 5 minutes before the WAF blocks it."),
    awsRedisNodeType: z
        .string()
        .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "must be an ElastiCache node type such as cache.t4g.small" })
        .default("cache.t4g.small")
        .describe("ElastiCache node type."),
    awsRedisNodeCount: integerBetween(2, 6)
        .default(2)
        .describe("Redis nodes (a primary and replicas), spread across zones; at least 2 for automatic failover."),
    awsRedisAuthTokenVersion: integerBetween(1, 1000000)
        .default(1)
        .describe("Version of the Redis AUTH token: raise it to rotate the token (the previous one stays valid until the next rotation)."),
    awsRedisSnapshotRetentionDays: integerBetween(1, AWS_MAX_CONTINUOUS_RETENTION_DAYS)
        .default(7)
        .describe("Days that Redis keeps its daily snapshots."),
    awsAssetSyncIssuerUrl: z
        .string()
        .regex(/^$|^https:\/\/[^\s]+$/, { error: "must be an https:// OIDC issuer URL, or empty for none" })
        .default("")
        .describe(
            "OIDC issuer of the Azure site's AKS cluster, whose asset copy job may then read the assets bucket; empty for none (see docs/azure-site.md).",
        ),
    awsAlarmEmail: email.default("").describe("Email subscribed to the site's alarms; empty for none."),
};

const azureSiteKeys = {
    ...deployRunnerKeys,
    azureDeployRunnerVmSize: z
        .string()
        .regex(/^Standard_[A-Za-z0-9_]+$/, { error: "must be an Azure VM size such as Standard_D2s_v5" })
        .default("Standard_D2s_v5")
        .describe("VM size of the Azure site's deploy runners."),
    azureDeployRunnerSshPublicKey: z
        .string()
        .regex(/^$|^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$/, {
            error: "must be an OpenSSH public key (ssh-ed25519, ssh-rsa, ecdsa), or empty",
        })
        .default("")
        .describe(
            "Public key of the Azure deploy runners' admin user (Azure needs one with password sign-in off; no port is open); required with deployRunnerGithubUrl.",
        ),
    azureLocation: enumOf(AZURE_LOCATIONS, "Azure location").default("eastus2").describe("Azure region of the Azure site."),
    azureVnetCidr: siteAddressSpace.default("10.20.0.0/16").describe("Address space of the Azure site's virtual network."),
    azureCapacity: enumOf(["standby", "active"], "capacity mode")
        .default("standby")
        .describe(
            "standby: cheap warm capacity while AWS serves; active: the primary's prod capacity. The DR drill checks it before switching.",
        ),
    azureOriginHostname: hostname.describe("Hostname Cloudflare reaches the Azure origin by, e.g. azure-origin.trade.example.com."),
    azureNetworkWatcherId: z
        .string()
        .regex(/^$|^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/networkWatchers\/[^/]+$/i, {
            error: "must be a Network Watcher resource id (/subscriptions/.../providers/Microsoft.Network/networkWatchers/<name>), or empty",
        })
        .default("")
        .describe(
            "The subscription's existing Network Watcher in azureLocation (`npm run preflight` prints it); empty: the site creates one.",
        ),
    azureOriginTlsPfx: z
        .string()
        .min(1)
        .describe(
            "Certificate and key of the Azure origin (a Cloudflare Origin CA certificate for azureOriginHostname) as a base64, unencrypted PFX (secret: ESC or `config set --secret`); written into Key Vault through Azure Resource Manager.",
        ),
    azureOriginPullCaCertificate: pemCertificate.describe(
        "PEM of the CA that issued the edge's originPullCertificate; the Application Gateway admits only clients with a certificate it issued.",
    ),
    azureAksVersion: z
        .string()
        .regex(/^1\.\d{2}$/, { error: "must be a Kubernetes version such as 1.33" })
        .default("1.33")
        .describe("Kubernetes version of the AKS cluster."),
    azurePreviewPrincipalId: z
        .string()
        .regex(/^$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
            error: "must be an Entra ID object id (a GUID), or empty for none",
        })
        .default("")
        .describe(
            "Object id of the service principal the preview and drift jobs sign in as (vars.AZURE_PREVIEW_CLIENT_ID); it may read, never change, the AKS cluster's objects. Empty for none.",
        ),
    azureDeployPrincipalId: z
        .string()
        .regex(/^$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
            error: "must be an Entra ID object id (a GUID), or empty for none",
        })
        .default("")
        .describe(
            "All-in-one stacks: object id of the service principal the deploy jobs sign in as (vars.AZURE_DEPLOY_CLIENT_ID); it gets AKS RBAC Cluster Admin, since the AWS runner deploys both sites. Empty for none.",
        ),
    azureAksAuthorizedIpRanges: z
        .array(publicAllowListCidr)
        .default([])
        .describe("CIDRs allowed to reach the AKS API; empty makes the cluster private."),
    azureNodeVmSize: z
        .string()
        .regex(/^Standard_[A-Za-z0-9_]+$/, { error: "must be an Azure VM size such as Standard_D4s_v5" })
        .default("Standard_D4s_v5")
        .describe("VM size of the AKS user node pool."),
    azureStandbyNodeMinCount: integerBetween(1, 100).default(1).describe("Fewest user nodes while standing by."),
    azureStandbyNodeMaxCount: integerBetween(1, 100).default(3).describe("Most user nodes while standing by."),
    azureActiveNodeMinCount: integerBetween(1, 100).default(3).describe("Fewest user nodes when active: match the primary's prod minimum."),
    azureActiveNodeMaxCount: integerBetween(1, 100).default(12).describe("Most user nodes when active: match the primary's prod maximum."),
    azureRedisSku: z
        .string()
        .regex(/^(Balanced|ComputeOptimized|MemoryOptimized|FlashOptimized)_[A-Z]\d+$/, {
            error: "must be an Azure Managed Redis SKU such as Balanced_B5",
        })
        .default("Balanced_B5")
        .describe("Azure Managed Redis SKU."),
    azureLogRetentionDays: integerBetween(30, 730)
        .default(DEFAULT_LOG_RETENTION_DAYS)
        .describe("Days that the Log Analytics workspace and flow logs keep data."),
    azureAssetSourceStack: z
        .string()
        .refine((value) => value === "" || QUALIFIED_STACK_NAME.test(value), {
            error: "must be a fully qualified stack name <organization>/<project>/<stack>, or empty for none",
        })
        .default("")
        .describe("The AWS site stack whose static assets this site copies hourly, e.g. acme/crypto-beacon/prod-aws; empty for none."),
    azureAlarmEmail: email.default("").describe("Email the site's alerts go to; empty for none."),
};

/** A release tag that cannot move: semantic version (ECR repositories are immutable) or a digest. */
const releaseTag = z.string().regex(/^(v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?|sha256:[0-9a-f]{64})$/, {
    error: "must be an immutable release: a semantic version such as 1.42.0, or an image digest sha256:<64 hex>; never latest or a branch",
});

/** Blue/green releases of the hub's services, the same on both sites. */
const workloadKeys = {
    hubLiveColour: enumOf(["blue", "green"], "colour").default("blue").describe("Colour that serves the hub's traffic."),
    hubCandidateWeight: integerBetween(0, 100)
        .default(0)
        .describe("Percent of each service's traffic sent to the other colour: 0 is none (rollback), 100 all (then make it live)."),
    hubIdleColour: enumOf(["warm", "scaled-down"], "idle mode")
        .default("warm")
        .describe(
            "What the other colour does while it takes no traffic: warm (at minimum replicas, for an instant rollback) or scaled-down (no pods).",
        ),
    hubBlueRelease: releaseTag.describe("Release the blue colour runs: one immutable tag for every service's image."),
    hubGreenRelease: releaseTag.describe("Release the green colour runs: one immutable tag for every service's image."),
    ...(Object.fromEntries(
        HUB_SERVICES.map((service) => [
            serviceSecretKey(service),
            z
                .string()
                .default("")
                .describe(
                    `Runtime secret of the ${service} service (the file it mounts), written into each site's secret store by the stack (secret: ESC or \`config set --secret\`); empty: the value is set out of band.`,
                ),
        ]),
    ) as Record<`hubSecret${string}`, z.ZodDefault<z.ZodString>>),
    serviceSecretsVersion: integerBetween(1, 1000000)
        .default(1)
        .describe(
            "Version of the services' runtime secrets: raise it with a changed value, so that AWS's write-only secret input sends it again.",
        ),
};

const edgeKeys = {
    domain: hostname.describe("Public hostname that Cloudflare serves, e.g. trade.example.com."),
    cloudflareZoneId: z
        .string()
        .regex(/^[0-9a-f]{32}$/, { error: "must be a Cloudflare zone id: 32 lower-case hex characters" })
        .describe("Cloudflare zone that holds the domain."),
    cloudflareApiToken: z.string().min(1).describe("Cloudflare API token (secret: `pulumi config set --secret` or an ESC environment)."),
    cloudflareAccountId: z
        .string()
        .regex(/^[0-9a-f]{32}$/, { error: "must be a Cloudflare account id: 32 lower-case hex characters" })
        .describe("Cloudflare account that owns the load-balancer pools, monitors and notifications."),
    originPullCertificate: pemCertificate.describe(
        "PEM client certificate Cloudflare presents to both origins for this zone only (per-zone authenticated origin pulls); issued by the origins' trusted CA.",
    ),
    originPullPrivateKey: z.string().min(1).describe("PEM private key of originPullCertificate (secret: ESC or `config set --secret`)."),
    cloudflarePlan: enumOf(CLOUDFLARE_PLANS, "Cloudflare plan")
        .default("business")
        .describe("Cloudflare plan of the zone: it sets the shortest health-monitor interval (pro 60 s, business 15 s, enterprise 10 s)."),
    activeSite: enumOf(SITES, "site").default("aws").describe("Site that takes traffic; the other is the failover."),
    standbyTrafficPercent: integerBetween(0, 100)
        .default(0)
        .describe("Share of traffic sent to the standby site, to shift gradually between sites; 0 is pure failover, 100 moves everything."),
    healthMonitorPath: z
        .string()
        .regex(/^\/[A-Za-z0-9._~\/-]*$/, { error: "must be a URL path starting with /" })
        .default("/healthz")
        .describe("Path Cloudflare's monitors probe on each site."),
    healthMonitorExpectedCodes: z
        .string()
        .regex(/^([1-5]\d\d|[1-5]xx)$/, { error: "must be an HTTP status code such as 200, or a class such as 2xx" })
        .default("200")
        .describe("Status the health path must answer with."),
    healthMonitorIntervalSec: integerBetween(10, 3600).default(15).describe("Seconds between health probes; at least the plan's minimum."),
    healthMonitorTimeoutSec: integerBetween(1, 10).default(5).describe("Seconds a probe waits for an answer."),
    healthMonitorRetries: integerBetween(0, 5).default(0).describe("Immediate retries of a failed probe before it counts as down."),
    healthMonitorConsecutiveDown: integerBetween(1, 10)
        .default(1)
        .describe("Failed probes in a row, in most data centres of most probing regions, that mark a site unhealthy."),
    healthMonitorConsecutiveUp: integerBetween(1, 10).default(2).describe("Good probes in a row that mark a site healthy again."),
    apiRateLimitPerMinute: integerBetween(10, 100000)
        .default(600)
        .describe("Requests per minute one client IP may make to /api/ before it is blocked."),
    loginRateLimitPerMinute: integerBetween(1, 1000)
        .default(10)
        .describe("Requests per minute one client IP may make to the login paths before it is blocked."),
    contentSecurityPolicy: z
        .string()
        .min(1)
        .refine((value) => !/[\r\n]/.test(value), { error: "must be one line" })
        .default(
            "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; upgrade-insecure-requests",
        )
        .describe("Content-Security-Policy header the edge sets on every response."),
    edgeAlertEmail: email.default("").describe("Email that Cloudflare's pool-health notifications go to; empty for none."),
};

const databaseKeys = {
    databaseInstanceSize: z
        .string()
        .regex(/^M\d{2,3}$/, { error: "must be an Atlas dedicated tier such as M30" })
        .default("M30")
        .describe("Atlas tier of every electable node."),
    databaseAwsRegion: atlasRegion.default("US_EAST_1").describe("Atlas region of the database nodes in AWS; the AWS site's region."),
    databaseAwsElectableNodes: integerBetween(0, MAX_ELECTABLE_NODES_PER_DOMAIN).default(2).describe("Electable database nodes in AWS."),
    databaseAzureRegion: atlasRegion.default("US_EAST_2").describe("Atlas region of the database nodes in Azure; the Azure site's region."),
    databaseAzureElectableNodes: integerBetween(0, MAX_ELECTABLE_NODES_PER_DOMAIN)
        .default(2)
        .describe("Electable database nodes in Azure."),
    databaseTieBreakerRegion: atlasRegion
        .default("CENTRAL_US")
        .describe("Atlas GCP region of the tie-breaker node, a third failure domain."),
    databaseTieBreakerElectableNodes: integerBetween(0, MAX_ELECTABLE_NODES_PER_DOMAIN)
        .default(1)
        .describe("Electable nodes in the tie-breaker region."),
    databaseOutageSimulation: enumOf(["none", ...SITES], "outage simulation")
        .default("none")
        .describe("Opt-in database drill: simulate the loss of that cloud's region in Atlas; none in normal running."),
    databaseAppPassword: z
        .string()
        .min(16, { error: "must be at least 16 characters" })
        .describe("Password of the applications' database user (secret: ESC or `config set --secret`)."),
};

const siteReferenceKeys = {
    awsSiteStack: stackReferenceName.describe("The AWS site stack this edge fronts, e.g. acme/crypto-beacon/prod-aws."),
    azureSiteStack: stackReferenceName.describe("The Azure site stack this edge fronts, e.g. acme/crypto-beacon/prod-azure."),
};

type Refinement<T> = (config: T, ctx: z.RefinementCtx) => void;

const awsSiteRules: Refinement<z.output<z.ZodObject<typeof awsSiteKeys & typeof commonKeys>>> = (config, ctx) => {
    if (config.awsReplicaRegion === config.awsRegion) {
        ctx.addIssue({ code: "custom", path: ["awsReplicaRegion"], message: `must differ from awsRegion ("${config.awsRegion}")` });
    }
    const natProblem = natGatewayCountProblem(config.awsNatGatewayCount, config.awsZoneCount);
    if (natProblem) {
        ctx.addIssue({ code: "custom", path: ["awsNatGatewayCount"], message: natProblem });
    }
    if (!(config.awsNodeMinSize <= config.awsNodeDesiredSize && config.awsNodeDesiredSize <= config.awsNodeMaxSize)) {
        ctx.addIssue({
            code: "custom",
            path: ["awsNodeDesiredSize"],
            message: `node group sizes must satisfy awsNodeMinSize (${config.awsNodeMinSize}) <= awsNodeDesiredSize (${config.awsNodeDesiredSize}) <= awsNodeMaxSize (${config.awsNodeMaxSize})`,
        });
    }
    if (config.environment === "prod" && config.awsNatGatewayCount !== config.awsZoneCount) {
        ctx.addIssue({
            code: "custom",
            path: ["awsNatGatewayCount"],
            message: `prod needs one NAT gateway per zone so a zone failure keeps egress; allowed: ${config.awsZoneCount}`,
        });
    }
};

const azureSiteRules: Refinement<z.output<z.ZodObject<typeof azureSiteKeys & typeof commonKeys>>> = (config, ctx) => {
    for (const mode of ["Standby", "Active"] as const) {
        if (config[`azure${mode}NodeMinCount`] > config[`azure${mode}NodeMaxCount`]) {
            ctx.addIssue({
                code: "custom",
                path: [`azure${mode}NodeMinCount`],
                message: `${config[`azure${mode}NodeMinCount`]} exceeds azure${mode}NodeMaxCount (${config[`azure${mode}NodeMaxCount`]})`,
            });
        }
    }
};

const edgeRules: Refinement<z.output<z.ZodObject<typeof edgeKeys & typeof databaseKeys & typeof commonKeys>>> = (config, ctx) => {
    const minimumInterval = minimumMonitorIntervalSec(config.cloudflarePlan);
    if (config.healthMonitorIntervalSec < minimumInterval) {
        ctx.addIssue({
            code: "custom",
            path: ["healthMonitorIntervalSec"],
            message: `${config.healthMonitorIntervalSec} is below the ${config.cloudflarePlan} plan's minimum; allowed: ${minimumInterval} or more`,
        });
    }
    if (config.healthMonitorTimeoutSec >= config.healthMonitorIntervalSec) {
        ctx.addIssue({
            code: "custom",
            path: ["healthMonitorTimeoutSec"],
            message: `${config.healthMonitorTimeoutSec} must be shorter than healthMonitorIntervalSec (${config.healthMonitorIntervalSec})`,
        });
    }
    const detectionProblem = detectionTimeProblem(
        {
            intervalSec: config.healthMonitorIntervalSec,
            timeoutSec: config.healthMonitorTimeoutSec,
            retries: config.healthMonitorRetries,
            consecutiveDown: config.healthMonitorConsecutiveDown,
        },
        FAILOVER_DETECTION_LIMIT_SEC[config.environment],
        `${config.environment}'s`,
    );
    if (detectionProblem) {
        ctx.addIssue({ code: "custom", path: ["healthMonitorIntervalSec"], message: detectionProblem });
    }
    for (const problem of databaseTopologyProblems(databaseTopology(config))) {
        ctx.addIssue({ code: "custom", path: [problem.key], message: problem.message });
    }
};

/** The database's node placement, as the topology checks and the cluster component take it. */
export function databaseTopology(config: z.output<z.ZodObject<typeof databaseKeys>>) {
    return {
        aws: { region: config.databaseAwsRegion, electableNodes: config.databaseAwsElectableNodes },
        azure: { region: config.databaseAzureRegion, electableNodes: config.databaseAzureElectableNodes },
        tieBreaker: { region: config.databaseTieBreakerRegion, electableNodes: config.databaseTieBreakerElectableNodes },
    };
}

export const roleSchemas = {
    "all-in-one": z
        .strictObject({
            role: z.literal("all-in-one"),
            ...commonKeys,
            ...awsSiteKeys,
            ...azureSiteKeys,
            ...workloadKeys,
            ...edgeKeys,
            ...databaseKeys,
        })
        .superRefine((config, ctx) => {
            awsSiteRules(config, ctx);
            azureSiteRules(config, ctx);
            edgeRules(config, ctx);
            // Its AWS runner deploys the Azure site too, signed in to Azure as this principal.
            if (config.deployRunnerGithubUrl && !config.azureDeployPrincipalId) {
                ctx.addIssue({
                    code: "custom",
                    path: ["azureDeployPrincipalId"],
                    message:
                        "is required with deployRunnerGithubUrl: the AWS runner deploys the Azure site too, signed in to Azure as this principal, which the AKS cluster makes Cluster Admin",
                });
            }
            if (cidrsOverlap(config.awsVpcCidr, config.azureVnetCidr)) {
                ctx.addIssue({
                    code: "custom",
                    path: ["azureVnetCidr"],
                    message: `${config.azureVnetCidr} overlaps awsVpcCidr ${config.awsVpcCidr}; the two sites need disjoint address plans`,
                });
            }
        }),
    "aws-site": z.strictObject({ role: z.literal("aws-site"), ...commonKeys, ...awsSiteKeys, ...workloadKeys }).superRefine(awsSiteRules),
    "azure-site": z
        .strictObject({ role: z.literal("azure-site"), ...commonKeys, ...azureSiteKeys, ...workloadKeys })
        .superRefine((config, ctx) => {
            azureSiteRules(config, ctx);
            // An all-in-one stack deploys from its AWS runner only; an Azure site's runner needs the key.
            if (config.deployRunnerGithubUrl && !config.azureDeployRunnerSshPublicKey) {
                ctx.addIssue({
                    code: "custom",
                    path: ["azureDeployRunnerSshPublicKey"],
                    message: "is required with deployRunnerGithubUrl: Azure needs an SSH public key once password sign-in is off",
                });
            }
        }),
    edge: z
        .strictObject({ role: z.literal("edge"), ...commonKeys, ...edgeKeys, ...databaseKeys, ...siteReferenceKeys })
        .superRefine((config, ctx) => {
            edgeRules(config, ctx);
            if (config.awsSiteStack === config.azureSiteStack) {
                ctx.addIssue({ code: "custom", path: ["azureSiteStack"], message: "must name a different stack than awsSiteStack" });
            }
        }),
} as const;

export type AllInOneConfig = z.output<(typeof roleSchemas)["all-in-one"]>;
export type AwsSiteConfig = z.output<(typeof roleSchemas)["aws-site"]>;
export type AzureSiteConfig = z.output<(typeof roleSchemas)["azure-site"]>;
export type EdgeConfig = z.output<(typeof roleSchemas)["edge"]>;
export type StackConfig = AllInOneConfig | AwsSiteConfig | AzureSiteConfig | EdgeConfig;

/** The config an AWS site needs, whether in its own stack or inside an all-in-one stack. */
export type AwsSiteSettings = Pick<AllInOneConfig, keyof typeof awsSiteKeys | keyof typeof workloadKeys | keyof typeof commonKeys>;
/** The config an Azure site needs. */
export type AzureSiteSettings = Pick<AllInOneConfig, keyof typeof azureSiteKeys | keyof typeof workloadKeys | keyof typeof commonKeys>;
/**
 * The services' runtime secret values the stack writes into the sites' secret stores, by service:
 * those whose key is set (docs/runbooks/new-stack.md, day 0).
 */
export function serviceSecretValues(config: Readonly<Partial<Record<`hubSecret${string}`, string>>>): Record<string, string> {
    return Object.fromEntries(
        HUB_SERVICES.map((service) => [service, config[serviceSecretKey(service)] ?? ""] as const).filter(([, value]) => value !== ""),
    );
}

/** The blue/green release both sites deploy. */
export type WorkloadSettings = Pick<AllInOneConfig, keyof typeof workloadKeys>;
/** The config the Cloudflare edge and the cross-cloud database need. */
export type EdgeSettings = Pick<AllInOneConfig, keyof typeof edgeKeys | keyof typeof databaseKeys | keyof typeof commonKeys>;

/**
 * Every key of the namespace with its schema, for declarations and error messages. Typed as zod's
 * core schema type: relating each schema to the classic `z.ZodType` costs the type-checker more than
 * the rest of this file (tsgo's trace, `npm run bench`).
 */
export const ALL_KEYS: Readonly<Record<string, z.core.$ZodType>> = {
    role: enumOf(ROLES, "role").describe(
        "What this stack deploys: all-in-one (dev/test), aws-site, azure-site, or edge (Cloudflare and the failover switch).",
    ),
    ...commonKeys,
    ...awsSiteKeys,
    ...azureSiteKeys,
    ...workloadKeys,
    ...edgeKeys,
    ...databaseKeys,
    ...siteReferenceKeys,
};

/** What `.describe()` said about a key's schema. */
export function keyDescription(key: string): string {
    const schema = ALL_KEYS[key];
    return (schema && z.globalRegistry.get(schema)?.description) ?? "";
}

/** The roles whose schema has the key. */
export function rolesUsingKey(key: string): Role[] {
    return ROLES.filter((role) => key in roleSchemas[role].shape);
}
