import { arrayInput, asList, objectInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";
import { WORKLOAD_TYPES, containerRule, podContext, podOf } from "../../lib/workloads";

export const k8sRunAsNonRoot = containerRule({
    name: "k8s-run-as-non-root",
    pack: "security",
    description: "Containers run as a non-root user.",
    severity: "high",
    remediation: "Set securityContext.runAsNonRoot: true (and a runAsUser) on the pod or the container.",
    controls: { pciDss: ["2.2.1", "7.2.1"], soc2: ["CC6.1", "CC6.8"] },
    check: (container, pod) => ((container.context.runAsNonRoot ?? podContext(pod).runAsNonRoot) === true ? undefined : "may run as root"),
});

export const k8sReadOnlyRootFilesystem = containerRule({
    name: "k8s-read-only-root-filesystem",
    pack: "security",
    description: "Containers cannot write to their image's filesystem; scratch space is an explicit volume.",
    severity: "medium",
    remediation: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes.",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.8"] },
    check: (container) => (container.context.readOnlyRootFilesystem === true ? undefined : "the root filesystem is writable"),
});

export const k8sNoPrivilegeEscalation = containerRule({
    name: "k8s-no-privilege-escalation",
    pack: "security",
    description: "Containers cannot gain more privileges than they start with.",
    severity: "high",
    remediation: "Set securityContext.allowPrivilegeEscalation: false.",
    controls: { pciDss: ["2.2.1", "7.2.1"], soc2: ["CC6.1"] },
    check: (container) => (container.context.allowPrivilegeEscalation === false ? undefined : "privilege escalation is allowed"),
});

export const k8sNoPrivileged = containerRule({
    name: "k8s-not-privileged",
    pack: "security",
    description: "No container runs privileged: it would be root on the node.",
    severity: "critical",
    remediation: "Remove securityContext.privileged, or set it to false.",
    controls: { pciDss: ["2.2.1", "7.2.1"], soc2: ["CC6.1", "CC6.8"] },
    check: (container) => (container.context.privileged === true ? "runs privileged" : undefined),
});

export const k8sDropAllCapabilities = containerRule({
    name: "k8s-drop-all-capabilities",
    pack: "security",
    description: "Containers drop every Linux capability and add back none but NET_BIND_SERVICE (the restricted Pod Security Standard).",
    severity: "medium",
    remediation: "Set securityContext.capabilities.drop: [ALL]; add back at most NET_BIND_SERVICE.",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.8"] },
    check: (container) => {
        const capabilities = objectInput(container.context.capabilities) ?? {};
        const added = asList(capabilities.add).filter((capability) => capability !== "NET_BIND_SERVICE");
        const problems = [
            ...(asList(capabilities.drop).includes("ALL") ? [] : ["does not drop all capabilities"]),
            ...(added.length > 0 ? [`adds ${added.join(", ")}`] : []),
        ];
        return problems.length > 0 ? problems.join("; ") : undefined;
    },
});

export const k8sSeccompRuntimeDefault = containerRule({
    name: "k8s-seccomp-runtime-default",
    pack: "security",
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
    pack: "security",
    description: "Every container declares CPU and memory requests and limits, so one workload cannot starve the node.",
    severity: "medium",
    remediation: "Set resources.requests and resources.limits for cpu and memory.",
    controls: { soc2: ["A1.2", "CC6.8"] },
    check: (container) => {
        const resources = objectInput(container.spec.resources) ?? {};
        const missing = ["requests", "limits"].flatMap((kind) =>
            ["cpu", "memory"]
                .filter((resource) => objectInput(resources[kind])?.[resource] === undefined)
                .map((resource) => `${kind}.${resource}`),
        );
        return missing.length > 0 ? `missing ${missing.join(", ")}` : undefined;
    },
});

export const k8sImagePinned = containerRule({
    name: "k8s-image-pinned",
    pack: "security",
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
        return tag && /^v?\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$/.test(tag)
            ? undefined
            : `image ${image} is not pinned to a version or digest`;
    },
});

export const k8sNoLiteralSecrets = containerRule({
    name: "k8s-no-literal-secret-env",
    pack: "security",
    description: "No environment variable carries a credential as a literal value; secrets come from the cloud secret store.",
    severity: "critical",
    remediation: "Mount the secret through the Secrets Store CSI driver (or reference a Secret) instead of a literal value.",
    controls: { pciDss: ["3.5.1", "8.3.1"], soc2: ["CC6.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    check: (container) => {
        const literal = arrayInput(container.spec.env).filter(
            (variable) =>
                /(PASSWORD|PASSWD|_TOKEN|API_KEY|SECRET_KEY|CLIENT_SECRET|PRIVATE_KEY)$/i.test(String(variable.name)) &&
                variable.value !== undefined,
        );
        return literal.length > 0 ? `literal value in ${literal.map((variable) => String(variable.name)).join(", ")}` : undefined;
    },
});

export const k8sNoHostNamespaces = resourceRule({
    name: "k8s-no-host-namespaces",
    pack: "security",
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
    pack: "security",
    description: "Pods that never call the Kubernetes API get no API token mounted.",
    severity: "medium",
    remediation: "Set automountServiceAccountToken: false on the pod spec (cloud identity tokens are projected separately).",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"] },
    types: WORKLOAD_TYPES,
    check: (resource) => (podOf(resource)?.pod.automountServiceAccountToken === false ? [] : ["mounts a Kubernetes API token"]),
});

export const k8sNoHostPath = resourceRule({
    name: "k8s-no-host-path",
    pack: "security",
    description: "Pods mount no directory of the node (hostPath): a container that can write the node's files can take the node.",
    severity: "high",
    remediation:
        "Use an emptyDir, a ConfigMap, a Secret (through the Secrets Store CSI driver) or a persistent volume claim instead of hostPath.",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.1", "CC6.8"] },
    types: WORKLOAD_TYPES,
    check: (resource) =>
        arrayInput(podOf(resource)?.pod.volumes)
            .filter((volume) => objectInput(volume.hostPath))
            .map((volume) => `volume ${String(volume.name)} mounts the node's ${String(objectInput(volume.hostPath)?.path)}`),
});
