import type { Site } from "../../../model/intent";
import type { DeployStage } from "../../../model/stacks";

/** Whether one intended flow, need or capacity requirement holds on the plan, and why. */
export interface Verdict {
    /** The model's id of the flow or need, or the capacity check's. */
    readonly id: string;
    readonly site: Site;
    readonly holds: boolean;
    /** The rules and grants that allow it (when it holds) or that were found on the way. */
    readonly by: readonly string[];
    /** What blocks it; empty when it holds. */
    readonly problems: readonly string[];
    /** The resource a finding is reported on, when one is to blame. */
    readonly urn?: string;
    /** The deploy stage that builds it, when the stack has not reached that stage: not judged yet. */
    readonly pending?: DeployStage;
}

/** Something open or granted that no intended flow or need asks for. */
export interface Excess {
    readonly site: Site;
    /** The rule or grant, as a reviewer finds it: `security group aws-origin egress 0-65535 tcp to 10.100.0.0/16`. */
    readonly control: string;
    readonly reason: string;
    readonly urn: string;
}

/** Builds a verdict from the evidence gathered: it holds when nothing blocks it. */
export function verdict(id: string, site: Site, by: readonly string[], problems: readonly string[], urn?: string): Verdict {
    return { id, site, holds: problems.length === 0, by, problems, ...(urn ? { urn } : {}) };
}
