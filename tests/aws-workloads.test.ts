import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_AUTOSCALER_CHART, METRICS_SERVER_CHART } from "../components/aws/eks";
import { KUBERNETES_API_SERVICE_CIDR } from "../model/addressing";
import { DEV_HEADROOM, EKS_CLUSTER_SYSTEM_PODS, EKS_PER_NODE_SYSTEM_PODS, eksNodeAllocatable } from "../components/aws/nodeCapacity";
import { colourStates } from "../components/kubernetes/blueGreen";
import {
    amounts,
    cpuMillicores,
    memoryMebibytes,
    ROLLOUT_SURGE,
    scaleAmounts,
    sumAmounts,
    type ResourceAmounts,
} from "../components/kubernetes/capacity";
import { HubService } from "../components/kubernetes/hubService";
import {
    ENVOY_GATEWAY_CHART,
    ENVOY_GATEWAY_CONTROLLER_REQUESTS,
    GATEWAY_CRDS_CHART,
    GATEWAY_NAMESPACE,
    HEALTH_LISTENER,
    HUB_NAMESPACE,
} from "../components/kubernetes/hubWorkloads";
import { HUB_SERVICE_SPECS, HUB_SERVICES } from "../stacks/services";
import { type PlannedResource, type StackPlan } from "../tools/plan/planner";
import { one, resourceNamed, resourcesOfType, sharedPlan } from "./helpers";

const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RELEASE = "kubernetes:helm.sh/v3:Release";

const metadata = (resource: PlannedResource) => resource.inputs.metadata as { name: string; namespace?: string };
const spec = (resource: PlannedResource) => resource.inputs.spec as Record<string, any>;

/** The resources a plan deploys to the EKS cluster (an all-in-one plan also holds the AKS ones). */
function onEks(plan: StackPlan, type: string): PlannedResource[] {
    const eksProvider = plan.resources.find((resource) => resource.type === "pulumi:providers:kubernetes" && resource.name === "aws-site")!;
    return resourcesOfType(plan, type).filter((resource) => resource.provider === eksProvider.urn);
}

