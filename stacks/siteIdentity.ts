import * as pulumi from "@pulumi/pulumi";
import { cidrsOverlap, parseIpv4Cidr } from "../model/addressing";
import { isSiteIdentity, SITE_OUTPUTS, type SiteIdentity } from "../model/contracts";
import { SITE_REFERENCE_KEY, SITE_ROLE, type Environment, type Site } from "../model/stacks";

/** A site as the edge sees it: who it is, and the public address of its origin. */
export interface SiteEndpoint {
    readonly identity: SiteIdentity;
    readonly originAddress: pulumi.Input<string>;
}

/** The header each site's in-cluster gateway adds to name the site that served; the DR drill reads it. */
export const SITE_HEADER = "x-beacon-site";

/**
 * Checks a referenced stack's identity against what the edge expects of it. Returns one problem
 * per mismatch, each naming the config key, the referenced stack and what is allowed.
 */
export function siteReferenceProblems(
    site: Site,
    stackName: string,
    identity: unknown,
    edge: { environment: Environment; healthMonitorPath: string },
): string[] {
    const edgeEnvironment = edge.environment;
    const key = `crypto-beacon:${SITE_REFERENCE_KEY[site]}`;
    const expectedRole = SITE_ROLE[site];
    if (!isSiteIdentity(identity) || parseIpv4Cidr(identity.addressSpace) === undefined) {
        return [`${key}: stack "${stackName}" exports no ${SITE_OUTPUTS.identity}; allowed: a stack with role "${expectedRole}"`];
    }
    const problems: string[] = [];
    if (identity.role !== expectedRole) {
        problems.push(`${key}: stack "${stackName}" has role "${identity.role}"; allowed: a stack with role "${expectedRole}"`);
    }
    if (identity.environment !== edgeEnvironment) {
        problems.push(
            `${key}: stack "${stackName}" is environment "${identity.environment}"; allowed: a "${edgeEnvironment}" stack, like this edge`,
        );
    }
    if (identity.healthPath !== edge.healthMonitorPath) {
        problems.push(
            `crypto-beacon:healthMonitorPath: "${edge.healthMonitorPath}" is not the health path of stack "${stackName}" ("${identity.healthPath}"); ` +
                `allowed: "${identity.healthPath}", or Cloudflare would mark the site down`,
        );
    }
    return problems;
}

/** The two sites must have disjoint address plans: they are joined by private links later. */
export function addressOverlapProblems(aws: SiteIdentity, azure: SiteIdentity): string[] {
    return cidrsOverlap(aws.addressSpace, azure.addressSpace)
        ? [`crypto-beacon:azureSiteStack: the Azure site's address space ${azure.addressSpace} overlaps the AWS site's ${aws.addressSpace}`]
        : [];
}
