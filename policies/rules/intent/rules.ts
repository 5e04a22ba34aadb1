import { accessNeeds, intendedFlows } from "../../../model/intent";
import { stackRule, type StackFinding, type StackIndex } from "../../lib/rules";
import { formatPorts } from "./awsNetwork";
import { evaluationOf, type IntentFamily, type IntentEvaluation } from "./evaluate";
import { PreviewUnknownError, type UnknownRead } from "./plan";
import { WHOLE_INTERNET } from "./reachability";
import type { Excess, Verdict } from "./verdict";

/**
 * A rule's findings over the stack's evaluation, unless the stack held values its preview cannot
 * know yet (a first deployment's ids, ARNs, and the policies built from them): a failing verdict may
 * then rest on a value read as absent, and the rule defers as `@pulumi/policy` defers any policy
 * that reads an unknown value. It throws the SDK's `UnknownValueError`, which the pack reports as an
 * advisory "can't run policy ... during preview" (`makeAnalyzeStackRpcFun` in pulumi/pulumi-policy
 * `sdk/nodejs/policy/server.ts`), and judges when the engine analyzes the stack again after the
 * update's steps, every value known (`AnalyzeResources` in `Execute`, pulumi/pulumi
 * `pkg/resource/deploy/deployment_executor.go`). A verdict that holds with values missing holds,
 * and so do findings `certain` says no unknown value could undo; only unknowns in the resources the
 * rule's `family` of checks read count.
 */
function judged(
    stack: StackIndex,
    family: IntentFamily,
    findings: (evaluation: IntentEvaluation) => StackFinding[],
    certain: (evaluation: IntentEvaluation) => boolean = () => false,
): StackFinding[] {
    const evaluation = evaluationOf(stack.resources);
    const found = findings(evaluation);
    const unknowns = evaluation.unknowns[family];
    if (found.length > 0 && unknowns.length > 0 && !certain(evaluation)) {
        throw new UnknownUntilUpdate(unknowns);
    }
    return found;
}

/** The SDK's error for an unknown value, saying how many the checks met and where the first was. */
class UnknownUntilUpdate extends PreviewUnknownError {
    constructor(unknowns: readonly UnknownRead[]) {
        const [first] = unknowns;
        super(first.error.unknownTypeSentinel, first.error.props);
        this.message = `the stack holds ${unknowns.length} value(s) unknown until the update, the first in ${first.type} ${first.name}: ${first.error.message}`;
    }
}

const failing = (verdicts: readonly Verdict[], describe: (item: Verdict) => string): StackFinding[] =>
    verdicts
        .filter((item) => !item.holds && !item.pending)
        .map((item) => ({ message: `${describe(item)}: ${item.problems.join("; ")}`, ...(item.urn ? { urn: item.urn } : {}) }));

const excessFindings = (items: readonly Excess[]): StackFinding[] =>
    items.map((item) => ({ message: `[${item.site}] ${item.control}: ${item.reason}`, urn: item.urn }));

function describeFlow(item: Verdict): string {
    const flow = intendedFlows(item.site).find((candidate) => candidate.id === item.id)!;
    return `[${item.site}] flow ${flow.id} (${flow.from} → ${flow.to}, ${flow.protocol} ${formatPorts(flow.ports)}: ${flow.why})`;
}

function describeNeed(item: Verdict): string {
    const need = accessNeeds(item.site).find((candidate) => candidate.id === item.id)!;
    return `[${item.site}] need ${need.id} (${need.service ?? need.identity} must ${need.action})`;
}

const capacity = (prefix: string) => (stack: StackIndex) =>
    judged(stack, "capacity", (evaluation) =>
        failing(
            evaluation.capacity.filter((item) => item.id.startsWith(prefix)),
            (item) => `[${item.site}] ${item.id}`,
        ),
    );

export const intendedFlowsAllowed = stackRule({
    pack: "security",
    name: "intended-flows-allowed",
    description:
        "Every flow the design needs (model/intent.ts) is allowed by the planned security groups, NSGs, endpoints, routes, bucket policies and enforced NetworkPolicies.",
    severity: "high",
    remediation: "Open the flow named in the message in the component that owns the blocking control, as narrowly as the model states it.",
    controls: { pciDss: ["1.2.1", "1.3.1"], soc2: ["A1.2", "CC6.6"] },
    check: (stack) => judged(stack, "flows", (evaluation) => failing(evaluation.flows, describeFlow)),
});

