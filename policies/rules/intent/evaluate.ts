import type { PolicyResource } from "@pulumi/policy";
import { accessNeeds, CAPACITY_CHECKS_WITH_WORKLOADS, intendedFlows } from "../../../model/intent";
import { DEFAULT_DEPLOY_STAGE, type DeployStage, stageReached } from "../../../model/stacks";
import { stackDeployStage } from "../../lib/stackConfig";
import { evaluateNeeds, excessGrants } from "./access";
import { evaluateCapacity } from "./capacity";
import { fromPolicyResources, PlanView, type IntentResource, type UnknownRead } from "./plan";
import { evaluateFlows, sitesIn, unintendedOpenings } from "./reachability";
import type { Excess, Verdict } from "./verdict";

/** Everything the intent checks conclude about one stack's plan, deployed to `stage`. */
export interface IntentEvaluation {
    readonly stage: DeployStage;
    readonly sites: readonly string[];
    readonly flows: readonly Verdict[];
    readonly openings: readonly Excess[];
    readonly needs: readonly Verdict[];
    readonly excess: readonly Excess[];
    readonly capacity: readonly Verdict[];
}

/**
 * The intent checks over a stack deployed to `stage` (its `deployStage`): a flow, need or capacity
 * check that a later stage builds is marked `pending`, not judged. Openings are attributed to every
 * flow, pending or not: the foundation builds the network rules that the later flows will use.
 */
export function evaluateIntent(resources: readonly IntentResource[], stage: DeployStage = DEFAULT_DEPLOY_STAGE): IntentEvaluation {
    return evaluateIntentReading(resources, stage).evaluation;
}

/** `evaluateIntent`, and whether the checks read a resource (`PlanView.wasRead`). */
function evaluateIntentReading(
    resources: readonly IntentResource[],
    stage: DeployStage,
): { evaluation: IntentEvaluation; wasRead: (resource: { urn: string; type: string }) => boolean } {
    const view = new PlanView(resources);
    const flows = evaluateFlows(view);
    const marked =
        (required: (item: Verdict) => DeployStage) =>
        (item: Verdict): Verdict =>
            stageReached(stage, required(item)) ? item : { ...item, pending: required(item) };
    const evaluation: IntentEvaluation = {
        stage,
        sites: sitesIn(view),
        flows: flows.map(marked((item) => intendedFlows(item.site).find((flow) => flow.id === item.id)!.stage)),
        openings: unintendedOpenings(view, flows),
        needs: evaluateNeeds(view).map(marked((item) => accessNeeds(item.site).find((need) => need.id === item.id)!.stage)),
        excess: excessGrants(view),
        capacity: evaluateCapacity(view).map(
            marked((item) => (CAPACITY_CHECKS_WITH_WORKLOADS[item.site].includes(item.id) ? "workloads" : "foundation")),
        ),
    };
    return { evaluation, wasRead: (resource) => view.wasRead(resource) };
}

/**
 * The evaluation of what CrossGuard handed a stack policy, and the values its preview could not
 * know in the resources the checks read: an unknown anywhere else (a new alarm's ARN) cannot
 * change a verdict.
 */
export interface PolicyEvaluation extends IntentEvaluation {
    readonly unknowns: readonly UnknownRead[];
}

// Every intent rule of an analysis reads the same evaluation: it is made once per resource list.
const evaluations = new WeakMap<readonly PolicyResource[], PolicyEvaluation>();

/** The evaluation of a stack's resources, at the stage the stack's config gives the pack. */
export function evaluationOf(resources: readonly PolicyResource[]): PolicyEvaluation {
    let evaluation = evaluations.get(resources);
    if (!evaluation) {
        const unknowns: UnknownRead[] = [];
        const { evaluation: intent, wasRead } = evaluateIntentReading(fromPolicyResources(resources, unknowns), stackDeployStage());
        evaluation = { ...intent, unknowns: unknowns.filter(wasRead) };
        evaluations.set(resources, evaluation);
    }
    return evaluation;
}
