import { CAPACITY, CHART_REQUESTS, INSTANCE_TYPES, type Site } from "../../../model/intent";
import { azureName, list, object, type PlanView } from "./plan";
import { siteView, sitesIn } from "./reachability";
import { verdict, type Verdict } from "./verdict";

/** CPU in millicores and memory in MiB. */
export interface Resources {
    readonly cpuMilli: number;
    readonly memoryMiB: number;
}

/** A Kubernetes quantity (`250m`, `2`, `512Mi`, `1Gi`, `1G`) in millicores or MiB. */
export function parseQuantity(value: unknown, kind: "cpu" | "memory"): number {
    const match = /^([\d.]+)([a-zA-Z]*)$/.exec(String(value ?? "0"));
    if (!match) {
        return 0;
    }
    const amount = Number(match[1]);
    if (kind === "cpu") {
        return match[2] === "m" ? amount : amount * 1000;
    }
    const toMiB: Record<string, number> = {
        "": 1 / (1024 * 1024),
        Ki: 1 / 1024,
        Mi: 1,
        Gi: 1024,
        Ti: 1024 * 1024,
        k: 1000 / (1024 * 1024),
        M: 1e6 / (1024 * 1024),
        G: 1e9 / (1024 * 1024),
    };
    return amount * (toMiB[match[2]] ?? 0);
}

interface Pool {
    readonly name: string;
    readonly urn: string;
    readonly minNodes: number;
    readonly instanceType: string;
    /** Pools tainted for system add-ons take none of our workloads. */
    readonly workloads: boolean;
    readonly autoscaled: boolean;
}

function pools(view: PlanView, site: Site): Pool[] {
    if (site === "aws") {
        return view.ofType("aws:eks/nodeGroup:NodeGroup").map((group) => {
            const scaling = object(group.props.scalingConfig);
            const types = list<string>(group.props.instanceTypes);
            // A pool of several types may get the smallest of them: size for that one.
            const smallest =
                [...types].sort((left, right) => (INSTANCE_TYPES[left]?.vcpu ?? 0) - (INSTANCE_TYPES[right]?.vcpu ?? 0))[0] ??
                String(group.props.instanceType ?? "t3.medium");
            const tainted = list(group.props.taints).some((taint) => taint.effect === "NO_SCHEDULE");
            return {
                name: group.name,
                urn: group.urn,
                minNodes: Number(scaling.minSize ?? scaling.desiredSize ?? 1),
                instanceType: smallest,
                workloads: !tainted,
                autoscaled: false,
            };
        });
    }
    const cluster = view.ofType("azure-native:containerservice:ManagedCluster")[0];
    const inline = list(cluster?.props.agentPoolProfiles).map((profile) => ({ profile, name: String(profile.name), urn: cluster!.urn }));
    const separate = view
        .ofType("azure-native:containerservice:AgentPool")
        .map((pool) => ({ profile: pool.props, name: azureName(pool), urn: pool.urn }));
    return [...inline, ...separate].map(({ profile, name, urn }) => ({
        name,
        urn,
        minNodes: Number(profile.enableAutoScaling ? profile.minCount : (profile.count ?? 1)),
        instanceType: String(profile.vmSize),
        workloads: !list<string>(profile.nodeTaints).some((taint) => /:NoSchedule$/.test(taint)),
        autoscaled: profile.enableAutoScaling === true,
    }));
}

interface Workload {
    readonly name: string;
    readonly namespace: string;
    readonly perPod: Resources;
    readonly limits: Resources;
    readonly minReplicas: number;
    readonly maxReplicas: number;
}

function podRequests(podSpec: Record<string, unknown>, field: "requests" | "limits"): Resources {
    const containers = list(podSpec.containers);
    return {
        cpuMilli: containers.reduce((sum, container) => sum + parseQuantity(object(object(container.resources)[field]).cpu, "cpu"), 0),
        memoryMiB: containers.reduce(
            (sum, container) => sum + parseQuantity(object(object(container.resources)[field]).memory, "memory"),
            0,
        ),
    };
}

/** Our Deployments and CronJobs, with their replicas at the minimum (what runs) and at the maximum (what quotas must hold). */
export function workloads(view: PlanView): Workload[] {
    const autoscalers = view
        .ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
        .map((hpa) => ({ metadata: object(hpa.props.metadata), spec: object(hpa.props.spec) }));
    const deployments = view.ofType("kubernetes:apps/v1:Deployment").map((deployment) => {
        const metadata = object(deployment.props.metadata);
        const spec = object(deployment.props.spec);
        const podSpec = object(object(spec.template).spec);
        const hpa = autoscalers.find(
            (candidate) =>
                candidate.metadata.namespace === metadata.namespace && object(candidate.spec.scaleTargetRef).name === metadata.name,
        );
        // A Deployment without replicas runs one until its autoscaler acts (apps/v1 defaulting).
        const replicas = spec.replicas === undefined ? 1 : Number(spec.replicas);
        return {
            name: String(metadata.name ?? deployment.name),
            namespace: String(metadata.namespace ?? "default"),
            perPod: podRequests(podSpec, "requests"),
            limits: podRequests(podSpec, "limits"),
            minReplicas: hpa ? Number(hpa.spec.minReplicas ?? 1) : replicas,
            maxReplicas: hpa ? Number(hpa.spec.maxReplicas) : replicas,
        };
    });
    const cronJobs = view.ofType("kubernetes:batch/v1:CronJob").map((job) => {
        const metadata = object(job.props.metadata);
        const podSpec = object(object(object(object(object(job.props.spec).jobTemplate).spec).template).spec);
        return {
            name: String(metadata.name ?? job.name),
            namespace: String(metadata.namespace ?? "default"),
            perPod: podRequests(podSpec, "requests"),
            limits: podRequests(podSpec, "limits"),
            minReplicas: 1,
            maxReplicas: 1,
        };
    });
    return [...deployments, ...cronJobs];
}

