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

/** The three families of intent checks: each reads the plan through a view of its own. */
export type IntentFamily = "flows" | "access" | "capacity";

/** `evaluateIntent`, and for each family of checks whether it read a resource (`PlanView.wasRead`). */
function evaluateIntentReading(
    resources: readonly IntentResource[],
    stage: DeployStage,
): { evaluation: IntentEvaluation; readers: Record<IntentFamily, (resource: { urn: string; type: string }) => boolean> } {
    const views: Record<IntentFamily, PlanView> = {
        flows: new PlanView(resources),
        access: new PlanView(resources),
        capacity: new PlanView(resources),
    };
    const flows = evaluateFlows(views.flows);
    const marked =
        (required: (item: Verdict) => DeployStage) =>
        (item: Verdict): Verdict =>
            stageReached(stage, required(item)) ? item : { ...item, pending: required(item) };
    const evaluation: IntentEvaluation = {
        stage,
        sites: sitesIn(views.flows),
        flows: flows.map(marked((item) => intendedFlows(item.site).find((flow) => flow.id === item.id)!.stage)),
        openings: unintendedOpenings(views.flows, flows),
        needs: evaluateNeeds(views.access).map(marked((item) => accessNeeds(item.site).find((need) => need.id === item.id)!.stage)),
        excess: excessGrants(views.access),
        capacity: evaluateCapacity(views.capacity).map(
            marked((item) => (CAPACITY_CHECKS_WITH_WORKLOADS[item.site].includes(item.id) ? "workloads" : "foundation")),
        ),
    };
    return {
        evaluation,
        readers: {
            flows: (resource) => views.flows.wasRead(resource),
            access: (resource) => views.access.wasRead(resource),
            capacity: (resource) => views.capacity.wasRead(resource),
        },
    };
}

/**
 * The evaluation of what CrossGuard handed a stack policy, and, for each family of checks, the
 * values its preview could not know in the resources that family read: an unknown anywhere else (a
 * new alarm's ARN; an IAM policy's, for the flows) cannot change its verdicts.
 */
export interface PolicyEvaluation extends IntentEvaluation {
    readonly unknowns: Readonly<Record<IntentFamily, readonly UnknownRead[]>>;
}

// Every intent rule of an analysis reads the same evaluation: it is made once per resource list.
const evaluations = new WeakMap<readonly PolicyResource[], PolicyEvaluation>();

/** The evaluation of a stack's resources, at the stage the stack's config gives the pack; made once per list. */
export function evaluationOf(resources: readonly PolicyResource[]): PolicyEvaluation {
    let evaluation = evaluations.get(resources);
    if (!evaluation) {
        evaluation = evaluatePolicyResources(resources, stackDeployStage());
        evaluations.set(resources, evaluation);
    }
    return evaluation;
}

/** The intent checks over what CrossGuard hands a stack policy, at `stage`. */
export function evaluatePolicyResources(resources: readonly PolicyResource[], stage: DeployStage): PolicyEvaluation {
    const unknowns: UnknownRead[] = [];
    const { evaluation, readers } = evaluateIntentReading(fromPolicyResources(resources, unknowns), stage);
    return {
        ...evaluation,
        unknowns: {
            flows: unknowns.filter(readers.flows),
            access: unknowns.filter(readers.access),
            capacity: unknowns.filter(readers.capacity),
        },
    };
}
