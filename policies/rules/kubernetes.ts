import { arrayInput, objectInput } from "../lib/props";
import { resourceRule, stackRule, type CheckedResource } from "../lib/rules";

/** Workload kinds and where each keeps its pod template. */
const WORKLOADS: Readonly<Record<string, (spec: Record<string, unknown>) => Record<string, unknown> | undefined>> = {
    "kubernetes:apps/v1:Deployment": (spec) => objectInput(objectInput(spec.template)?.spec),
    "kubernetes:apps/v1:StatefulSet": (spec) => objectInput(objectInput(spec.template)?.spec),
    "kubernetes:apps/v1:DaemonSet": (spec) => objectInput(objectInput(spec.template)?.spec),
    "kubernetes:batch/v1:Job": (spec) => objectInput(objectInput(spec.template)?.spec),
    "kubernetes:batch/v1:CronJob": (spec) => objectInput(objectInput(objectInput(objectInput(spec.jobTemplate)?.spec)?.template)?.spec),
};
const WORKLOAD_TYPES = Object.keys(WORKLOADS);

interface Container {
    readonly name: string;
    readonly spec: Record<string, unknown>;
    readonly context: Record<string, unknown>;
}

/** The pod spec of a workload, and its containers (init containers too). */
function podOf(resource: CheckedResource): { pod: Record<string, unknown>; containers: Container[] } | undefined {
    const pod = WORKLOADS[resource.type]?.(objectInput(resource.props.spec) ?? {});
    if (!pod) {
        return undefined;
    }
    const containers = [...arrayInput(pod.initContainers), ...arrayInput(pod.containers)].map((spec) => ({
        name: String(spec.name),
        spec,
        context: objectInput(spec.securityContext) ?? {},
    }));
    return { pod, containers };
}

/** A rule over every container of every workload: returns what is wrong with one container. */
function containerRule(info: Omit<Parameters<typeof resourceRule>[0], "types" | "check"> & { check: (container: Container, pod: Record<string, unknown>) => string | undefined }) {
    return resourceRule({
        ...info,
        types: WORKLOAD_TYPES,
        check: (resource) => {
            const workload = podOf(resource);
            return (workload?.containers ?? []).flatMap((container) => {
                const problem = info.check(container, workload!.pod);
                return problem ? [`container ${container.name}: ${problem}`] : [];
            });
        },
    });
}

const podContext = (pod: Record<string, unknown>) => objectInput(pod.securityContext) ?? {};

export const k8sRunAsNonRoot = containerRule({
    name: "k8s-run-as-non-root",
    description: "Containers run as a non-root user.",
    severity: "high",
    remediation: "Set securityContext.runAsNonRoot: true (and a runAsUser) on the pod or the container.",
    controls: { pciDss: ["2.2.1", "7.2.1"], soc2: ["CC6.1", "CC6.8"] },
    check: (container, pod) => ((container.context.runAsNonRoot ?? podContext(pod).runAsNonRoot) === true ? undefined : "may run as root"),
});

export const k8sReadOnlyRootFilesystem = containerRule({
    name: "k8s-read-only-root-filesystem",
    description: "Containers cannot write to their image's filesystem; scratch space is an explicit volume.",
    severity: "medium",
    remediation: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes.",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.8"] },
    check: (container) => (container.context.readOnlyRootFilesystem === true ? undefined : "the root filesystem is writable"),
});

export const k8sNoPrivilegeEscalation = containerRule({
    name: "k8s-no-privilege-escalation",
    description: "Containers cannot gain more privileges than they start with.",
    severity: "high",
    remediation: "Set securityContext.allowPrivilegeEscalation: false.",
    controls: { pciDss: ["2.2.1", "7.2.1"], soc2: ["CC6.1"] },
    check: (container) => (container.context.allowPrivilegeEscalation === false ? undefined : "privilege escalation is allowed"),
});

