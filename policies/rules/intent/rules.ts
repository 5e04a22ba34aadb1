import { accessNeeds, intendedFlows } from "../../../model/intent";
import { stackRule, type StackFinding } from "../../lib/rules";
import { formatPorts } from "./awsNetwork";
import { evaluationOf } from "./evaluate";
import type { Excess, Verdict } from "./verdict";

const failing = (verdicts: readonly Verdict[], describe: (item: Verdict) => string): StackFinding[] =>
    verdicts
        .filter((item) => !item.holds)
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

const capacity = (prefix: string) => (stack: Parameters<Parameters<typeof stackRule>[0]["check"]>[0]) =>
    failing(
        evaluationOf(stack.resources).capacity.filter((item) => item.id.startsWith(prefix)),
        (item) => `[${item.site}] ${item.id}`,
    );

export const intendedFlowsAllowed = stackRule({
    pack: "security",
    name: "intended-flows-allowed",
    description:
        "Every flow the design needs (model/intent.ts) is allowed by the planned security groups, NSGs, endpoints, routes, bucket policies and enforced NetworkPolicies.",
    severity: "high",
    remediation: "Open the flow named in the message in the component that owns the blocking control, as narrowly as the model states it.",
    controls: { pciDss: ["1.2.1", "1.3.1"], soc2: ["A1.2", "CC6.6"] },
    check: (stack) => failing(evaluationOf(stack.resources).flows, describeFlow),
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
    check: (stack) => excessFindings(evaluationOf(stack.resources).openings),
});

export const accessNeedsGranted = stackRule({
    pack: "security",
    name: "access-needs-granted",
    description:
        "Every access need of the design is granted: IAM policies with IRSA trust, Azure role assignments at scopes that exist, Redis access policies, EKS access entries and AKS RBAC.",
    severity: "high",
    remediation: "Grant the need named in the message to its identity, on the resource the model names, at a scope the stack creates.",
    controls: { pciDss: ["7.2.1", "7.2.2"], soc2: ["CC6.1"] },
    check: (stack) => failing(evaluationOf(stack.resources).needs, describeNeed),
});

export const noAccessBeyondNeeds = stackRule({
    pack: "security",
    name: "no-access-beyond-needs",
    description:
        "No identity holds more than its needs: every grant belongs to a declared identity and is one its needs ask for, on one resource.",
    severity: "high",
    remediation: "Remove the grant, narrow its scope to the resource, or declare the need in model/intent.ts with its reason.",
    controls: { pciDss: ["7.2.1", "7.2.2"], soc2: ["CC6.1"], gdpr: ["25", "32"] },
    check: (stack) => excessFindings(evaluationOf(stack.resources).excess),
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
