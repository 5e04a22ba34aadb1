import { SITES, type Site } from "../../model/stacks";
import { CommandError } from "../command";

// The drill's other modules (its CLI, the live backend) take the sites from here.
export { SITES, type Site };

/** What the drill needs to know of an edge stack, read from its `edge` output. */
export interface EdgeView {
    readonly stack: string;
    readonly domain: string;
    readonly activeSite: Site;
    readonly failoverOrder: readonly Site[];
    readonly sites: Readonly<Record<Site, { readonly capacity: "active" | "standby"; readonly healthPath: string }>>;
    readonly failover: {
        readonly detectionSec: number;
        readonly detectionLimitSec: number;
        readonly healthPath: string;
        readonly siteHeader: string;
    };
    readonly database: {
        readonly survivesLossOf: Readonly<Record<Site, { readonly remaining: number; readonly total: number; readonly majority: boolean }>>;
        readonly connectionSettings: { readonly writeConcern: string; readonly readConcern: string };
    };
}

/** A probe of one site's health, as the load balancer's monitors see it. */
export interface SiteHealth {
    readonly healthy: boolean;
    readonly detail: string;
}

/**
 * Where a drill runs: against the real stacks (Automation API and Cloudflare) or offline (the
 * offline planner and local origins). The orchestration is the same for both.
 */
export interface DrillBackend {
    readonly mode: "live" | "offline";
    /** What the report should say about where this backend started from. */
    readonly notes?: readonly string[];
    /** The URL the drill polls to see which site serves; it answers with the site header. */
    readonly publicUrl: string;
    describeEdge(): Promise<EdgeView>;
    siteHealth(site: Site): Promise<SiteHealth>;
    /** Sets the site stack to active capacity and updates only that stack. */
    scaleToActive(site: Site): Promise<void>;
    /** Sets `activeSite` on the edge stack and updates only that stack. */
    switchTo(site: Site): Promise<void>;
    close(): Promise<void>;
}

/** Reads the edge view out of a stack's outputs, or says why the stack is not an edge stack. */
export function edgeViewFromOutputs(stack: string, outputs: Record<string, unknown>): EdgeView {
    if (outputs.role !== "edge") {
        throw new CommandError(
            `stack ${stack} has role "${String(outputs.role)}"; the drill switches an edge stack (role "edge", such as prod or staging), which fronts two site stacks`,
            2,
        );
    }
    const edge = outputs.edge as Omit<EdgeView, "stack"> | undefined;
    if (!edge?.failover || !edge.database?.survivesLossOf || !edge.sites) {
        throw new CommandError(
            `stack ${stack} has no edge outputs with failover, sites and database; update it with this repository's program first`,
            2,
        );
    }
    return { stack, ...edge };
}
