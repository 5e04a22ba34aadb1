import { arrayInput, objectInput } from "./props";
import { resourceRule, type CheckedResource } from "./rules";

/** Every pod-bearing kind and where each keeps its pod spec: pod rules apply to all of them. */
const WORKLOADS: Readonly<Record<string, (spec: Record<string, unknown>) => Record<string, unknown> | undefined>> = {
    "kubernetes:core/v1:Pod": (spec) => spec,
    "kubernetes:apps/v1:ReplicaSet": (spec) => objectInput(objectInput(spec.template)?.spec),
    "kubernetes:apps/v1:Deployment": (spec) => objectInput(objectInput(spec.template)?.spec),
    "kubernetes:apps/v1:StatefulSet": (spec) => objectInput(objectInput(spec.template)?.spec),
    "kubernetes:apps/v1:DaemonSet": (spec) => objectInput(objectInput(spec.template)?.spec),
    "kubernetes:batch/v1:Job": (spec) => objectInput(objectInput(spec.template)?.spec),
    "kubernetes:batch/v1:CronJob": (spec) => objectInput(objectInput(objectInput(objectInput(spec.jobTemplate)?.spec)?.template)?.spec),
};

export const WORKLOAD_TYPES = Object.keys(WORKLOADS);

interface Container {
    readonly name: string;
    readonly spec: Record<string, unknown>;
    readonly context: Record<string, unknown>;
}

/** The pod spec of a workload, and its containers (init containers too). */
export function podOf(resource: CheckedResource): { pod: Record<string, unknown>; containers: Container[] } | undefined {
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
export function containerRule(
    info: Omit<Parameters<typeof resourceRule>[0], "types" | "check"> & {
        check: (container: Container, pod: Record<string, unknown>) => string | undefined;
    },
) {
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

export const podContext = (pod: Record<string, unknown>) => objectInput(pod.securityContext) ?? {};