/** The charts and add-ons installed on the site, with their declared requests and replicas. */
function installedCharts(view: PlanView, site: Site, nodes: number): (Workload & { chart: string })[] {
    const releases = view.ofType("kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart");
    const addons = view.ofType("aws:eks/addon:Addon").map((addon) => String(addon.props.addonName));
    return CHART_REQUESTS.filter((chart) => chart.site === "both" || chart.site === site).flatMap((chart) => {
        const release = releases.find((candidate) => String(candidate.props.chart ?? "").includes(chart.chart));
        if (!release && !addons.includes(chart.chart)) {
            return [];
        }
        const configured = object(object(release?.props.values).deployment).replicas;
        const replicas = chart.replicas === "per-node" ? nodes : configured !== undefined ? Number(configured) : chart.replicas;
        const perPod = { cpuMilli: chart.cpuMilli, memoryMiB: chart.memoryMiB };
        return [
            {
                chart: chart.chart,
                name: chart.chart,
                namespace: String(release?.props.namespace ?? "kube-system"),
                perPod,
                limits: perPod,
                minReplicas: replicas,
                maxReplicas: chart.replicas === "per-node" ? replicas : replicas,
            },
        ];
    });
}

const total = (items: readonly Workload[], replicas: (item: Workload) => number, field: "perPod" | "limits" = "perPod"): Resources => ({
    cpuMilli: items.reduce((sum, item) => sum + item[field].cpuMilli * replicas(item), 0),
    memoryMiB: items.reduce((sum, item) => sum + item[field].memoryMiB * replicas(item), 0),
});

/**
 * Capacity of each site: at the pools' minimum sizes our workloads at their minimum replicas,
 * plus the charts and add-ons we install, fit with the model's headroom; every pod fits one node;
 * quotas hold every workload at its maximum replicas; every HPA has a metrics source; every pool
 * can grow.
 */
