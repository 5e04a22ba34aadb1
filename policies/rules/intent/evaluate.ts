import type { PolicyResource } from "@pulumi/policy";
import { accessNeeds, CAPACITY_CHECKS_WITH_WORKLOADS, intendedFlows, SITES } from "../../../model/intent";
import { DEFAULT_DEPLOY_STAGE, type DeployStage, stageReached } from "../../../model/stacks";
import { stackDeployStage } from "../../lib/stackConfig";
import { evaluateNeeds, excessGrants } from "./access";
import { evaluateCapacity } from "./capacity";
import { fromPolicyResources, PlanView, type UnknownRead } from "./plan";
import { evaluateFlows, sitesIn, unintendedOpenings } from "./reachability";
import type { Excess, Verdict } from "./verdict";

/** The three families of intent checks: each reads the plan through a view of its own. */
export type IntentFamily = "flows" | "access" | "capacity";

/** Everything the intent checks conclude about one stack's plan, deployed to `stage`. */
export interface IntentEvaluation {
    readonly stage: DeployStage;
    readonly sites: readonly string[];
    readonly flows: readonly Verdict[];
    readonly openings: readonly Excess[];
    readonly needs: readonly Verdict[];
    readonly excess: readonly Excess[];
    readonly capacity: readonly Verdict[];
    /**
     * For each family of checks, the values the preview could not know in the resources that
     * family read: an unknown anywhere else (a new alarm's ARN; an IAM policy's, for the flows)
     * cannot change its verdicts.
     */
    readonly unknowns: Readonly<Record<IntentFamily, readonly UnknownRead[]>>;
}

// Every intent rule of an analysis reads the same evaluation: it is made once per resource list.
const evaluations = new WeakMap<readonly PolicyResource[], IntentEvaluation>();

/** The evaluation of a stack's resources, at the stage the stack's config gives the pack; made once per list. */
export function evaluationOf(resources: readonly PolicyResource[]): IntentEvaluation {
    let evaluation = evaluations.get(resources);
    if (!evaluation) {
        evaluation = evaluatePolicyResources(resources, stackDeployStage());
        evaluations.set(resources, evaluation);
    }
    return evaluation;
}

/**
 * The intent checks over what CrossGuard hands a stack policy, for a stack deployed to `stage`
 * (its `deployStage`): a flow, need or capacity check that a later stage builds is marked
 * `pending`, not judged. Openings are attributed to every flow, pending or not: the foundation
 * builds the network rules that the later flows will use.
 */
export function evaluatePolicyResources(resources: readonly PolicyResource[], stage: DeployStage = DEFAULT_DEPLOY_STAGE): IntentEvaluation {
    const unknowns: UnknownRead[] = [];
    const plan = fromPolicyResources(resources, unknowns);
    const views: Record<IntentFamily, PlanView> = {
        flows: new PlanView(plan),
        access: new PlanView(plan),
        capacity: new PlanView(plan),
    };
    // The stage each row of the model must hold from, by site and id.
    const stages = new Map<string, DeployStage>(
        SITES.flatMap((site) => [...intendedFlows(site), ...accessNeeds(site)].map((row) => [`${site} ${row.id}`, row.stage])),
    );
    for (const site of SITES) {
        CAPACITY_CHECKS_WITH_WORKLOADS[site].forEach((id) => stages.set(`${site} ${id}`, "workloads"));
    }
    const marked = (item: Verdict): Verdict => {
        const required = stages.get(`${item.site} ${item.id}`) ?? "foundation";
        return stageReached(stage, required) ? item : { ...item, pending: required };
    };
    const flows = evaluateFlows(views.flows);
    return {
        stage,
        sites: sitesIn(views.flows),
        flows: flows.map(marked),
        openings: unintendedOpenings(views.flows, flows),
        needs: evaluateNeeds(views.access).map(marked),
        excess: excessGrants(views.access),
        capacity: evaluateCapacity(views.capacity).map(marked),
        unknowns: {
            flows: unknowns.filter((read) => views.flows.wasRead(read)),
            access: unknowns.filter((read) => views.access.wasRead(read)),
            capacity: unknowns.filter((read) => views.capacity.wasRead(read)),
        },
    };
}
