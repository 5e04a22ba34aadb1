import * as pulumi from "@pulumi/pulumi";
import { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import { type Provider as AtlasProvider } from "@pulumi/mongodbatlas/provider";
import { EdgeZone } from "../../components/cloudflare/edgeZone";
import { SiteLoadBalancer } from "../../components/cloudflare/siteLoadBalancer";
import { CONNECTION_SETTINGS, TradingDatabase } from "../../components/data/tradingDatabase";
import { ConfigError, stackFileName } from "../config/errors";
import { FAILOVER_DETECTION_LIMIT_SEC } from "../../model/failover";
import { otherSite, SITE_REFERENCE_KEY, SITES, type Site } from "../../model/stacks";
import { survivorsAfterLosing } from "../../model/topology";
import { databaseTopology, type EdgeConfig, type EdgeSettings } from "../config/schema";
import { addressOverlapProblems, siteReferenceProblems, SITE_HEADER, type SiteEndpoint } from "../siteIdentity";
import { readStackOutput, SITE_OUTPUTS, StackContractError, type EdgeOutputs, type SiteIdentity } from "../../model/contracts";
import { SITE_ROLE } from "../../model/stacks";
import { type Exported } from "../outputs";
import { resourceTags } from "../tags";

/** Names of the edge's Cloudflare provider and zone component, which `npm run preflight` imports into. */
export const CLOUDFLARE_PROVIDER_NAME = "cloudflare";
export const EDGE_ZONE_NAME = "edge";

/**
 * The Cloudflare edge in front of both sites, and the cross-cloud database both sites use.
 * `activeSite` is the failover switch: it orders the pools, primary first, and moves the
 * database primary's preferred region with the traffic.
 */
export function deployEdge(config: EdgeSettings, sites: Record<Site, SiteEndpoint>, atlas: AtlasProvider) {
    const provider = new CloudflareProvider(CLOUDFLARE_PROVIDER_NAME, { apiToken: pulumi.secret(config.cloudflareApiToken) });
    const prod = config.environment === "prod";
    const standbySite = otherSite(config.activeSite);
    if (sites[config.activeSite].identity.capacity !== "active") {
        void pulumi.log.warn(
            `crypto-beacon:activeSite is "${config.activeSite}", but that site runs at ${sites[config.activeSite].identity.capacity} capacity; ` +
                `scale it to active first unless this is an emergency failover`,
        );
    }

    new EdgeZone(
        EDGE_ZONE_NAME,
        {
            zoneId: config.cloudflareZoneId,
            domain: config.domain,
            apiRateLimitPerMinute: config.apiRateLimitPerMinute,
            loginRateLimitPerMinute: config.loginRateLimitPerMinute,
            contentSecurityPolicy: config.contentSecurityPolicy,
            originPullCertificate: config.originPullCertificate,
            originPullPrivateKey: pulumi.secret(config.originPullPrivateKey),
            plan: config.cloudflarePlan,
        },
        { provider },
    );

    const loadBalancer = new SiteLoadBalancer(
        "edge",
        {
            accountId: config.cloudflareAccountId,
            zoneId: config.cloudflareZoneId,
            hostname: config.domain,
            origins: {
                aws: { address: sites.aws.originAddress, hostname: sites.aws.identity.originHostname },
                azure: { address: sites.azure.originAddress, hostname: sites.azure.identity.originHostname },
            },
            activeSite: config.activeSite,
            standbyTrafficPercent: config.standbyTrafficPercent,
            monitor: {
                path: config.healthMonitorPath,
                expectedCodes: config.healthMonitorExpectedCodes,
                intervalSec: config.healthMonitorIntervalSec,
                timeoutSec: config.healthMonitorTimeoutSec,
                retries: config.healthMonitorRetries,
                consecutiveDown: config.healthMonitorConsecutiveDown,
                consecutiveUp: config.healthMonitorConsecutiveUp,
            },
            alertEmail: config.edgeAlertEmail,
        },
        { provider },
    );

    const topology = databaseTopology(config);
    const database = new TradingDatabase(
        "trading-hub",
        {
            projectId: config.atlasProjectId,
            topology,
            activeSite: config.activeSite,
            instanceSize: config.databaseInstanceSize,
            appUserPassword: pulumi.secret(config.databaseAppPassword),
            outageSimulation: config.databaseOutageSimulation,
            protect: prod,
            tags: resourceTags(config),
        },
        { provider: atlas },
    );

    return {
        provider,
        outputs: {
            domain: config.domain,
            activeSite: config.activeSite,
            failoverOrder: [config.activeSite, standbySite],
            trafficWeights: loadBalancer.split.weights,
            failover: {
                detectionSec: loadBalancer.failoverDetectionSec,
                detectionLimitSec: FAILOVER_DETECTION_LIMIT_SEC[config.environment],
                healthPath: config.healthMonitorPath,
                siteHeader: SITE_HEADER,
            },
            poolIds: loadBalancer.poolIds,
            sites: { aws: sites.aws.identity, azure: sites.azure.identity },
            database: {
                clusterName: database.clusterName,
                topology,
                primaryPriorities: database.priorities,
                survivesLossOf: { aws: survivorsAfterLosing(topology, "aws"), azure: survivorsAfterLosing(topology, "azure") },
                connectionSettings: CONNECTION_SETTINGS,
                privateEndpointConnectionStrings: database.privateEndpointConnectionStrings,
            },
        } satisfies Exported<EdgeOutputs>,
    };
}

/**
 * Reads both site stacks through StackReference and checks that each is the site it claims to
 * be, of this edge's environment, before anything points traffic at it.
 */
export async function readSiteStacks(config: EdgeConfig): Promise<Record<Site, SiteEndpoint>> {
    const references = await Promise.all(
        SITES.map(async (site) => {
            const stackName = config[SITE_REFERENCE_KEY[site]];
            const reference = new pulumi.StackReference(`${site}-site`, { name: stackName });
            const identity = (await reference.getOutputDetails(SITE_OUTPUTS.identity)).value as unknown;
            return {
                site,
                stackName,
                identity,
                originAddress: reference.requireOutput(SITE_OUTPUTS.originAddress).apply((address) => {
                    const originAddress = readStackOutput(stackName, SITE_ROLE[site], SITE_OUTPUTS.originAddress, address);
                    if (originAddress === undefined) {
                        throw new StackContractError(stackName, [`${SITE_OUTPUTS.originAddress} is missing: the site has no origin yet`]);
                    }
                    return originAddress;
                }),
            };
        }),
    );
    const problems = references.flatMap(({ site, stackName, identity }) => siteReferenceProblems(site, stackName, identity, config));
    if (problems.length === 0) {
        const [aws, azure] = references.map(({ identity }) => identity as SiteIdentity);
        problems.push(...addressOverlapProblems(aws, azure));
    }
    if (problems.length > 0) {
        throw new ConfigError(stackFileName(pulumi.getStack()), problems);
    }
    const [aws, azure] = references.map(({ identity, originAddress }) => ({ identity: identity as SiteIdentity, originAddress }));
    return { aws, azure };
}
