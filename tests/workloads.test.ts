import * as assert from "node:assert/strict";
import { readStackOutputs } from "../model/contracts";
import { colourStates, type BlueGreenRelease } from "../components/kubernetes/blueGreen";
import { GATEWAY_NAMESPACE, HUB_NAMESPACE } from "../components/kubernetes/hubWorkloads";
import { type PlannedResource, type StackPlan } from "../tools/plan/planner";
import { HUB_SERVICE_SPECS, HUB_SERVICES } from "../stacks/services";
import { assertPlanFails, one, providerOf, resourcesOfType, sharedPlan } from "./helpers";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

type Container = Record<string, any>;

function metadataName(resource: PlannedResource): string {
    return String((resource.inputs.metadata as { name: string }).name);
}

function deployments(plan: StackPlan): PlannedResource[] {
    return resourcesOfType(plan, DEPLOYMENT).filter(
        (resource) => (resource.inputs.metadata as { namespace?: string }).namespace === HUB_NAMESPACE,
    );
}

function podSpec(deployment: PlannedResource): Record<string, any> {
    return (deployment.inputs.spec as { template: { spec: Record<string, any> } }).template.spec;
}

function routeWeights(plan: StackPlan, service: string): Record<string, number> {
    const route = resourcesOfType(plan, ROUTE).find((resource) => metadataName(resource) === service)!;
    const rules = (route.inputs.spec as { rules: { backendRefs: { name: string; weight: number }[] }[] }).rules;
    return Object.fromEntries(rules[0].backendRefs.map((ref) => [ref.name, ref.weight]));
}

function planSite(stack: "prod-aws" | "prod-azure", config: Record<string, string> = {}): Promise<StackPlan> {
    const overrides = Object.fromEntries(Object.entries(config).map(([key, value]) => [`crypto-beacon:${key}`, value]));
    return sharedPlan(stack, { [stack]: overrides });
}