export const k8sNoPrivileged = containerRule({
    name: "k8s-not-privileged",
    description: "No container runs privileged: it would be root on the node.",
    severity: "critical",
    remediation: "Remove securityContext.privileged, or set it to false.",
    controls: { pciDss: ["2.2.1", "7.2.1"], soc2: ["CC6.1", "CC6.8"] },
    check: (container) => (container.context.privileged === true ? "runs privileged" : undefined),
});

export const k8sDropAllCapabilities = containerRule({
    name: "k8s-drop-all-capabilities",
    description: "Containers drop every Linux capability.",
    severity: "medium",
    remediation: "Set securityContext.capabilities.drop: [ALL]; add back only what a process provably needs.",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.8"] },
    check: (container) => {
        const dropped = (objectInput(container.context.capabilities)?.drop as unknown[] | undefined) ?? [];
        return dropped.includes("ALL") ? undefined : "does not drop all capabilities";
    },
});

export const k8sSeccompRuntimeDefault = containerRule({
    name: "k8s-seccomp-runtime-default",
    description: "Containers run under the runtime's default seccomp profile (or a stricter local one).",
    severity: "medium",
    remediation: "Set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container.",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.8"] },
    check: (container, pod) => {
        const type = objectInput(container.context.seccompProfile ?? podContext(pod).seccompProfile)?.type;
        return type === "RuntimeDefault" || type === "Localhost" ? undefined : `seccomp profile is ${String(type ?? "unconfined")}`;
    },
});

export const k8sResourceLimits = containerRule({
    name: "k8s-resource-requests-limits",
    description: "Every container declares CPU and memory requests and limits, so one workload cannot starve the node.",
    severity: "medium",
    remediation: "Set resources.requests and resources.limits for cpu and memory.",
    controls: { soc2: ["A1.2", "CC6.8"] },
    check: (container) => {
        const resources = objectInput(container.spec.resources) ?? {};
        const missing = ["requests", "limits"].flatMap((kind) =>
            ["cpu", "memory"].filter((resource) => objectInput(resources[kind])?.[resource] === undefined).map((resource) => `${kind}.${resource}`),
        );
        return missing.length > 0 ? `missing ${missing.join(", ")}` : undefined;
    },
});

export const k8sImagePinned = containerRule({
    name: "k8s-image-pinned",
    description: "Images are pinned by digest or an immutable version tag, never latest or no tag.",
    severity: "high",
    remediation: "Reference images as repository:1.2.3 or repository@sha256:<digest>.",
    controls: { pciDss: ["6.3.2"], soc2: ["CC8.1"] },
    check: (container) => {
        const image = String(container.spec.image ?? "");
        if (/@sha256:[0-9a-f]{64}$/.test(image)) {
            return undefined;
        }
        const tag = /:([^/:]+)$/.exec(image)?.[1];
        return tag && /^v?\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$/.test(tag) ? undefined : `image ${image} is not pinned to a version or digest`;
    },
});

export const k8sNoLiteralSecrets = containerRule({
    name: "k8s-no-literal-secret-env",
    description: "No environment variable carries a credential as a literal value; secrets come from the cloud secret store.",
    severity: "critical",
    remediation: "Mount the secret through the Secrets Store CSI driver (or reference a Secret) instead of a literal value.",
    controls: { pciDss: ["3.5.1", "8.3.1"], soc2: ["CC6.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    check: (container) => {
        const literal = arrayInput(container.spec.env).filter((variable) => /(PASSWORD|PASSWD|_TOKEN|API_KEY|SECRET_KEY|CLIENT_SECRET|PRIVATE_KEY)$/i.test(String(variable.name)) && variable.value !== undefined);
        return literal.length > 0 ? `literal value in ${literal.map((variable) => String(variable.name)).join(", ")}` : undefined;
    },
});

export const k8sNoHostNamespaces = resourceRule({
    name: "k8s-no-host-namespaces",
    description: "Pods do not share the node's network, process or IPC namespaces.",
    severity: "high",
    remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec.",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.1"] },
    types: WORKLOAD_TYPES,
    check: (resource) => {
        const pod = podOf(resource)?.pod ?? {};
        const shared = ["hostNetwork", "hostPID", "hostIPC"].filter((key) => pod[key] === true);
        return shared.length > 0 ? [`shares the node's ${shared.join(", ")}`] : [];
    },
});

