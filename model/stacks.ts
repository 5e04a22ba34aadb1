/**
 * The project's stacks as plain data: the sites, the roles a stack plays, the environments, and how
 * stacks name each other. The config schema, the programs, the edge and the tools all take these.
 */

export const PROJECT = "crypto-beacon";

export const ROLES = ["all-in-one", "aws-site", "azure-site", "edge"] as const;
export type Role = (typeof ROLES)[number];

export const ENVIRONMENTS = ["dev", "test", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * Day 0 of a site, in order: `foundation` creates the network, the cluster, the registries, the
 * vaults and secret stores and the deploy runners, and nothing that needs the cluster's private
 * API or a value that is not in place yet; then the secrets' values are set and the images pushed;
 * then `workloads` adds the Kubernetes parts (and, on Azure, the gateway that reads its certificate
 * from the vault). docs/runbooks/new-stack.md walks through it. The stack's `deployStage` config.
 */
export const DEPLOY_STAGES = ["foundation", "workloads"] as const;
export type DeployStage = (typeof DEPLOY_STAGES)[number];
/** A stack that does not set `deployStage` is complete. */
export const DEFAULT_DEPLOY_STAGE: DeployStage = "workloads";

/** Whether a site deployed to `stage` has built what `required` builds. */
export function stageReached(stage: DeployStage, required: DeployStage): boolean {
    return DEPLOY_STAGES.indexOf(stage) >= DEPLOY_STAGES.indexOf(required);
}

/** The two sites; each is a cloud the service and its database must survive losing. */
export const SITES = ["aws", "azure"] as const;
export type Site = (typeof SITES)[number];

/** The site that is not `site`: the failover target while `site` serves, the standby. */
export function otherSite(site: Site): Site {
    return site === "aws" ? "azure" : "aws";
}

/** The role of each site's own stack. */
export const SITE_ROLE: Readonly<Record<Site, "aws-site" | "azure-site">> = { aws: "aws-site", azure: "azure-site" };

/** The edge's config key that names each site's stack. */
export const SITE_REFERENCE_KEY: Readonly<Record<Site, "awsSiteStack" | "azureSiteStack">> = {
    aws: "awsSiteStack",
    azure: "azureSiteStack",
};

/**
 * A fully qualified stack name as StackReference takes it, `<organization>/<project>/<stack>`;
 * each part as the Pulumi service allows it (letters, digits, `_`, `.`, `-`).
 */
export const QUALIFIED_STACK_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