describe("the hub's workloads on EKS, as a real cluster runs them", () => {
    let prod: StackPlan;
    let dev: StackPlan;
    before(async () => {
        prod = await sharedPlan("prod-aws");
        dev = await sharedPlan("dev");
    });

    it("answers the ALB's health check on any Host: a hostname-free listener with only the health route", () => {
        const gateway = one(prod, "kubernetes:gateway.networking.k8s.io/v1:Gateway");
        const listeners = spec(gateway).listeners as { name: string; hostname?: string }[];
        assert.deepEqual(
            listeners.map((listener) => [listener.name, listener.hostname]),
            [
                ["http", "aws-origin.trade.example.com"],
                [HEALTH_LISTENER, undefined],
            ],
        );
        const routes = resourcesOfType(prod, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
        const health = routes.filter((route) => spec(route).parentRefs[0].sectionName === HEALTH_LISTENER);
        assert.deepEqual(
            health.map((route) => metadata(route).name),
            ["health"],
            "nothing else is reachable without the hostname",
        );
        const targetGroup = resourceNamed(prod, "aws:lb/targetGroup:TargetGroup", "aws-origin");
        assert.deepEqual(spec(health[0]).rules[0].matches, [
            { path: { type: "Exact", value: (targetGroup.inputs.healthCheck as { path: string }).path } },
        ]);
        assert.deepEqual(
            spec(health[0]).rules[0].backendRefs.map((ref: { name: string }) => ref.name),
            ["web-blue", "web-green"],
        );
        assert.equal(spec(health[0]).hostnames, undefined);
    });

    it("admits the API server's ClusterIP from the gateway's namespace, now that NetworkPolicies are enforced", () => {
        const policy = onEks(prod, POLICY).find((candidate) => metadata(candidate).name === "allow-to-api-server")!;
        const cidrs = spec(policy).egress[0].to.map((peer: { ipBlock: { cidr: string } }) => peer.ipBlock.cidr);
        assert.deepEqual(cidrs, ["10.100.0.0/16", KUBERNETES_API_SERVICE_CIDR]);
        assert.equal(KUBERNETES_API_SERVICE_CIDR, "172.20.0.1/32");
    });

    it("lets the web tier alone reach S3 through the gateway endpoint's address ranges", () => {
        const policy = onEks(prod, POLICY).find((candidate) => metadata(candidate).name === "allow-to-object-store")!;
        assert.equal(metadata(policy).namespace, HUB_NAMESPACE);
        assert.deepEqual(spec(policy).podSelector.matchExpressions[0].values, ["web"]);
        assert.deepEqual(spec(policy).egress[0].ports, [{ protocol: "TCP", port: 443 }]);
        const s3Endpoint = resourcesOfType(prod, "aws:ec2/vpcEndpoint:VpcEndpoint").find(
            (endpoint) => endpoint.inputs.vpcEndpointType === "Gateway",
        )!;
        assert.deepEqual(policy.propertyDependencies.spec, [s3Endpoint.urn], "the ranges are the endpoint's own (its prefix list's CIDRs)");
    });

    it("sizes the trading-hub quota for both colours at their maximum, mid-rollout", () => {
        const quota = onEks(prod, "kubernetes:core/v1:ResourceQuota").find((candidate) => metadata(candidate).namespace === HUB_NAMESPACE)!;
        const hard = spec(quota).hard as Record<string, string>;
        const podsAtMost = HUB_SERVICES.map((service) => 2 * Math.ceil(HUB_SERVICE_SPECS[service].maxReplicas * (1 + ROLLOUT_SURGE)));
        // web 2x15, api 2x30, market-data 2x30, worker 2x10 pods.
        assert.deepEqual(podsAtMost, [30, 60, 60, 20]);
        assert.equal(hard.pods, "170");
        // Requests: 30x250m + 60x500m + 60x500m + 20x250m = 72500m; memory 30x256 + 60x512 + 60x512 + 20x512 Mi = 79360Mi.
        assert.deepEqual([cpuMillicores(hard["requests.cpu"]), memoryMebibytes(hard["requests.memory"])], [72500, 79360]);
        assert.deepEqual(
            [cpuMillicores(hard["limits.cpu"]), memoryMebibytes(hard["limits.memory"])],
            [30 * 1000 + 60 * 2000 + 60 * 2000 + 20 * 1000, 30 * 512 + 60 * 1024 + 60 * 1024 + 20 * 1024],
        );
    });

    it("installs the Gateway API CRDs from their own release, pinned to the controller's version, so upgrades move them", () => {
        const releases = onEks(prod, RELEASE);
        const crds = releases.find((release) => release.inputs.name === "gateway-crds")!;
        const controller = releases.find((release) => release.inputs.name === "envoy-gateway")!;
        assert.deepEqual([crds.inputs.chart, crds.inputs.version], [GATEWAY_CRDS_CHART.chart, ENVOY_GATEWAY_CHART.version]);
        assert.deepEqual((crds.inputs.values as any).crds, {
            gatewayAPI: { enabled: true, channel: "standard" },
            envoyGateway: { enabled: true },
        });
        assert.equal(controller.inputs.skipCrds, true, "Helm never upgrades a chart's crds/ folder");
        assert.ok(controller.dependencies.includes(crds.urn));
    });

    it("keeps the serving colour's replicas in the manifest, at the minimum the autoscaler starts from", async () => {
        const serving = await sharedPlan("prod-aws", { "prod-aws": { "crypto-beacon:hubCandidateWeight": "10" } });
        for (const deployment of onEks(serving, "kubernetes:apps/v1:Deployment").filter(
            (candidate) => metadata(candidate).namespace === HUB_NAMESPACE,
        )) {
            const service = metadata(deployment).name.replace(/-(blue|green)$/, "") as keyof typeof HUB_SERVICE_SPECS;
            assert.equal(spec(deployment).replicas, HUB_SERVICE_SPECS[service].minReplicas, metadata(deployment).name);
        }
    });

    it("fits dev at its minimum node count with 25% headroom: both colours, the gateway, the charts and the system pods", () => {
        const nodeGroup = one(dev, "aws:eks/nodeGroup:NodeGroup").inputs as { instanceTypes: string[]; scalingConfig: { minSize: number } };
        const nodes = nodeGroup.scalingConfig.minSize;
        const node = eksNodeAllocatable(nodeGroup.instanceTypes[0]);
        // t3.large: 2000m - 70m reserved = 1930m; 8192Mi - (255 + 11x35 + 100)Mi = 7452Mi; two nodes at least.
        assert.deepEqual([nodes, node.cpuMillicores, node.memoryMebibytes], [2, 1930, 7452]);

        const pods: { what: string; count: number; requests: ResourceAmounts }[] = [];
        for (const deployment of onEks(dev, "kubernetes:apps/v1:Deployment")) {
            const container = spec(deployment).template.spec.containers[0];
            pods.push({
                what: metadata(deployment).name,
                count: spec(deployment).replicas,
                requests: amounts(container.resources.requests),
            });
        }
        const [proxy] = onEks(dev, "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy");
        const envoy = spec(proxy).provider.kubernetes.envoyDeployment;
        pods.push({ what: "envoy proxy", count: envoy.replicas, requests: amounts(envoy.container.resources.requests) });
        const release = (name: string) => onEks(dev, RELEASE).find((candidate) => candidate.inputs.name === name)!.inputs.values as any;
        pods.push({
            what: "envoy gateway",
            count: release("envoy-gateway").deployment.replicas,
            requests: amounts(release("envoy-gateway").deployment.envoyGateway.resources.requests),
        });
        pods.push({
            what: "metrics-server",
            count: release("metrics-server").replicas,
            requests: amounts(release("metrics-server").resources.requests),
        });
        pods.push({
            what: "cluster-autoscaler",
            count: release("cluster-autoscaler").replicaCount,
            requests: amounts(release("cluster-autoscaler").resources.requests),
        });
        const systemPods = nodes * EKS_PER_NODE_SYSTEM_PODS.pods + EKS_CLUSTER_SYSTEM_PODS.pods;
        const systemRequests = sumAmounts([scaleAmounts(EKS_PER_NODE_SYSTEM_PODS.requests, nodes), EKS_CLUSTER_SYSTEM_PODS.requests]);

        // Hub: 2 colours x (50 + 100 + 100 + 50)m = 600m and 2 x (128 + 256 + 256 + 128)Mi = 1536Mi.
        const hub = sumAmounts(pods.filter((pod) => /-(blue|green)$/.test(pod.what)).map((pod) => scaleAmounts(pod.requests, pod.count)));
        assert.deepEqual(hub, { cpuMillicores: 600, memoryMebibytes: 1536 });
        // Everything: hub 600m + proxy 100m + controller 100m + metrics-server 100m + autoscaler 100m
        // + CoreDNS 200m + 2 x 300m per node = 1800m of 3860m; memory 3584Mi of 14904Mi.
        const requested = sumAmounts([...pods.map((pod) => scaleAmounts(pod.requests, pod.count)), systemRequests]);
        const allocatable = scaleAmounts(node, nodes);
        assert.deepEqual(requested, { cpuMillicores: 1800, memoryMebibytes: 3584 });
        assert.ok(
            requested.cpuMillicores <= (1 - DEV_HEADROOM) * allocatable.cpuMillicores,
            `${requested.cpuMillicores}m of ${allocatable.cpuMillicores}m`,
        );
        assert.ok(
            requested.memoryMebibytes <= (1 - DEV_HEADROOM) * allocatable.memoryMebibytes,
            `${requested.memoryMebibytes}Mi of ${allocatable.memoryMebibytes}Mi`,
        );
        const podCount = pods.reduce((total, pod) => total + pod.count, 0) + systemPods;
        assert.ok(podCount <= nodes * node.pods, `${podCount} pods of ${nodes * node.pods}`);
        // The chart pods' requests are the pinned charts' own, set explicitly.
        assert.deepEqual(
            [release("metrics-server").resources.requests, release("cluster-autoscaler").resources.requests],
            [METRICS_SERVER_CHART.requests, CLUSTER_AUTOSCALER_CHART.requests],
        );
        assert.deepEqual(release("envoy-gateway").deployment.envoyGateway.resources.requests, ENVOY_GATEWAY_CONTROLLER_REQUESTS);
    });

    it("names the gateway namespace it routes from", () => {
        assert.equal(
            spec(one(prod, "kubernetes:gateway.networking.k8s.io/v1:Gateway")).listeners[1].allowedRoutes.namespaces.selector.matchLabels[
                "kubernetes.io/metadata.name"
            ],
            HUB_NAMESPACE,
        );
        assert.equal(metadata(one(prod, "kubernetes:gateway.networking.k8s.io/v1:Gateway")).namespace, GATEWAY_NAMESPACE);
    });
});

describe("a serving colour's replica count belongs to its autoscaler", () => {
    const ignored: Record<string, string[] | undefined> = {};
    before(async () => {
        await pulumi.runtime.setMocks({
            newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
            call: () => assert.fail("HubService invokes nothing"),
        });
        const colours = colourStates({
            liveColour: "blue",
            candidateWeight: 0,
            idleColour: "warm",
            tags: { blue: "1.0.0", green: "1.1.0" },
        });
        new HubService(
            "api",
            {
                service: "api",
                namespace: HUB_NAMESPACE,
                site: "aws",
                spec: HUB_SERVICE_SPECS.api,
                cloud: {
                    serviceAccountAnnotations: {},
                    podLabels: {},
                    secretProvider: { provider: "aws", parameters: {} },
                    imageRepository: "registry/api",
                },
                colours,
                capacity: "active",
            },
            {
                transformations: [
                    (args) => {
                        if (args.type === "kubernetes:apps/v1:Deployment") {
                            ignored[args.name] = args.opts.ignoreChanges;
                        }
                        return undefined;
                    },
                ],
            },
        );
    });

    it("ignores changes to spec.replicas while serving, and sets them while warm", () => {
        assert.deepEqual(ignored, { "api-blue": ["spec.replicas"], "api-green": [] });
    });
});