export const noUnintendedFlows = stackRule({
    pack: "security",
    name: "no-unintended-flows",
    description:
        "Nothing is open beyond the intended flows: every allow rule serves one, no wider than it needs, and NetworkPolicies are enforced by the CNI.",
    severity: "high",
    remediation:
        "Remove the rule, narrow it to the ports and peers of the flow it serves, or add the flow to model/intent.ts with the reason it exists.",
    controls: { pciDss: ["1.2.1", "1.3.1", "1.3.2"], soc2: ["CC6.6"], gdpr: ["32"] },
    check: (stack) =>
        judged(
            stack,
            "flows",
            (evaluation) => excessFindings(evaluation.openings),
            // An unknown value can hide an address, never add one: an opening to the whole internet
            // is one whatever the preview cannot know yet.
            (evaluation) => evaluation.openings.some((opening) => opening.reason === WHOLE_INTERNET),
        ),
});

export const accessNeedsGranted = stackRule({
    pack: "security",
    name: "access-needs-granted",
    description:
        "Every access need of the design is granted: IAM policies with IRSA trust, Azure role assignments at scopes that exist, Redis access policies, EKS access entries and AKS RBAC.",
    severity: "high",
    remediation: "Grant the need named in the message to its identity, on the resource the model names, at a scope the stack creates.",
    controls: { pciDss: ["7.2.1", "7.2.2"], soc2: ["CC6.1"] },
    check: (stack) => judged(stack, "access", (evaluation) => failing(evaluation.needs, describeNeed)),
});

export const noAccessBeyondNeeds = stackRule({
    pack: "security",
    name: "no-access-beyond-needs",
    description:
        "No identity holds more than its needs: every grant belongs to a declared identity and is one its needs ask for, on one resource.",
    severity: "high",
    remediation: "Remove the grant, narrow its scope to the resource, or declare the need in model/intent.ts with its reason.",
    controls: { pciDss: ["7.2.1", "7.2.2"], soc2: ["CC6.1"], gdpr: ["25", "32"] },
    check: (stack) => judged(stack, "access", (evaluation) => excessFindings(evaluation.excess)),
});

export const workloadsFitCapacity = stackRule({
    pack: "resilience",
    name: "workloads-fit-capacity",
    description:
        "At the node pools' minimum sizes, the requests of our workloads at minimum replicas and of the charts we install fit with the model's headroom.",
    severity: "high",
    remediation: "Raise the pool's minimum size or instance type in the site's config, or lower the requests; the message gives both sums.",
    controls: "best-practice",
    check: capacity("workloads-fit-"),
});

export const quotasCoverMaxReplicas = stackRule({
    pack: "resilience",
    name: "quotas-cover-max-replicas",
    description:
        "Each namespace's ResourceQuota holds every workload in it at its maximum replicas, so autoscaling is never refused by the quota.",
    severity: "medium",
    remediation: "Raise the namespace's quota (HardenedNamespace) to the sums in the message, or lower the autoscalers' maximum.",
    controls: "best-practice",
    check: capacity("quota-covers-maximum-"),
});

export const autoscalersHaveMetrics = stackRule({
    pack: "resilience",
    name: "autoscalers-have-metrics",
    description: "Every HorizontalPodAutoscaler has a metrics source in its cluster (metrics-server for resource metrics).",
    severity: "high",
    remediation: "Install metrics-server on the cluster (EKS add-on or chart); AKS runs it itself.",
    controls: "best-practice",
    check: capacity("autoscaler-has-metrics-"),
});

export const nodePoolsAutoscale = stackRule({
    pack: "resilience",
    name: "node-pools-autoscale",
    description:
        "Every node pool can grow: EKS runs a node autoscaler (cluster-autoscaler or Karpenter), AKS pools have the cluster autoscaler on.",
    severity: "medium",
    remediation: "Install cluster-autoscaler (or Karpenter) on EKS; set enableAutoScaling on every AKS pool.",
    controls: "best-practice",
    check: capacity("node-pools-autoscale"),
});

/** The intent rules' names, for tests and reports that treat them as one family. */
export const INTENT_RULE_NAMES: readonly string[] = [
    intendedFlowsAllowed,
    noUnintendedFlows,
    accessNeedsGranted,
    noAccessBeyondNeeds,
    workloadsFitCapacity,
    quotasCoverMaxReplicas,
    autoscalersHaveMetrics,
    nodePoolsAutoscale,
].map((policy) => policy.name);
