import * as pulumi from "@pulumi/pulumi";
import { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import { ConfigError, stackFileName } from "../config/errors";
import { SITES, type EdgeConfig, type EdgeSettings, type Site } from "../config/schema";
import { addressOverlapProblems, siteReferenceProblems, SITE_REFERENCE_KEY, type SiteIdentity } from "../siteIdentity";

/**
 * The Cloudflare edge in front of both sites. `activeSite` is the failover switch: it orders the
 * sites, primary first.
 */
export function deployEdge(config: EdgeSettings, sites: Record<Site, SiteIdentity>) {
    const provider = new CloudflareProvider("cloudflare", { apiToken: pulumi.secret(config.cloudflareApiToken) });
    const standbySite: Site = config.activeSite === "aws" ? "azure" : "aws";
    return {
        provider,
        outputs: {
            domain: config.domain,
            activeSite: config.activeSite,
            failoverOrder: [config.activeSite, standbySite],
            sites,
        },
    };
}

/**
 * Reads both site stacks through StackReference and checks that each is the site it claims to
 * be, of this edge's environment, before anything points traffic at it.
 */
export async function readSiteStacks(config: EdgeConfig): Promise<Record<Site, SiteIdentity>> {
    const identities = await Promise.all(
        SITES.map(async (site) => {
            const stackName = config[SITE_REFERENCE_KEY[site]];
            const reference = new pulumi.StackReference(`${site}-site`, { name: stackName });
            const identity = (await reference.getOutputDetails("siteIdentity")).value as unknown;
            return { site, stackName, identity };
        }),
    );
    const problems = identities.flatMap(({ site, stackName, identity }) =>
        siteReferenceProblems(site, stackName, identity, config.environment),
    );
    if (problems.length === 0) {
        const [aws, azure] = identities.map(({ identity }) => identity as SiteIdentity);
        problems.push(...addressOverlapProblems(aws, azure));
    }
    if (problems.length > 0) {
        throw new ConfigError(stackFileName(pulumi.getStack()), problems);
    }
    return { aws: identities[0].identity as SiteIdentity, azure: identities[1].identity as SiteIdentity };
}
