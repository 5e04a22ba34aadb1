import { otherSite, SITES, type Site } from "./stacks";

/**
 * Where the database's electable nodes live, and whether a majority survives the loss of a whole
 * cloud. A replica set keeps a primary, and `majority` writes keep committing, only while a
 * majority of its electable nodes can reach each other: with nodes in AWS and Azure alone, losing
 * the larger side always loses the majority, so a tie-breaker goes in a third failure domain.
 */

export const DATABASE_DOMAINS = [...SITES, "tieBreaker"] as const;
export type DatabaseDomain = Site | "tieBreaker";

/** The Atlas provider name of each failure domain; the tie-breaker lives in GCP. */
export const ATLAS_PROVIDER: Readonly<Record<DatabaseDomain, "AWS" | "AZURE" | "GCP">> = { aws: "AWS", azure: "AZURE", tieBreaker: "GCP" };

/** The config key that sets each domain's node count, for error messages. */
export const NODE_COUNT_KEY: Readonly<Record<DatabaseDomain, string>> = {
    aws: "databaseAwsElectableNodes",
    azure: "databaseAzureElectableNodes",
    tieBreaker: "databaseTieBreakerElectableNodes",
};

export interface DatabasePlacement {
    /** The Atlas region name of the domain's nodes, e.g. "US_EAST_1" (AWS), "US_EAST_2" (Azure), "CENTRAL_US" (GCP). */
    readonly region: string;
    /** Electable nodes (count) in the domain; the three domains add up to 3, 5 or 7. */
    readonly electableNodes: number;
}

export type DatabaseTopology = Readonly<Record<DatabaseDomain, DatabasePlacement>>;

/** Atlas replica sets have 3, 5 or 7 electable nodes. */
export const ALLOWED_ELECTABLE_TOTALS: readonly number[] = [3, 5, 7];

/** The most electable nodes one domain may be asked for: the largest replica set. */
export const MAX_ELECTABLE_NODES_PER_DOMAIN = Math.max(...ALLOWED_ELECTABLE_TOTALS);

/**
 * Electable-node priority per failure domain: the active site's region is preferred for primary
 * (7, Atlas's highest), the other site's next, and the tie-breaker lowest, so that it only votes
 * and is never primary while a majority of the sites' nodes exists.
 */
export function primaryPriorities(activeSite: Site): Readonly<Record<DatabaseDomain, number>> {
    return { [activeSite]: 7, [otherSite(activeSite)]: 6, tieBreaker: 5 } as Record<DatabaseDomain, number>;
}

export function electableNodeCount(topology: DatabaseTopology): number {
    return DATABASE_DOMAINS.reduce((total, domain) => total + topology[domain].electableNodes, 0);
}

/** The electable nodes left, and whether they are a majority, when one failure domain is lost. */
export function survivorsAfterLosing(topology: DatabaseTopology, lost: DatabaseDomain) {
    const total = electableNodeCount(topology);
    const remaining = total - topology[lost].electableNodes;
    return { remaining, total, majority: remaining > total / 2 };
}

export interface TopologyProblem {
    readonly key: string;
    readonly message: string;
}

/** Every reason the topology fails to survive the loss of either site's cloud; empty when it does. */
export function databaseTopologyProblems(topology: DatabaseTopology): TopologyProblem[] {
    const total = electableNodeCount(topology);
    if (!ALLOWED_ELECTABLE_TOTALS.includes(total)) {
        return [
            {
                key: NODE_COUNT_KEY.aws,
                message: `the electable nodes add up to ${total}; Atlas allows ${ALLOWED_ELECTABLE_TOTALS.join(", ")}`,
            },
        ];
    }
    const problems: TopologyProblem[] = [];
    for (const domain of DATABASE_DOMAINS) {
        if (domain !== "tieBreaker" && topology[domain].electableNodes === 0) {
            problems.push({ key: NODE_COUNT_KEY[domain], message: `must be at least 1: each site needs local database nodes` });
        }
        const survivors = survivorsAfterLosing(topology, domain);
        if (!survivors.majority) {
            problems.push({
                key: NODE_COUNT_KEY[domain],
                message:
                    `losing ${domain === "tieBreaker" ? "the tie-breaker region" : `all of ${domain}`} leaves ${survivors.remaining} of ${total} electable nodes, ` +
                    `no majority; place the nodes so that no one domain holds half or more, e.g. 2 AWS + 2 Azure + 1 tie-breaker`,
            });
        }
    }
    return problems;
}
