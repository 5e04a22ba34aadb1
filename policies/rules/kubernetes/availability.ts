import { arrayInput, objectInput } from "../../lib/props";
import { resourceRule, stackRule } from "../../lib/rules";
import { metadataOf } from "./namespaces";
import { podOf } from "../../lib/workloads";

export const k8sProbes = resourceRule({
    name: "k8s-probes",
    pack: "resilience",
    description: "Long-running containers have readiness and liveness probes, so traffic only reaches healthy pods.",
    severity: "medium",
    remediation: "Give each container of a Deployment or StatefulSet a readinessProbe and a livenessProbe.",
    controls: { soc2: ["A1.2"] },
    types: ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"],
    check: (resource) =>
        (podOf(resource)?.containers ?? []).flatMap((container) => {
            const missing = ["readinessProbe", "livenessProbe"].filter((probe) => !objectInput(container.spec[probe]));
            return missing.length > 0 ? [`container ${container.name}: no ${missing.join(" or ")}`] : [];
        }),
});

export const k8sDisruptionBudgets = stackRule({
    name: "k8s-disruption-budget",
    pack: "resilience",
    description:
        "Every Deployment that runs two or more replicas (itself or through its autoscaler) has a PodDisruptionBudget, so drains keep it serving.",
    severity: "medium",
    remediation: "Add a PodDisruptionBudget (maxUnavailable: 1) whose selector matches the Deployment's pods.",
    controls: { soc2: ["A1.2"] },
    check: (stack) => {
        const minReplicas = new Map<string, number>(
            stack.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").map((hpa) => {
                const spec = objectInput(hpa.props.spec) ?? {};
                return [
                    `${String(metadataOf(hpa.props).namespace)}/${String(objectInput(spec.scaleTargetRef)?.name)}`,
                    Number(spec.minReplicas ?? 1),
                ] as const;
            }),
        );
        const budgets = stack.ofType("kubernetes:policy/v1:PodDisruptionBudget").map((budget) => ({
            namespace: String(metadataOf(budget.props).namespace),
            selector: objectInput(objectInput(objectInput(budget.props.spec)?.selector)?.matchLabels) ?? {},
        }));
        return stack.ofType("kubernetes:apps/v1:Deployment").flatMap((deployment) => {
            const metadata = metadataOf(deployment.props);
            const key: string = `${String(metadata.namespace)}/${String(metadata.name)}`;
            const replicas = Math.max(Number(objectInput(deployment.props.spec)?.replicas ?? 0), minReplicas.get(key) ?? 0);
            if (replicas < 2) {
                return [];
            }
            const labels = objectInput(objectInput(objectInput(objectInput(deployment.props.spec)?.template)?.metadata)?.labels) ?? {};
            const covered = budgets.some(
                (budget) =>
                    budget.namespace === String(metadata.namespace) &&
                    Object.keys(budget.selector).length > 0 &&
                    Object.entries(budget.selector).every(([label, value]) => labels[label] === value),
            );
            return covered
                ? []
                : [{ message: `Deployment ${key} runs ${replicas} replicas with no PodDisruptionBudget`, urn: deployment.urn }];
        });
    },
});

export const k8sCronJobForbidConcurrency = resourceRule({
    name: "k8s-cronjob-no-overlap",
    pack: "resilience",
    description: "Scheduled jobs never overlap: a slow run is not joined by the next.",
    severity: "low",
    remediation: "Set concurrencyPolicy: Forbid.",
    controls: { soc2: ["A1.2"] },
    types: ["kubernetes:batch/v1:CronJob"],
    check: ({ props }) =>
        objectInput(props.spec)?.concurrencyPolicy === "Forbid"
            ? []
            : [`concurrencyPolicy is ${String(objectInput(props.spec)?.concurrencyPolicy ?? "Allow")}`],
});

export const k8sZoneSpread = resourceRule({
    name: "k8s-zone-spread",
    pack: "resilience",
    description: "Deployments spread their pods across zones.",
    severity: "medium",
    remediation: "Add a topologySpreadConstraint on topology.kubernetes.io/zone.",
    controls: { soc2: ["A1.2"] },
    types: ["kubernetes:apps/v1:Deployment"],
    check: (resource) =>
        arrayInput(podOf(resource)?.pod.topologySpreadConstraints).some(
            (constraint) => constraint.topologyKey === "topology.kubernetes.io/zone",
        )
            ? []
            : ["pods are not spread across zones"],
});

export const k8sAutoscalerMetric = resourceRule({
    name: "k8s-autoscaler-has-metric",
    pack: "resilience",
    description: "Every autoscaler scales on a metric, between a minimum and a larger maximum.",
    severity: "low",
    remediation: "Give the HorizontalPodAutoscaler a CPU (or custom) metric and maxReplicas above minReplicas.",
    controls: { soc2: ["A1.2"] },
    types: ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler"],
    check: ({ props }) => {
        const spec = objectInput(props.spec) ?? {};
        return [
            ...(arrayInput(spec.metrics).length > 0 ? [] : ["the autoscaler has no metric"]),
            ...(Number(spec.maxReplicas) >= Number(spec.minReplicas ?? 1) ? [] : ["maxReplicas is below minReplicas"]),
        ];
    },
});