describe("Kubernetes workloads", () => {
    const plans: Record<string, StackPlan> = {};
    before(async () => {
        plans.aws = await sharedPlan("prod-aws");
        plans.azure = await sharedPlan("prod-azure");
    });

    for (const site of ["aws", "azure"] as const) {
        describe(`on the ${site} cluster`, () => {
            it("runs every container non-root, read-only, without privilege escalation or capabilities, with RuntimeDefault seccomp", () => {
                const plan = plans[site];
                assert.equal(deployments(plan).length, HUB_SERVICES.length * 2, "a blue and a green Deployment per service");
                for (const deployment of deployments(plan)) {
                    const spec = podSpec(deployment);
                    assert.equal(spec.securityContext.runAsNonRoot, true, deployment.name);
                    assert.equal(spec.securityContext.seccompProfile.type, "RuntimeDefault");
                    assert.equal(spec.automountServiceAccountToken, false);
                    for (const container of spec.containers as Container[]) {
                        const context = container.securityContext;
                        assert.deepEqual(
                            [
                                context.runAsNonRoot,
                                context.readOnlyRootFilesystem,
                                context.allowPrivilegeEscalation,
                                context.privileged,
                                context.capabilities.drop,
                                context.seccompProfile.type,
                            ],
                            [true, true, false, false, ["ALL"], "RuntimeDefault"],
                            `${deployment.name}/${container.name}`,
                        );
                    }
                }
            });

            it("gives every container requests, limits and startup, liveness and readiness probes, and spreads pods across zones", () => {
                for (const deployment of deployments(plans[site])) {
                    const spec = podSpec(deployment);
                    for (const container of spec.containers as Container[]) {
                        for (const kind of ["requests", "limits"]) {
                            assert.ok(container.resources[kind].cpu && container.resources[kind].memory, `${deployment.name} ${kind}`);
                        }
                        for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
                            assert.ok(container[probe]?.httpGet?.path, `${deployment.name} ${probe}`);
                        }
                    }
                    assert.equal(spec.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
                }
            });

            it("pulls images from the site's own registry, pinned to an immutable release", () => {
                for (const deployment of deployments(plans[site])) {
                    const image = String((podSpec(deployment).containers as Container[])[0].image);
                    assert.match(
                        image,
                        site === "aws"
                            ? /\.dkr\.ecr\.us-east-1\.amazonaws\.com\/crypto-beacon\/prod-aws\/[a-z-]+:1\.4[23]\.0$/
                            : /\.azurecr\.io\/crypto-beacon\/[a-z-]+:1\.4[23]\.0$/,
                        image,
                    );
                }
            });

            it("reads secrets as files from the cloud secret store through a cloud-bound ServiceAccount, never from literal env values", () => {
                const plan = plans[site];
                for (const deployment of deployments(plan)) {
                    const spec = podSpec(deployment);
                    const container = (spec.containers as Container[])[0];
                    const env = container.env as { name: string; value?: string; valueFrom?: unknown }[];
                    assert.deepEqual(
                        env.map((variable) => variable.name),
                        ["BEACON_SITE", "BEACON_COLOUR", "BEACON_SECRETS_DIR"],
                        "plain settings only",
                    );
                    assert.ok(env.every((variable) => variable.valueFrom === undefined));
                    assert.ok(!("envFrom" in container));
                    assert.equal(
                        spec.volumes.find((volume: { name: string }) => volume.name === "secrets").csi.driver,
                        "secrets-store.csi.k8s.io",
                    );
                }
                const providers = resourcesOfType(plan, "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass").map(
                    (resource) => (resource.inputs.spec as { provider: string }).provider,
                );
                assert.deepEqual(
                    providers,
                    HUB_SERVICES.map(() => site),
                );
                for (const account of resourcesOfType(plan, "kubernetes:core/v1:ServiceAccount")) {
                    const annotations = (account.inputs.metadata as { annotations: Record<string, string> }).annotations;
                    assert.ok(
                        site === "aws"
                            ? /^arn:aws:iam::\d{12}:role\//.test(annotations["eks.amazonaws.com/role-arn"])
                            : annotations["azure.workload.identity/client-id"],
                        account.name,
                    );
                }
            });

            it("enforces the restricted Pod Security Standard, default-deny networking, a quota and limits in each namespace", () => {
                const plan = plans[site];
                for (const namespace of [HUB_NAMESPACE, GATEWAY_NAMESPACE]) {
                    const resource = resourcesOfType(plan, "kubernetes:core/v1:Namespace").find(
                        (candidate) => metadataName(candidate) === namespace,
                    )!;
                    assert.equal(
                        (resource.inputs.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"],
                        "restricted",
                    );
                    const inNamespace = (type: string) =>
                        resourcesOfType(plan, type).filter(
                            (candidate) => (candidate.inputs.metadata as { namespace?: string }).namespace === namespace,
                        );
                    const denyAll = inNamespace(POLICY).find((policy) => metadataName(policy) === "default-deny")!;
                    assert.deepEqual(denyAll.inputs.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
                    assert.equal(inNamespace("kubernetes:core/v1:ResourceQuota").length, 1);
                    assert.equal(inNamespace("kubernetes:core/v1:LimitRange").length, 1);
                }
            });

            it("admits the gateway only from the load balancer's subnets, and the services only from the gateway", () => {
                const plan = plans[site];
                const fromLoadBalancer = resourcesOfType(plan, POLICY).find(
                    (policy) => metadataName(policy) === "allow-from-load-balancer",
                )!;
                const sources = (
                    fromLoadBalancer.inputs.spec as { ingress: { from: { ipBlock: { cidr: string } }[] }[] }
                ).ingress[0].from.map((peer) => peer.ipBlock.cidr);
                // The subnets the origin load balancer lives in, as the plan creates them.
                const loadBalancerSubnets =
                    site === "aws"
                        ? resourcesOfType(plan, "aws:ec2/subnet:Subnet")
                              .filter((subnet) => (subnet.inputs.tags as { tier: string }).tier === "public")
                              .map((subnet) => String(subnet.inputs.cidrBlock))
                        : (one(plan, "azure-native:network:VirtualNetwork").inputs.subnets as { name: string; addressPrefix: string }[])
                              .filter((subnet) => subnet.name === "gateway")
                              .map((subnet) => subnet.addressPrefix);
                assert.ok(loadBalancerSubnets.length > 0);
                assert.deepEqual(sources.sort(), loadBalancerSubnets.sort());
                for (const policy of resourcesOfType(plan, POLICY)) {
                    for (const rule of (policy.inputs.spec as { ingress?: { from?: { ipBlock?: { cidr: string } }[] }[] }).ingress ?? []) {
                        assert.ok(
                            (rule.from ?? []).every((peer) => peer.ipBlock?.cidr !== "0.0.0.0/0"),
                            `${policy.name} admits the internet`,
                        );
                    }
                }
                const fromGateway = resourcesOfType(plan, POLICY).find((policy) => metadataName(policy) === "allow-from-gateway")!;
                assert.deepEqual((fromGateway.inputs.spec as any).ingress[0].from, [
                    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": GATEWAY_NAMESPACE } } },
                ]);
            });

            it("gives every serving Deployment an autoscaler, and every running one a disruption budget", () => {
                const plan = plans[site];
                const serving = HUB_SERVICES.map((service) => `${service}-blue`);
                const warm = HUB_SERVICES.map((service) => `${service}-green`);
                assert.deepEqual(resourcesOfType(plan, HPA).map(metadataName).sort(), [...serving].sort());
                assert.deepEqual(resourcesOfType(plan, PDB).map(metadataName).sort(), [...serving, ...warm].sort());
                for (const budget of resourcesOfType(plan, PDB)) {
                    assert.equal((budget.inputs.spec as { maxUnavailable: number }).maxUnavailable, 1);
                }
            });

            it("routes each service by weight and names the serving site in a response header", () => {
                const plan = plans[site];
                for (const route of resourcesOfType(plan, ROUTE)) {
                    for (const rule of (route.inputs.spec as { rules: { filters: any[] }[] }).rules) {
                        assert.deepEqual(rule.filters, [
                            { type: "ResponseHeaderModifier", responseHeaderModifier: { set: [{ name: "x-beacon-site", value: site }] } },
                        ]);
                    }
                }
                assert.deepEqual(routeWeights(plan, "api"), { "api-blue": 100, "api-green": 0 });
                assert.ok(
                    resourcesOfType(plan, ROUTE).some((route) => JSON.stringify(route.inputs.spec).includes('"/healthz"')),
                    "the health path is routed",
                );
            });
        });
    }

    it("deploys the same workloads on both clusters, each through its own cluster's provider", () => {
        const hubNamespaces = [HUB_NAMESPACE, GATEWAY_NAMESPACE];
        const isHubResource = (resource: PlannedResource) => {
            const metadata = resource.inputs.metadata as { name?: string; namespace?: string } | undefined;
            return (
                hubNamespaces.includes(metadata?.namespace ?? "") ||
                hubNamespaces.includes(metadata?.name ?? "") ||
                resource.type.endsWith(":GatewayClass")
            );
        };
        const shape = (plan: StackPlan) =>
            plan.resources
                .filter(
                    (resource) =>
                        resource.type.startsWith("kubernetes:") && !resource.type.startsWith("kubernetes:helm") && isHubResource(resource),
                )
                .map(
                    (resource) =>
                        `${resource.type} ${(resource.inputs.metadata as { namespace?: string }).namespace ?? ""}/${metadataName(resource)}`,
                )
                .sort();
        // AWS adds what its load balancer and storage need: a Host-free health route (ALB health
        // checks send no Host) and the web tier's path to S3 through the gateway endpoint.
        const awsOnly = [
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute trading-hub/health",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy trading-hub/allow-to-object-store",
        ];
        assert.deepEqual(
            shape(plans.aws).filter((resource) => !awsOnly.includes(resource)),
            shape(plans.azure),
        );
        assert.deepEqual(
            shape(plans.aws).filter((resource) => awsOnly.includes(resource)),
            awsOnly.slice().sort(),
        );
        const providerOfDeployment = (plan: StackPlan) => providerOf(plan, deployments(plan)[0])!;
        assert.equal(providerOfDeployment(plans.aws).name, "aws-site");
        assert.equal(providerOfDeployment(plans.azure).name, "azure-site");
        assert.notEqual(providerOfDeployment(plans.aws).inputs.kubeconfig, providerOfDeployment(plans.azure).inputs.kubeconfig);
    });

    describe("blue/green", () => {
        const release = (candidateWeight: number, idleColour: "warm" | "scaled-down" = "warm"): BlueGreenRelease => ({
            liveColour: "blue",
            candidateWeight,
            idleColour,
            tags: { blue: "1.42.0", green: "1.43.0" },
        });

        for (const [weight, blue, green, greenMode] of [
            [0, 100, 0, "warm"],
            [10, 90, 10, "serving"],
            [50, 50, 50, "serving"],
            [100, 0, 100, "serving"],
        ] as const) {
            it(`splits ${blue}/${green} at candidate weight ${weight}`, async () => {
                const states = colourStates(release(weight));
                assert.deepEqual([states.blue.weight, states.green.weight, states.green.mode], [blue, green, greenMode]);
                const plan = await planSite("prod-aws", { hubCandidateWeight: String(weight) });
                for (const service of ["web", "api", "market-data"]) {
                    assert.deepEqual(routeWeights(plan, service), { [`${service}-blue`]: blue, [`${service}-green`]: green });
                }
                const autoscaled = resourcesOfType(plan, HPA).map(metadataName);
                assert.equal(autoscaled.includes("api-green"), greenMode === "serving");
                assert.equal(autoscaled.includes("api-blue"), weight < 100, "the live colour keeps serving until it has no traffic");
            });
        }

        it("rolls back in one change: weight 0 sends everything back and keeps the candidate warm", async () => {
            const plan = await planSite("prod-aws", { hubCandidateWeight: "0" });
            assert.deepEqual(routeWeights(plan, "api"), { "api-blue": 100, "api-green": 0 });
            const green = deployments(plan).find((deployment) => metadataName(deployment) === "api-green")!;
            assert.equal(
                (green.inputs.spec as { replicas: number }).replicas,
                HUB_SERVICE_SPECS.api.minReplicas,
                "warm: at the minimum, ready for a retry",
            );
        });

        it("renames the colours after a promotion without moving traffic", () => {
            const promoted = colourStates(release(100));
            const renamed = colourStates({ ...release(0), liveColour: "green" });
            assert.deepEqual([promoted.blue.weight, promoted.green.weight], [renamed.blue.weight, renamed.green.weight]);
            assert.deepEqual([promoted.blue.mode, renamed.blue.mode], ["warm", "warm"], "the old colour stays warm for a rollback");
        });

        it("makes the other colour live when asked", async () => {
            const plan = await planSite("prod-aws", { hubLiveColour: "green" });
            assert.deepEqual(routeWeights(plan, "web"), { "web-blue": 0, "web-green": 100 });
        });

        it("scales the idle colour to zero when asked", async () => {
            const plan = await planSite("prod-aws", { hubIdleColour: "scaled-down" });
            const green = deployments(plan).filter((deployment) => metadataName(deployment).endsWith("-green"));
            assert.ok(green.every((deployment) => (deployment.inputs.spec as { replicas: number }).replicas === 0));
        });

        it("refuses a mutable tag such as latest", async () => {
            await assertPlanFails(
                planSite("prod-aws", { hubGreenRelease: "latest" }),
                2,
                "Pulumi.prod-aws.yaml",
                "crypto-beacon:hubGreenRelease: must be an immutable release",
            );
        });

        it("pins a digest release by digest", async () => {
            const digest = `sha256:${"ab".repeat(32)}`;
            const plan = await planSite("prod-aws", { hubGreenRelease: digest, hubCandidateWeight: "10" });
            const green = deployments(plan).find((deployment) => metadataName(deployment) === "api-green")!;
            assert.match(
                String((podSpec(green).containers as Container[])[0].image),
                new RegExp(`/crypto-beacon/(prod-aws/)?api@${digest}$`),
            );
        });
    });

    describe("capacity and ingress glue", () => {
        it("runs the standby site at one replica per service, and the active one at the service's own bounds", async () => {
            assert.deepEqual(
                resourcesOfType(plans.azure, HPA).map((hpa) => (hpa.inputs.spec as { minReplicas: number }).minReplicas),
                HUB_SERVICES.map(() => 1),
            );
            const active = await planSite("prod-azure", { azureCapacity: "active" });
            const api = resourcesOfType(active, HPA).find((hpa) => metadataName(hpa) === "api-blue")!;
            assert.deepEqual(
                [(api.inputs.spec as any).minReplicas, (api.inputs.spec as any).maxReplicas],
                [HUB_SERVICE_SPECS.api.minReplicas, HUB_SERVICE_SPECS.api.maxReplicas],
            );
        });

        it("sends the AWS origin's traffic to the gateway's node port on the node group", () => {
            const plan = plans.aws;
            const targetGroup = resourcesOfType(plan, "aws:lb/targetGroup:TargetGroup").find(
                (group) => group.name === "aws-origin",
            )!.inputs;
            assert.deepEqual(
                [targetGroup.targetType, targetGroup.port, targetGroup.protocol, (targetGroup.healthCheck as { path: string }).path],
                ["instance", 30080, "HTTP", "/healthz"],
            );
            assert.ok(one(plan, "aws:autoscaling/attachment:Attachment").propertyDependencies.lbTargetGroupArn?.length);
            const rule = one(plan, "aws:ec2/securityGroupRule:SecurityGroupRule").inputs;
            assert.deepEqual([rule.type, rule.fromPort, rule.toPort], ["ingress", 30080, 30080]);
            const proxy = one(plan, "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy").inputs.spec as any;
            assert.equal(proxy.provider.kubernetes.envoyService.type, "NodePort");
        });

        it("gives the Azure gateway the internal address the Application Gateway sends to", () => {
            const plan = plans.azure;
            const proxy = one(plan, "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy").inputs.spec as any;
            const gateway = one(plan, "azure-native:network:ApplicationGateway").inputs as any;
            const backendIp = gateway.backendAddressPools[0].backendAddresses[0].ipAddress;
            assert.equal(proxy.provider.kubernetes.envoyService.loadBalancerIP, backendIp);
            assert.equal(
                proxy.provider.kubernetes.envoyService.annotations["service.beta.kubernetes.io/azure-load-balancer-internal"],
                "true",
            );
            assert.deepEqual([gateway.backendHttpSettingsCollection[0].port, gateway.probes[0].path], [8080, "/healthz"]);
        });

        it("lets each Azure service identity read only its own Key Vault", () => {
            const vaultNames = new Map(resourcesOfType(plans.azure, "azure-native:keyvault:Vault").map((vault) => [vault.urn, vault.name]));
            const readers = resourcesOfType(plans.azure, "azure-native:authorization:RoleAssignment").filter((assignment) =>
                HUB_SERVICES.some((service) => assignment.name === `azure-workloads-${service}`),
            );
            assert.deepEqual(
                readers
                    .map(
                        (assignment) =>
                            `${assignment.name}:${(assignment.propertyDependencies.scope ?? []).map((urn) => vaultNames.get(urn)).join()}`,
                    )
                    .sort(),
                HUB_SERVICES.map((service) => `azure-workloads-${service}:hub-${service}`).sort(),
            );
            const credentials = resourcesOfType(plans.azure, "azure-native:managedidentity:FederatedIdentityCredential")
                .map((credential) => String(credential.inputs.subject))
                .filter((subject) => subject.includes(`:${HUB_NAMESPACE}:`));
            assert.deepEqual(credentials.sort(), HUB_SERVICES.map((service) => `system:serviceaccount:${HUB_NAMESPACE}:${service}`).sort());
        });

        it("lets each AWS service role be assumed by its own ServiceAccount only, and read its own secret only", () => {
            const roles = resourcesOfType(plans.aws, "aws:iam/role:Role").filter((role) => role.name.startsWith("aws-workloads-"));
            assert.equal(roles.length, HUB_SERVICES.length);
            for (const role of roles) {
                const service = role.name.replace("aws-workloads-", "");
                const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
                const condition = trust.Statement[0].Condition.StringEquals as Record<string, string>;
                assert.ok(
                    Object.entries(condition).some(
                        ([key, value]) => key.endsWith(":sub") && value === `system:serviceaccount:${HUB_NAMESPACE}:${service}`,
                    ),
                    role.name,
                );
            }
        });
    });
});

describe("static asset copy, S3 to Azure Blob", () => {
    let aws: StackPlan;
    let azure: StackPlan;
    before(async () => {
        azure = await sharedPlan("prod-azure");
        aws = azure.referencedStacks.find((referenced) => referenced.stack === "prod-aws")!;
    });

    it("runs rclone hourly on AKS as a restricted job, reading S3 as the AWS site's export role", () => {
        const job = one(azure, "kubernetes:batch/v1:CronJob").inputs.spec as any;
        assert.equal(job.schedule, "17 * * * *");
        assert.equal(job.concurrencyPolicy, "Forbid");
        const pod = job.jobTemplate.spec.template;
        assert.equal(pod.metadata.labels["azure.workload.identity/use"], "true");
        const container = pod.spec.containers[0];
        assert.deepEqual(container.args.slice(0, 3), [
            "sync",
            `s3:${readStackOutputs(aws.stack, aws.outputs, ["aws-site"]).aws.assetsBucket}`,
            "blob:assets",
        ]);
        const env = Object.fromEntries(
            (container.env as { name: string; value: string }[]).map((variable) => [variable.name, variable.value]),
        );
        assert.equal(env.AWS_ROLE_ARN, readStackOutputs(aws.stack, aws.outputs, ["aws-site"]).assetExport.roleArn);
        assert.deepEqual(
            [
                container.securityContext.readOnlyRootFilesystem,
                container.securityContext.allowPrivilegeEscalation,
                container.securityContext.capabilities.drop,
            ],
            [true, false, ["ALL"]],
        );
        const token = pod.spec.volumes.find((volume: { name: string }) => volume.name === "aws-token").projected.sources[0]
            .serviceAccountToken;
        assert.equal(token.audience, "sts.amazonaws.com");
    });

    it("lets the job's identity write only the assets container, federated with its ServiceAccount only", () => {
        const credential = resourcesOfType(azure, "azure-native:managedidentity:FederatedIdentityCredential").find(
            (candidate) => candidate.name === "azure-asset-sync",
        )!;
        assert.equal(credential.inputs.subject, "system:serviceaccount:asset-sync:asset-sync");
        const assignment = resourcesOfType(azure, "azure-native:authorization:RoleAssignment").find(
            (candidate) => candidate.name === "azure-asset-sync",
        )!;
        assert.match(String(assignment.inputs.scope), /\/blobServices\/default\/containers\/assets$/);
        assert.match(String(assignment.inputs.roleDefinitionId), /ba92f5b4-2d11-453d-a403-e96b0029c9fe$/);
        const endpoint = resourcesOfType(azure, "azure-native:network:PrivateEndpoint").find(
            (candidate) => candidate.name === "azure-assets-blob",
        )!;
        assert.deepEqual((endpoint.inputs.privateLinkServiceConnections as { groupIds: string[] }[])[0].groupIds, ["blob"]);
    });

    it("gives the AWS export role to that ServiceAccount of the configured AKS issuer only, to list and read the assets bucket", () => {
        const role = resourcesOfType(aws, "aws:iam/role:Role").find((candidate) => candidate.name === "aws-asset-export")!;
        const condition = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Condition.StringEquals;
        assert.deepEqual(condition, {
            "eastus2.oic.prod-aks.azure.com/7f3e2a1b-4c5d-4e6f-8a9b-0c1d2e3f4a5b/9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e/:sub":
                "system:serviceaccount:asset-sync:asset-sync",
            "eastus2.oic.prod-aks.azure.com/7f3e2a1b-4c5d-4e6f-8a9b-0c1d2e3f4a5b/9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e/:aud":
                "sts.amazonaws.com",
        });
        const policy = JSON.parse(
            String(
                resourcesOfType(aws, "aws:iam/rolePolicy:RolePolicy").find((candidate) => candidate.name === "aws-asset-export")!.inputs
                    .policy,
            ),
        );
        assert.deepEqual(
            policy.Statement.map((statement: { Action: string }) => statement.Action),
            ["s3:ListBucket", "s3:GetObject", "kms:Decrypt"],
        );
        const bucketPolicy = resourcesOfType(aws, "aws:s3/bucketPolicy:BucketPolicy")
            .map((candidate) => String(candidate.inputs.policy))
            .join("\n");
        assert.match(bucketPolicy, /:role\/crypto-beacon-prod-aws-asset-export"/, "the bucket admits the export role from outside the VPC");
        assert.equal(role.inputs.name, "crypto-beacon-prod-aws-asset-export");
        assert.match(
            readStackOutputs(aws.stack, aws.outputs, ["aws-site"]).assetExport.roleArn,
            /:role\/crypto-beacon-prod-aws-asset-export$/,
        );
    });

    it("links the two sides directly in an all-in-one stack, and not at all in a site stack that names no source", async () => {
        const dev = await sharedPlan("dev");
        const role = resourcesOfType(dev, "aws:iam/role:Role").find((candidate) => candidate.name === "aws-asset-export")!;
        assert.ok(
            role.propertyDependencies.assumeRolePolicy?.some((urn) => urn.endsWith("::aws-asset-export")),
            "trusts the OIDC provider of the stack's own AKS issuer",
        );
        assert.equal(resourcesOfType(dev, "kubernetes:batch/v1:CronJob").length, 1);
        const standalone = await sharedPlan("prod-azure", { "prod-azure": { "crypto-beacon:azureAssetSourceStack": "" } });
        assert.equal(resourcesOfType(standalone, "kubernetes:batch/v1:CronJob").length, 0);
    });
});