export const k8sNoTokenAutomount = resourceRule({
    name: "k8s-no-service-account-token",
    description: "Pods that never call the Kubernetes API get no API token mounted.",
    severity: "medium",
    remediation: "Set automountServiceAccountToken: false on the pod spec (cloud identity tokens are projected separately).",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"] },
    types: WORKLOAD_TYPES,
    check: (resource) => (podOf(resource)?.pod.automountServiceAccountToken === false ? [] : ["mounts a Kubernetes API token"]),
});

export const k8sProbes = resourceRule({
    name: "k8s-probes",
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

export const k8sNamespaceRestricted = resourceRule({
    name: "k8s-namespace-restricted",
    description: "Namespaces enforce the restricted Pod Security Standard.",
    severity: "high",
    remediation: "Label the namespace pod-security.kubernetes.io/enforce: restricted.",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.8"] },
    types: ["kubernetes:core/v1:Namespace"],
    check: ({ props }) => {
        const level = objectInput(objectInput(props.metadata)?.labels)?.["pod-security.kubernetes.io/enforce"];
        return level === "restricted" ? [] : [`Pod Security enforce level is ${String(level ?? "unset")}; allowed: restricted`];
    },
});

const metadataOf = (props: Record<string, unknown>) => objectInput(props.metadata) ?? {};

export const k8sNamespaceDefaultDeny = stackRule({
    name: "k8s-namespace-default-deny",
    description: "Every namespace the stack creates denies all ingress and egress unless a NetworkPolicy allows it.",
    severity: "high",
    remediation: "Add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules to the namespace.",
    controls: { pciDss: ["1.3.1", "1.3.2"], soc2: ["CC6.6"], gdpr: ["32"] },
    check: (stack) => {
        const denying = new Set(
            stack
                .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
                .filter((policy) => {
                    const spec = objectInput(policy.props.spec) ?? {};
                    const types = (spec.policyTypes as unknown[] | undefined) ?? [];
                    return Object.keys(objectInput(spec.podSelector) ?? {}).length === 0 && types.includes("Ingress") && types.includes("Egress") && !spec.ingress && !spec.egress;
                })
                .map((policy) => String(metadataOf(policy.props).namespace)),
        );
        return stack
            .ofType("kubernetes:core/v1:Namespace")
            .filter((namespace) => !denying.has(String(metadataOf(namespace.props).name)))
            .map((namespace) => ({ message: `namespace ${String(metadataOf(namespace.props).name)} has no default-deny NetworkPolicy`, urn: namespace.urn }));
    },
});

export const k8sDisruptionBudgets = stackRule({
    name: "k8s-disruption-budget",
    description: "Every Deployment that runs two or more replicas (itself or through its autoscaler) has a PodDisruptionBudget, so drains keep it serving.",
    severity: "medium",
    remediation: "Add a PodDisruptionBudget (maxUnavailable: 1) whose selector matches the Deployment's pods.",
    controls: { soc2: ["A1.2"] },
    check: (stack) => {
        const minReplicas = new Map<string, number>(
            stack
                .ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
                .map((hpa) => {
                    const spec = objectInput(hpa.props.spec) ?? {};
                    return [`${String(metadataOf(hpa.props).namespace)}/${String(objectInput(spec.scaleTargetRef)?.name)}`, Number(spec.minReplicas ?? 1)] as const;
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
                (budget) => budget.namespace === String(metadata.namespace) && Object.keys(budget.selector).length > 0 && Object.entries(budget.selector).every(([label, value]) => labels[label] === value),
            );
            return covered ? [] : [{ message: `Deployment ${key} runs ${replicas} replicas with no PodDisruptionBudget`, urn: deployment.urn }];
        });
    },
});

export const k8sNamespaceQuota = stackRule({
    name: "k8s-namespace-quota",
    description: "Every namespace the stack creates has a ResourceQuota and a LimitRange.",
    severity: "medium",
    remediation: "Add a ResourceQuota and a LimitRange to the namespace (HardenedNamespace does).",
    controls: { soc2: ["A1.2"] },
    check: (stack) => {
        const namespacesWith = (type: string) => new Set(stack.ofType(type).map((resource) => String(metadataOf(resource.props).namespace)));
        const quotas = namespacesWith("kubernetes:core/v1:ResourceQuota");
        const limits = namespacesWith("kubernetes:core/v1:LimitRange");
        return stack.ofType("kubernetes:core/v1:Namespace").flatMap((namespace) => {
            const name = String(metadataOf(namespace.props).name);
            const missing = [...(quotas.has(name) ? [] : ["ResourceQuota"]), ...(limits.has(name) ? [] : ["LimitRange"])];
            return missing.length > 0 ? [{ message: `namespace ${name} has no ${missing.join(" or ")}`, urn: namespace.urn }] : [];
        });
    },
});

export const k8sCronJobForbidConcurrency = resourceRule({
    name: "k8s-cronjob-no-overlap",
    description: "Scheduled jobs never overlap: a slow run is not joined by the next.",
    severity: "low",
    remediation: "Set concurrencyPolicy: Forbid.",
    controls: { soc2: ["A1.2"] },
    types: ["kubernetes:batch/v1:CronJob"],
    check: ({ props }) => (objectInput(props.spec)?.concurrencyPolicy === "Forbid" ? [] : [`concurrencyPolicy is ${String(objectInput(props.spec)?.concurrencyPolicy ?? "Allow")}`]),
});

export const k8sServiceAccountNoToken = resourceRule({
    name: "k8s-service-account-no-token",
    description: "ServiceAccounts do not hand out Kubernetes API tokens by default.",
    severity: "low",
    remediation: "Set automountServiceAccountToken: false on the ServiceAccount.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"] },
    types: ["kubernetes:core/v1:ServiceAccount"],
    check: ({ props }) => (props.automountServiceAccountToken === false ? [] : ["mounts an API token into every pod by default"]),
});

