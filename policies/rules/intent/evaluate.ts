import type { PolicyResource } from "@pulumi/policy";
import { evaluateNeeds, excessGrants } from "./access";
import { evaluateCapacity } from "./capacity";
import { fromPolicyResources, PlanView, type IntentResource, type UnknownRead } from "./plan";
import { evaluateFlows, sitesIn, unintendedOpenings } from "./reachability";
import type { Excess, Verdict } from "./verdict";

/** Everything the intent checks conclude about one stack's plan. */
export interface IntentEvaluation {
    readonly sites: readonly string[];
    readonly flows: readonly Verdict[];
    readonly openings: readonly Excess[];
    readonly needs: readonly Verdict[];
    readonly excess: readonly Excess[];
    readonly capacity: readonly Verdict[];
}

export function evaluateIntent(resources: readonly IntentResource[]): IntentEvaluation {
    const view = new PlanView(resources);
    const flows = evaluateFlows(view);
    return {
        sites: sitesIn(view),
        flows,
        openings: unintendedOpenings(view, flows),
        needs: evaluateNeeds(view),
        excess: excessGrants(view),
        capacity: evaluateCapacity(view),
    };
}

/** The evaluation of what CrossGuard handed a stack policy, and the values its preview could not know. */
export interface PolicyEvaluation extends IntentEvaluation {
    readonly unknowns: readonly UnknownRead[];
}

// Every intent rule of an analysis reads the same evaluation: it is made once per resource list.
const evaluations = new WeakMap<readonly PolicyResource[], PolicyEvaluation>();

export function evaluationOf(resources: readonly PolicyResource[]): PolicyEvaluation {
    let evaluation = evaluations.get(resources);
    if (!evaluation) {
        const unknowns: UnknownRead[] = [];
        evaluation = { ...evaluateIntent(fromPolicyResources(resources, unknowns)), unknowns };
        evaluations.set(resources, evaluation);
    }
    return evaluation;
}
