import { readStackOutputs, StackContractError, stackRole, type EdgeOutputs } from "../../model/contracts";
import { SITES, type Site } from "../../model/stacks";
import { CommandError } from "../command";

// The drill's other modules (its CLI, the live backend) take the sites from here.
export { SITES, type Site };

/** What the drill knows of an edge stack: its `edge` output, as the edge role's contract types it. */
export interface EdgeView extends EdgeOutputs {
    readonly stack: string;
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
    if (stackRole(outputs) !== "edge") {
        throw new CommandError(
            `stack ${stack} has role "${String(outputs.role)}"; the drill switches an edge stack (role "edge", such as prod or staging), which fronts two site stacks`,
            2,
        );
    }
    try {
        return { stack, ...readStackOutputs(stack, outputs, ["edge"]).edge };
    } catch (error) {
        if (error instanceof StackContractError) {
            throw new CommandError(`${error.message}; update it with this repository's program first`, 2);
        }
        throw error;
    }
}