export const k8sRoutesNameSite = resourceRule<{ siteHeader: string }>({
    name: "k8s-routes-name-site",
    description: "Every route adds the header naming the serving site, which the DR drill and the smoke tests read.",
    severity: "medium",
    remediation: "Add a ResponseHeaderModifier filter that sets the site header on every rule.",
    controls: { soc2: ["A1.3"] },
    configSchema: { properties: { siteHeader: { type: "string", default: "x-beacon-site" } } },
    types: ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"],
    check: ({ props }, config) =>
        arrayInput(objectInput(props.spec)?.rules).every((rule) =>
            arrayInput(rule.filters).some((filter) => arrayInput(objectInput(filter.responseHeaderModifier)?.set).some((header) => String(header.name).toLowerCase() === config.siteHeader)),
        )
            ? []
            : [`a rule does not set ${config.siteHeader}`],
});

export const k8sHelmPinned = resourceRule({
    name: "k8s-helm-chart-pinned",
    description: "Helm releases pin their chart version.",
    severity: "medium",
    remediation: "Set version on the release to an exact chart version.",
    controls: { pciDss: ["6.3.2"], soc2: ["CC8.1"] },
    types: ["kubernetes:helm.sh/v3:Release"],
    check: ({ props }) => (/^v?\d+\.\d+\.\d+$/.test(String(props.version ?? "")) ? [] : [`chart ${String(props.chart)} is not pinned to an exact version`]),
});

export const k8sZoneSpread = resourceRule({
    name: "k8s-zone-spread",
    description: "Deployments spread their pods across zones.",
    severity: "medium",
    remediation: "Add a topologySpreadConstraint on topology.kubernetes.io/zone.",
    controls: { soc2: ["A1.2"] },
    types: ["kubernetes:apps/v1:Deployment"],
    check: (resource) =>
        arrayInput(podOf(resource)?.pod.topologySpreadConstraints).some((constraint) => constraint.topologyKey === "topology.kubernetes.io/zone") ? [] : ["pods are not spread across zones"],
});

export const k8sAutoscalerMetric = resourceRule({
    name: "k8s-autoscaler-has-metric",
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