export function evaluateCapacity(whole: PlanView): Verdict[] {
    return sitesIn(whole).flatMap((site) => {
        const view = siteView(whole, site);
        const sitePools = pools(view, site);
        const workloadPools = sitePools.filter((pool) => pool.workloads);
        const cluster = view.ofType(site === "aws" ? "aws:eks/cluster:Cluster" : "azure-native:containerservice:ManagedCluster")[0];
        const verdicts: Verdict[] = [];

        const nodes = workloadPools.reduce((sum, pool) => sum + pool.minNodes, 0);
        const ours = workloads(view);
        const charts = installedCharts(view, site, nodes);
        const unknownTypes = workloadPools.filter((pool) => !INSTANCE_TYPES[pool.instanceType]);
        const capacity = workloadPools.reduce(
            (sum, pool) => ({
                cpuMilli: sum.cpuMilli + pool.minNodes * (INSTANCE_TYPES[pool.instanceType]?.vcpu ?? 0) * 1000,
                memoryMiB: sum.memoryMiB + pool.minNodes * (INSTANCE_TYPES[pool.instanceType]?.memoryGiB ?? 0) * 1024,
            }),
            { cpuMilli: 0, memoryMiB: 0 },
        );
        const usable = { cpuMilli: capacity.cpuMilli * (1 - CAPACITY.headroom), memoryMiB: capacity.memoryMiB * (1 - CAPACITY.headroom) };
        const needed = total([...ours, ...charts], (item) => item.minReplicas);
        const fitProblems = [
            ...unknownTypes.map(
                (pool) =>
                    `pool ${pool.name}: instance type ${pool.instanceType} is not in the model's catalog (model/intent.ts INSTANCE_TYPES)`,
            ),
            ...(workloadPools.length === 0 ? ["no node pool takes the workloads"] : []),
            ...(needed.cpuMilli > usable.cpuMilli
                ? [
                      `CPU: ${needed.cpuMilli}m requested at minimum replicas, ${Math.floor(usable.cpuMilli)}m usable on ${nodes} node(s) at minimum with ${CAPACITY.headroom * 100}% headroom`,
                  ]
                : []),
            ...(needed.memoryMiB > usable.memoryMiB
                ? [
                      `memory: ${Math.ceil(needed.memoryMiB)}Mi requested at minimum replicas, ${Math.floor(usable.memoryMiB)}Mi usable on ${nodes} node(s) at minimum with ${CAPACITY.headroom * 100}% headroom`,
                  ]
                : []),
        ];
        const by = [
            `${nodes} node(s) at minimum: ${workloadPools.map((pool) => `${pool.name} ${pool.minNodes} × ${pool.instanceType}`).join(", ")}`,
            `requests ${needed.cpuMilli}m CPU, ${Math.ceil(needed.memoryMiB)}Mi (ours and ${charts.map((chart) => chart.chart).join(", ") || "no charts"})`,
        ];
        verdicts.push(verdict("workloads-fit-at-minimum", site, by, fitProblems, workloadPools[0]?.urn ?? cluster?.urn));

        for (const quota of view.ofType("kubernetes:core/v1:ResourceQuota")) {
            const namespace = String(object(quota.props.metadata).namespace);
            const hard = object(object(quota.props.spec).hard);
            const inNamespace = [...ours, ...charts].filter((item) => item.namespace === namespace);
            const atMax = total(inNamespace, (item) => item.maxReplicas);
            const limitsAtMax = total(inNamespace, (item) => item.maxReplicas, "limits");
            const pods = inNamespace.reduce((sum, item) => sum + item.maxReplicas, 0);
            const problems = [
                ...(hard["requests.cpu"] !== undefined && atMax.cpuMilli > parseQuantity(hard["requests.cpu"], "cpu")
                    ? [`requests.cpu ${String(hard["requests.cpu"])} < ${atMax.cpuMilli}m at maximum replicas`]
                    : []),
                ...(hard["requests.memory"] !== undefined && atMax.memoryMiB > parseQuantity(hard["requests.memory"], "memory")
                    ? [`requests.memory ${String(hard["requests.memory"])} < ${Math.ceil(atMax.memoryMiB)}Mi at maximum replicas`]
                    : []),
                ...(hard["limits.cpu"] !== undefined && limitsAtMax.cpuMilli > parseQuantity(hard["limits.cpu"], "cpu")
                    ? [`limits.cpu ${String(hard["limits.cpu"])} < ${limitsAtMax.cpuMilli}m at maximum replicas`]
                    : []),
                ...(hard["limits.memory"] !== undefined && limitsAtMax.memoryMiB > parseQuantity(hard["limits.memory"], "memory")
                    ? [`limits.memory ${String(hard["limits.memory"])} < ${Math.ceil(limitsAtMax.memoryMiB)}Mi at maximum replicas`]
                    : []),
                ...(hard.pods !== undefined && pods > Number(hard.pods) ? [`pods ${String(hard.pods)} < ${pods} at maximum replicas`] : []),
            ];
            verdicts.push(
                verdict(
                    `quota-covers-maximum-${namespace}`,
                    site,
                    [`ResourceQuota ${namespace}: ${pods} pods, ${atMax.cpuMilli}m CPU at maximum replicas`],
                    problems.map((problem) => `quota of ${namespace}: ${problem}`),
                    quota.urn,
                ),
            );
        }

        const metricsServer =
            site === "azure" ||
            installedCharts(view, site, 0).some((chart) => chart.chart === "metrics-server") ||
            view.ofType("aws:eks/addon:Addon").some((addon) => addon.props.addonName === "metrics-server");
        for (const hpa of view.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")) {
            const kinds = list(object(hpa.props.spec).metrics).map((metric) => String(metric.type));
            const needsResourceMetrics = kinds.length === 0 || kinds.some((kind) => kind === "Resource" || kind === "ContainerResource");
            const problems =
                needsResourceMetrics && !metricsServer
                    ? [
                          `HorizontalPodAutoscaler ${hpa.name} scales on resource metrics but the cluster has no metrics-server (add-on or chart)`,
                      ]
                    : [];
            const others = kinds.filter((kind) => kind === "Pods" || kind === "Object" || kind === "External");
            verdicts.push(
                verdict(
                    `autoscaler-has-metrics-${hpa.name}`,
                    site,
                    [site === "azure" ? "AKS runs metrics-server" : "metrics-server installed"],
                    [
                        ...problems,
                        ...others.map(
                            (kind) => `HorizontalPodAutoscaler ${hpa.name} scales on ${kind} metrics, which no adapter in the plan serves`,
                        ),
                    ],
                    hpa.urn,
                ),
            );
        }

        const autoscaler =
            site === "aws"
                ? installedCharts(view, site, 0).some((chart) => chart.chart === "cluster-autoscaler") ||
                  view.ofType("kubernetes:helm.sh/v3:Release").some((release) => String(release.props.chart).includes("karpenter"))
                : true;
        const fixedPools = sitePools.filter((pool) => (site === "aws" ? !autoscaler : !pool.autoscaled));
        verdicts.push(
            verdict(
                "node-pools-autoscale",
                site,
                [site === "aws" ? "cluster-autoscaler or Karpenter installed" : "every pool has the cluster autoscaler on"],
                fixedPools.map((pool) =>
                    site === "aws"
                        ? `node group ${pool.name} has no node autoscaler (no cluster-autoscaler or Karpenter in the plan)`
                        : `agent pool ${pool.name} has enableAutoScaling off`,
                ),
                fixedPools[0]?.urn,
            ),
        );
        return verdicts;
    });
}
