import { CLOUDFLARE_IPV4_RANGES } from "../../../components/cloudflare/ipRanges";
import {
    CLUSTER_DNS,
    ENTRA_ID_RANGES,
    GATEWAY_NAMESPACE,
    intendedFlows,
    INTERNET,
    PORTS,
    SERVICES_NAMESPACE,
    type Flow,
    type PortRange,
    type Site,
} from "../../../model/intent";
import { AwsSite, cloudflareEdge, formatPorts, securityGroupsAllow, vpcCniEnforcesPolicies, type AwsParty } from "./awsNetwork";
import { AzureSite, GATEWAY_MANAGER_PORTS, nsgRules, type AzureParty } from "./azureNetwork";
import { allowingStatement, denyingStatement } from "./iam";
import { networkPolicies, networkPoliciesAllow, servicePods, type Peer } from "./kubernetesNetwork";
import { object, PlanView, portsCover } from "./plan";
import { verdict, type Excess, type Verdict } from "./verdict";

export const CLUSTER_TYPES: Readonly<Record<Site, string>> = {
    aws: "aws:eks/cluster:Cluster",
    azure: "azure-native:containerservice:ManagedCluster",
};

/** The plan as one site sees it: its own cluster's Kubernetes resources only. */
export function siteView(view: PlanView, site: Site): PlanView {
    return view.forSite(CLUSTER_TYPES[site]);
}

/** The sites a stack holds: an all-in-one stack holds both, an edge stack none. */
export function sitesIn(view: PlanView): Site[] {
    return [
        ...(view.ofType("aws:eks/cluster:Cluster").length > 0 ? (["aws"] as const) : []),
        ...(view.ofType("azure-native:containerservice:ManagedCluster").length > 0 ? (["azure"] as const) : []),
    ];
}

interface Evidence {
    by: string[];
    problems: string[];
}

const merge = (...parts: Evidence[]): Evidence => ({
    by: parts.flatMap((part) => part.by),
    problems: parts.flatMap((part) => part.problems),
});
const missing = (what: string): Evidence => ({ by: [], problems: [what] });

/**
 * Whether a site is deployed from inside its own network: the stack builds deploy runners there
 * (`deployRunnerGithubUrl`). A stack without runners, and the Azure site of an all-in-one stack,
 * which its AWS runner deploys across the VPN (README, "Deploy runners"), have no deployer of their
 * own, so the deployer's rows do not apply to them, but for that VPN path.
 */
export function hasDeployRunner(view: PlanView, site: Site): boolean {
    return view.runnerMachines(site).length > 0;
}

/**
 * Whether the site is an all-in-one stack's Azure site, which the stack's AWS runner deploys over
 * the site-to-site VPN: its rows for reaching and administering the cluster then hold for that runner.
 */
export function deployedFromAws(view: PlanView, site: Site): boolean {
    return site === "azure" && !hasDeployRunner(view, "azure") && sitesIn(view).includes("aws") && hasDeployRunner(view, "aws");
}

/** The verdict of a deployer row on a site that has no deployer of its own. */
export const NO_DEPLOYER = "no deploy runner on this site: nothing deploys from inside its network";

/** The verdict of every intended flow of every site in the stack. */
export function evaluateFlows(view: PlanView): Verdict[] {
    return sitesIn(view).flatMap((site) => {
        const own = siteView(view, site);
        const evaluate = site === "aws" ? awsFlow(new AwsSite(own)) : azureFlow(new AzureSite(own));
        const deployer = hasDeployRunner(view, site);
        return intendedFlows(site).map((flow) => {
            if (flow.id === "deployer-to-cluster-api" && deployedFromAws(view, site)) {
                const evidence = awsRunnerToAksOverVpn(view, flow);
                return verdict(flow.id, site, [...new Set(evidence.by)], evidence.problems);
            }
            if (flow.from === "deployer" && !deployer) {
                return verdict(flow.id, site, [NO_DEPLOYER], []);
            }
            const evidence = evaluate(flow);
            return verdict(flow.id, site, [...new Set(evidence.by)], evidence.problems);
        });
    });
}

/**
 * The AWS runner of an all-in-one stack to the private AKS API, across the site-to-site VPN: the
 * runner's security groups and ACLs, its route tables into a VPN that routes the Azure VNet, a VPN
 * connection on the Azure side whose local network gateway holds the runner's subnets, the API's
 * subnet admitting them, and the cluster's public FQDN, which resolves to the private API from a
 * network without Azure's private DNS.
 */
function awsRunnerToAksOverVpn(view: PlanView, flow: Flow): Evidence {
    const aws = new AwsSite(siteView(view, "aws"));
    const azure = new AzureSite(siteView(view, "azure"));
    const runner = aws.deployer();
    const nodeSubnet = azure.nodeSubnet();
    if (!runner || !nodeSubnet) {
        return missing(runner ? "no AKS node subnet, where the private cluster's API endpoint is" : "no deploy runner in the VPC");
    }
    const api: AwsParty = { name: `the AKS API, across the VPN`, groups: [], cidrs: [nodeSubnet.cidr] };
    const profile = object(azure.cluster?.props.apiServerAccessProfile);
    return merge(
        profile.enablePrivateCluster === true && profile.enablePrivateClusterPublicFQDN === true
            ? { by: ["private cluster API with a public FQDN"], problems: [] }
            : missing("the cluster API is not private with a public FQDN: a runner outside the VNet cannot resolve it"),
        securityGroupsAllow(aws.rules, runner, api, flow.ports, flow.protocol),
        aws.naclsAllow(runner, api, flow.ports, flow.protocol),
        aws.vpnRoutes(runner.cidrs, azure.vnetSpace),
        azure.vpnFrom(runner.cidrs),
        azure.reach({ name: "the AWS deploy runner", cidrs: runner.cidrs }, undefined, api, nodeSubnet, flow.ports, flow.protocol, true),
    );
}

function gatewayPod(cidrs: readonly string[]): Peer {
    return { kind: "pod", name: "the in-cluster gateway", namespace: GATEWAY_NAMESPACE, labels: {}, cidrs };
}

const dnsPod = (cidrs: readonly string[]): Peer => ({
    kind: "pod",
    name: "cluster DNS",
    namespace: CLUSTER_DNS.namespace,
    labels: CLUSTER_DNS.labels,
    cidrs,
});

/** NetworkPolicy checks between pods, counted only where the cluster's CNI enforces them. */
function podPolicies(view: PlanView, enforced: boolean) {
    const policies = networkPolicies(view);
    return (from: Peer, to: Peer, flow: Flow): Evidence =>
        enforced
            ? networkPoliciesAllow(
                  policies,
                  from,
                  to,
                  flow.to === "in-cluster-gateway" || flow.to === "service" ? { from: PORTS.workload, to: PORTS.workload } : flow.ports,
                  flow.protocol,
              )
            : { by: ["NetworkPolicies not enforced by the CNI (not counted)"], problems: [] };
}

/**
 * The address the gateway's pods see a node-port request come from. With the Service's
 * externalTrafficPolicy `Local`, kube-proxy forwards only to pods on the node itself and keeps the
 * client's address: the load balancer's, in its subnets. With `Cluster` (Kubernetes' default) it may
 * forward to another node and masquerades as the node, so the pods see the nodes' addresses
 * (kubernetes.io/docs/tutorials/services/source-ip/, "Source IP for Services with Type=NodePort").
 */
function gatewaySource(view: PlanView, origin: AwsParty, nodeCidrs: readonly string[]): Peer {
    const proxy = view.ofType("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy")[0];
    const service = object(object(object(object(proxy?.props.spec).provider).kubernetes).envoyService);
    return service.externalTrafficPolicy === "Local"
        ? { kind: "address", name: origin.name, cidrs: origin.cidrs }
        : { kind: "address", name: `${origin.name} through the nodes (externalTrafficPolicy Cluster)`, cidrs: nodeCidrs };
}

function awsFlow(site: AwsSite): (flow: Flow) => Evidence {
    const view = site.view;
    const nodes = site.nodes();
    const enforced = vpcCniEnforcesPolicies(view);
    const pods = servicePods(view, SERVICES_NAMESPACE, nodes.cidrs);
    const gateway = gatewayPod(nodes.cidrs);
    const policies = podPolicies(view, enforced);
    const sg = (from: AwsParty, to: AwsParty, ports: PortRange, flow: Flow) =>
        merge(securityGroupsAllow(site.rules, from, to, ports, flow.protocol), site.naclsAllow(from, to, ports, flow.protocol));
    const allServicePods = [...pods.values()];
    const fromEveryPod = (to: Peer, flow: Flow) => merge(...allServicePods.map((pod) => policies(pod, to, flow)));
    const endpointFlow = (service: string, flow: Flow, podsToo: boolean): Evidence => {
        const endpoint = site.serviceEndpoint(service);
        if (!endpoint) {
            return missing(`no ${service} interface endpoint in the VPC`);
        }
        const dns =
            endpoint.resource?.props.privateDnsEnabled === true
                ? { by: [`${endpoint.name} with private DNS`], problems: [] }
                : missing(`${endpoint.name} has no private DNS: the nodes resolve the public ${service} name`);
        return merge(
            dns,
            sg(nodes, endpoint, flow.ports, flow),
            podsToo ? fromEveryPod({ kind: "address", name: endpoint.name, cidrs: endpoint.cidrs }, flow) : { by: [], problems: [] },
        );
    };
    return (flow) => {
        const origin = site.originLoadBalancer();
        switch (flow.id) {
            case "edge-to-origin-https":
            case "edge-to-origin-http":
                return origin.resource ? sg(cloudflareEdge, origin, flow.ports, flow) : missing("no internet-facing load balancer");
            case "origin-to-gateway": {
                const targetGroup = view.ofType("aws:lb/targetGroup:TargetGroup").find((group) => group.props.targetType === "instance");
                if (!origin.resource || !targetGroup) {
                    return missing("no internet-facing load balancer with an instance target group");
                }
                const nodePort = Number(targetGroup.props.port);
                const healthPort = object(targetGroup.props.healthCheck).port;
                const checks = [sg(origin, nodes, { from: nodePort, to: nodePort }, flow)];
                if (healthPort !== undefined && healthPort !== "traffic-port") {
                    checks.push(sg(origin, nodes, { from: Number(healthPort), to: Number(healthPort) }, flow));
                }
                return merge(...checks, policies(gatewaySource(view, origin, nodes.cidrs), gateway, flow));
            }
            case "pods-to-dns-udp":
            case "pods-to-dns-tcp":
                return merge(
                    sg(nodes, nodes, flow.ports, flow),
                    fromEveryPod(dnsPod(nodes.cidrs), flow),
                    policies(gateway, dnsPod(nodes.cidrs), flow),
                );
            case "services-to-redis": {
                const redis = site.redis();
                return redis
                    ? merge(
                          sg(nodes, redis, flow.ports, flow),
                          fromEveryPod({ kind: "address", name: redis.name, cidrs: redis.cidrs }, flow),
                      )
                    : missing("no Redis replication group");
            }
            case "services-to-database": {
                // Atlas is a Private Link service of its own (`com.amazonaws.vpce.<region>.vpce-svc-…`), not an AWS service.
                const endpoint = site.endpoint((candidate) => String(candidate.props.serviceName ?? "").includes(".vpce-svc-"), "database");
                return endpoint
                    ? merge(
                          sg(nodes, endpoint, flow.ports, flow),
                          fromEveryPod({ kind: "address", name: endpoint.name, cidrs: endpoint.cidrs }, flow),
                      )
                    : missing("no private endpoint to the database");
            }
            case "nodes-to-registry": {
                // Layers come from S3: the nodes' route tables need the S3 gateway endpoint.
                const s3 = view
                    .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
                    .find((endpoint) => endpoint.props.vpcEndpointType === "Gateway" && String(endpoint.props.serviceName).endsWith(".s3"));
                const tables = site.routeTablesOf(nodes.cidrs).map((table) => table.urn);
                const routed = s3 && tables.length > 0 && tables.every((table) => (s3.deps.routeTableIds ?? []).includes(table));
                return merge(
                    endpointFlow("ecr.api", flow, false),
                    endpointFlow("ecr.dkr", flow, false),
                    routed
                        ? { by: [`S3 gateway endpoint ${s3.name} on the nodes' route tables`], problems: [] }
                        : missing("the nodes' route tables have no S3 gateway endpoint for image layers"),
                );
            }
            case "nodes-to-secret-store":
                return endpointFlow("secretsmanager", flow, false);
            case "pods-to-identity-api":
                return endpointFlow("sts", flow, true);
            case "deployer-to-cluster-api": {
                const cluster = site.cluster!;
                const runner = site.deployer();
                if (!runner) {
                    return missing("no deploy runner in the VPC (nothing named deploy-runner with a security group and subnet)");
                }
                const vpcConfig = object(cluster.props.vpcConfig);
                const api: AwsParty = {
                    name: `the API of ${cluster.name}`,
                    groups: [cluster.urn, ...site.groupsOf(cluster, "vpcConfig").filter((group) => group !== cluster.urn)],
                    cidrs: site.subnetCidrs(cluster, "vpcConfig"),
                };
                return merge(
                    vpcConfig.endpointPrivateAccess === true
                        ? { by: ["private API endpoint"], problems: [] }
                        : missing("the cluster's private endpoint is off"),
                    sg(runner, api, flow.ports, flow),
                );
            }
            case "deployer-to-github": {
                const runner = site.deployer();
                if (!runner) {
                    return missing("no deploy runner in the VPC (nothing named deploy-runner with a security group and subnet)");
                }
                const internet: AwsParty = { name: "GitHub, on the internet", groups: [], cidrs: [INTERNET] };
                return merge(sg(runner, internet, flow.ports, flow), site.internetEgress(runner.cidrs, flow.ports, flow.protocol));
            }
            case "backup-to-assets":
                return awsBucketFlow(site, "backup");
            case "log-delivery-to-log-store":
                return awsBucketFlow(site, "logs");
            default:
                return defaultPodFlow(flow, pods, gateway, policies, () => sg(nodes, nodes, flow.ports, flow));
        }
    };
}

/** Pod to pod flows (gateway to a service, a service to another): the same on both clouds but for the network under them. */
function defaultPodFlow(
    flow: Flow,
    pods: Map<string, Peer>,
    gateway: Peer,
    policies: (from: Peer, to: Peer, flow: Flow) => Evidence,
    network: () => Evidence,
): Evidence {
    const from = flow.from === "in-cluster-gateway" ? gateway : pods.get(flow.fromService ?? "");
    const to = pods.get(flow.toService ?? "");
    if (!from || !to) {
        return missing(`no Deployment of ${flow.fromService ?? "the gateway"} or ${flow.toService} in ${SERVICES_NAMESPACE}`);
    }
    return merge(network(), policies(from, to, flow));
}

/**
 * Flows that end at a bucket: AWS Backup reading the assets, and log delivery writing the access
 * logs. The bucket policy decides them: an explicit deny wins, and log delivery needs an allow
 * for the exact prefix (`<prefix>/AWSLogs/<account>/*` for load balancers).
 */
function awsBucketFlow(site: AwsSite, kind: "backup" | "logs"): Evidence {
    const view = site.view;
    const policyOf = (bucketUrn: string) =>
        view.ofType("aws:s3/bucketPolicy:BucketPolicy").find((policy) => (policy.deps.bucket ?? []).includes(bucketUrn));
    if (kind === "backup") {
        const selection = view.ofType("aws:backup/selection:Selection")[0];
        if (!selection) {
            return missing("no backup selection");
        }
        const roleArn = String(selection.props.iamRoleArn);
        const results = view
            .dependencies(selection, "resources")
            .filter((resource) => resource.type.startsWith("aws:s3/bucket"))
            .map((bucket) => {
                const policy = policyOf(bucket.urn);
                const denied =
                    policy &&
                    denyingStatement(
                        policy.props.policy,
                        {
                            action: "s3:GetObject",
                            resource: `arn:aws:s3:::${view.bucketName(bucket)}/any`,
                            principal: { arn: roleArn },
                            context: { "aws:SecureTransport": "true", "aws:PrincipalArn": roleArn },
                        },
                        true,
                    );
                return denied
                    ? missing(`the bucket policy of ${bucket.name} denies AWS Backup (${denied})`)
                    : {
                          by: [`backup selection ${selection.name}`, `bucket policy of ${bucket.name} does not deny the backup role`],
                          problems: [],
                      };
            });
        return results.length > 0 ? merge(...results) : missing("the backup selection names no bucket");
    }
    // At a real preview role ARNs may be unknown; the log bucket's policy then names the account.
    const account =
        site.accountId() ??
        /AWSLogs\/(\d{12})\//.exec(
            JSON.stringify(view.ofType("aws:s3/bucketPolicy:BucketPolicy").map((policy) => policy.props.policy)),
        )?.[1] ??
        "";
    const checks: Evidence[] = [];
    for (const balancer of view.ofType("aws:lb/loadBalancer:LoadBalancer")) {
        const logs = object(balancer.props.accessLogs);
        if (logs.enabled !== true) {
            continue;
        }
        const bucket = view.dependencies(balancer, "accessLogs")[0];
        const prefix = logs.prefix ? `${String(logs.prefix)}/` : "";
        const policy = bucket && policyOf(bucket.urn);
        const objectArn = `arn:aws:s3:::${String(logs.bucket)}/${prefix}AWSLogs/${account}/x`;
        const allowed = policy && allowingFor(policy.props.policy, objectArn);
        checks.push(
            allowed
                ? { by: [`bucket policy of ${bucket!.name}: ${allowed} (${prefix}AWSLogs/${account}/)`], problems: [] }
                : missing(`the log bucket's policy does not let load balancer ${balancer.name} write ${prefix}AWSLogs/${account}/`),
        );
    }
    for (const logging of view.ofType("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")) {
        const target = view.dependencies(logging, "targetBucket")[0];
        const policy = target && policyOf(target.urn);
        const objectArn = `arn:aws:s3:::${String(logging.props.targetBucket)}/${String(logging.props.targetPrefix ?? "")}x`;
        const allowed = policy && allowingFor(policy.props.policy, objectArn, "logging.s3.amazonaws.com", account);
        checks.push(
            allowed
                ? { by: [`bucket policy of ${target!.name}: ${allowed}`], problems: [] }
                : missing(
                      `the log bucket's policy does not let S3 write the access logs of ${logging.name} under ${String(logging.props.targetPrefix ?? "")}`,
                  ),
        );
    }
    return checks.length > 0 ? merge(...checks) : missing("no access logs delivered to a bucket");
}

function allowingFor(
    document: unknown,
    objectArn: string,
    service = "logdelivery.elasticloadbalancing.amazonaws.com",
    account = "",
): string | undefined {
    const request = {
        action: "s3:PutObject",
        resource: objectArn,
        principal: { service },
        context: { "aws:SecureTransport": "true", "aws:SourceAccount": account },
    };
    return denyingStatement(document, request, true) ? undefined : allowingStatement(document, request, true);
}

function azureFlow(site: AzureSite): (flow: Flow) => Evidence {
    const view = site.view;
    const nodeSubnet = site.nodeSubnet();
    const gatewaySubnet = site.gatewaySubnet();
    // A subnet prepared for the Application Gateway is not one: its flows still need the gateway,
    // while its rules are attributed to them before it exists (a site at `foundation`).
    const gatewayBuilt: Evidence = site.applicationGateway ? { by: [], problems: [] } : missing("no Application Gateway");
    const podCidr = site.podCidr();
    const nodes: AzureParty = { name: "the nodes", cidrs: nodeSubnet ? [nodeSubnet.cidr] : [] };
    // Between nodes, overlay pods keep their pod address; leaving the cluster they take the node's.
    const podsBetweenNodes: AzureParty = { name: "pods on other nodes", cidrs: podCidr ? [podCidr] : nodes.cidrs };
    const podPeers = servicePods(view, SERVICES_NAMESPACE, podsBetweenNodes.cidrs);
    const gateway = gatewayPod(podsBetweenNodes.cidrs);
    const policies = podPolicies(view, site.enforcesNetworkPolicies());
    const allServicePods = [...podPeers.values()];
    const fromEveryPod = (to: Peer, flow: Flow) => merge(...allServicePods.map((pod) => policies(pod, to, flow)));
    const toEndpoint = (groupId: string, from: AzureParty, fromSubnet: typeof nodeSubnet, flow: Flow, podsToo: boolean): Evidence => {
        const endpoint = site.privateEndpoint(groupId);
        if (!endpoint?.subnet) {
            return missing(`no private endpoint for ${groupId} in a subnet of the VNet`);
        }
        const target: AzureParty = { name: `private endpoint ${endpoint.resource.name}`, cidrs: [endpoint.subnet.cidr] };
        return merge(
            site.reach(from, fromSubnet, target, endpoint.subnet, flow.ports, flow.protocol, true),
            podsToo ? fromEveryPod({ kind: "address", name: target.name, cidrs: target.cidrs }, flow) : { by: [], problems: [] },
        );
    };
    const storageAdmitsTrustedServices = (name: string): Evidence => {
        const account = view.ofType("azure-native:storage:StorageAccount").find((candidate) => candidate.name.includes(name));
        if (!account) {
            return missing(`no ${name} storage account`);
        }
        const rules = object(account.props.networkRuleSet);
        return rules.defaultAction !== "Deny" || String(rules.bypass ?? "").includes("AzureServices")
            ? { by: [`storage ${account.name} network rules admit trusted Azure services`], problems: [] }
            : missing(`storage ${account.name} denies trusted Azure services (networkRuleSet.bypass lacks AzureServices)`);
    };
    return (flow) => {
        switch (flow.id) {
            case "edge-to-origin-https":
            case "edge-to-origin-http": {
                if (!gatewaySubnet) {
                    return missing("no Application Gateway subnet");
                }
                const gatewayParty: AzureParty = { name: "the Application Gateway", cidrs: [gatewaySubnet.cidr] };
                const infrastructure =
                    flow.id === "edge-to-origin-https"
                        ? [
                              site.reach(
                                  { name: "GatewayManager", cidrs: [], tag: "GatewayManager" },
                                  undefined,
                                  gatewayParty,
                                  gatewaySubnet,
                                  GATEWAY_MANAGER_PORTS,
                                  "tcp",
                              ),
                              site.reach(
                                  { name: "AzureLoadBalancer", cidrs: [], tag: "AzureLoadBalancer" },
                                  undefined,
                                  gatewayParty,
                                  gatewaySubnet,
                                  flow.ports,
                                  "tcp",
                              ),
                          ]
                        : [];
                return merge(
                    gatewayBuilt,
                    site.reach(
                        { name: "Cloudflare's edge", cidrs: CLOUDFLARE_IPV4_RANGES },
                        undefined,
                        gatewayParty,
                        gatewaySubnet,
                        flow.ports,
                        flow.protocol,
                    ),
                    ...infrastructure,
                );
            }
            case "origin-to-gateway": {
                if (!gatewaySubnet || !nodeSubnet) {
                    return missing("no Application Gateway or node subnet");
                }
                const from: AzureParty = { name: "the Application Gateway", cidrs: [gatewaySubnet.cidr] };
                const internalLoadBalancer: AzureParty = {
                    name: "the in-cluster gateway's internal load balancer",
                    cidrs: [nodeSubnet.cidr],
                };
                // The internal load balancer's health probes come from AzureLoadBalancer.
                const probes = site.reach(
                    { name: "AzureLoadBalancer", cidrs: [], tag: "AzureLoadBalancer" },
                    undefined,
                    internalLoadBalancer,
                    nodeSubnet,
                    flow.ports,
                    flow.protocol,
                );
                return merge(
                    gatewayBuilt,
                    site.reach(from, gatewaySubnet, internalLoadBalancer, nodeSubnet, flow.ports, flow.protocol),
                    probes,
                    policies({ kind: "address", name: from.name, cidrs: from.cidrs }, gateway, flow),
                );
            }
            case "pods-to-dns-udp":
            case "pods-to-dns-tcp":
                return merge(
                    site.reach(
                        podsBetweenNodes,
                        nodeSubnet,
                        { name: "cluster DNS", cidrs: podsBetweenNodes.cidrs },
                        nodeSubnet,
                        flow.ports,
                        flow.protocol,
                    ),
                    fromEveryPod(dnsPod(podsBetweenNodes.cidrs), flow),
                    policies(gateway, dnsPod(podsBetweenNodes.cidrs), flow),
                );
            case "services-to-redis":
                return toEndpoint("redisEnterprise", nodes, nodeSubnet, flow, true);
            case "services-to-database":
                return toEndpoint("database", nodes, nodeSubnet, flow, true);
            case "nodes-to-registry":
                return toEndpoint("registry", nodes, nodeSubnet, flow, false);
            case "nodes-to-secret-store":
                return toEndpoint("vault", nodes, nodeSubnet, flow, false);
            case "gateway-to-key-vault":
                return gatewaySubnet
                    ? merge(
                          gatewayBuilt,
                          toEndpoint("vault", { name: "the Application Gateway", cidrs: [gatewaySubnet.cidr] }, gatewaySubnet, flow, false),
                      )
                    : missing("no Application Gateway subnet");
            case "pods-to-identity-api": {
                const outboundType = String(object(site.cluster?.props.networkProfile).outboundType ?? "loadBalancer");
                const egress = ["loadBalancer", "managedNATGateway", "userAssignedNATGateway", "userDefinedRouting"].includes(outboundType)
                    ? { by: [`cluster outbound type ${outboundType}`], problems: [] }
                    : missing(`cluster outbound type ${outboundType} gives the nodes no way out`);
                const entra: AzureParty = { name: "Entra ID", cidrs: ENTRA_ID_RANGES };
                return merge(
                    egress,
                    site.reach(nodes, nodeSubnet, entra, undefined, flow.ports, flow.protocol),
                    fromEveryPod({ kind: "address", name: "Entra ID", cidrs: ENTRA_ID_RANGES }, flow),
                );
            }
            case "deployer-to-cluster-api": {
                const runnerSubnet = site.deployerSubnet();
                if (!runnerSubnet) {
                    return missing("no deploy runner in a subnet of the VNet (nothing named deploy-runner under azure-native:compute)");
                }
                const profile = object(site.cluster?.props.apiServerAccessProfile);
                const privateApi =
                    profile.enablePrivateCluster === true
                        ? { by: ["private cluster API"], problems: [] }
                        : missing("the cluster API is not private");
                // A private cluster's API endpoint is a private endpoint in the nodes' subnet.
                return merge(
                    privateApi,
                    site.reach(
                        { name: "the deploy runner", cidrs: [runnerSubnet.cidr] },
                        runnerSubnet,
                        { name: "the cluster API", cidrs: nodes.cidrs },
                        nodeSubnet,
                        flow.ports,
                        flow.protocol,
                        true,
                    ),
                );
            }
            case "deployer-to-github": {
                const runnerSubnet = site.deployerSubnet();
                if (!runnerSubnet) {
                    return missing("no deploy runner in a subnet of the VNet (nothing named deploy-runner under azure-native:compute)");
                }
                return merge(
                    site.reach(
                        { name: "the deploy runner", cidrs: [runnerSubnet.cidr] },
                        runnerSubnet,
                        { name: "GitHub, on the internet", cidrs: [INTERNET] },
                        undefined,
                        flow.ports,
                        flow.protocol,
                    ),
                    site.internetEgress(runnerSubnet),
                );
            }
            case "backup-to-assets":
                return storageAdmitsTrustedServices("assets");
            case "log-delivery-to-log-store": {
                const flowLog = view.ofType("azure-native:network:FlowLog")[0];
                if (!flowLog) {
                    return missing("no VNet flow log");
                }
                const storage =
                    view.dependencies(flowLog, "storageId")[0] ??
                    view
                        .ofType("azure-native:storage:StorageAccount")
                        .find((account) => String(flowLog.props.storageId).includes(account.name));
                const sharedKeysOff = storage?.props.allowSharedKeyAccess === false;
                const identity = object(flowLog.props.identity).userAssignedIdentities !== undefined;
                return merge(
                    storageAdmitsTrustedServices(storage?.name ?? "flow-logs"),
                    sharedKeysOff && !identity
                        ? missing(
                              `flow log ${flowLog.name} writes to ${storage?.name} with shared keys off but has no user-assigned identity`,
                          )
                        : { by: ["flow log can sign in to its storage"], problems: [] },
                );
            }
            default:
                return defaultPodFlow(flow, podPeers, gateway, policies, () =>
                    site.reach(
                        podsBetweenNodes,
                        nodeSubnet,
                        { name: "pods", cidrs: podsBetweenNodes.cidrs },
                        nodeSubnet,
                        flow.ports,
                        flow.protocol,
                    ),
                );
        }
    };
}

/**
 * Openings no intended flow needs: allow rules that served no flow or that admit more ports than
 * the flows they serve; admissions from anywhere; and pod networks left open because the CNI does
 * not enforce the NetworkPolicies written for them.
 */
/** Why an opening to every address is one: no intended flow comes from the whole internet. */
export const WHOLE_INTERNET = "admits the whole internet";

export function unintendedOpenings(whole: PlanView, verdicts: readonly Verdict[]): Excess[] {
    const used = new Set(verdicts.flatMap((item) => item.by));
    const flowsUsing = (label: string) =>
        intendedFlows("aws")
            .concat(intendedFlows("azure"))
            .filter((flow) => verdicts.some((item) => item.id === flow.id && item.site === flow.site && item.by.includes(label)));
    const openings: Excess[] = [];
    for (const site of sitesIn(whole)) {
        const view = siteView(whole, site);
        if (site === "aws") {
            const aws = new AwsSite(view);
            for (const rule of aws.rules.filter((candidate) => !candidate.label.startsWith("EKS cluster security group"))) {
                const control = `${rule.label}: ${rule.direction} ${rule.protocol === "-1" ? "all" : rule.protocol} ${formatPorts(rule.ports)} ${rule.direction === "ingress" ? "from" : "to"} ${[...rule.cidrs, ...rule.peers.map((peer) => view.get(peer)?.name ?? peer)].join(", ")}`;
                const serving = flowsUsing(rule.label);
                if (rule.direction === "ingress" && rule.cidrs.some((cidr) => cidr === "0.0.0.0/0" || cidr === "::/0")) {
                    openings.push({ site, control, reason: WHOLE_INTERNET, urn: rule.urn });
                } else if (!used.has(rule.label)) {
                    openings.push({ site, control, reason: "no intended flow needs it", urn: rule.urn });
                } else if (!serving.some((flow) => portsCover(flow.ports, rule.ports)) && !isNodePortFor(aws, rule.ports)) {
                    openings.push({
                        site,
                        control,
                        reason: `opens more ports than its flows need (${serving.map((flow) => `${flow.id} ${formatPorts(flow.ports)}`).join(", ")})`,
                        urn: rule.urn,
                    });
                }
            }
            if (view.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").length > 0 && !vpcCniEnforcesPolicies(view)) {
                const cni = view.ofType("aws:eks/addon:Addon").find((addon) => addon.props.addonName === "vpc-cni");
                openings.push({
                    site,
                    control: "pod network of the EKS cluster",
                    reason: 'the VPC CNI does not enforce NetworkPolicies (configurationValues.enableNetworkPolicy is not "true"): every pod reaches every pod',
                    urn: cni?.urn ?? aws.cluster!.urn,
                });
            }
        } else {
            const azure = new AzureSite(view);
            for (const nsg of view.ofType("azure-native:network:NetworkSecurityGroup")) {
                for (const rule of nsgRules(nsg).filter((candidate) => candidate.allow)) {
                    const control = `${rule.label}: ${rule.direction} ${rule.protocol} ${rule.ports.map(formatPorts).join(",")} ${rule.direction === "Inbound" ? "from" : "to"} ${rule.peers.join(", ")}`;
                    if (rule.direction === "Inbound" && rule.peers.some((peer) => ["*", "Internet", "Any", "0.0.0.0/0"].includes(peer))) {
                        openings.push({ site, control, reason: WHOLE_INTERNET, urn: nsg.urn });
                    } else if (!used.has(rule.label)) {
                        openings.push({ site, control, reason: "no intended flow needs it", urn: nsg.urn });
                    }
                }
            }
            if (
                view.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").length > 0 &&
                azure.cluster &&
                !azure.enforcesNetworkPolicies()
            ) {
                openings.push({
                    site,
                    control: "pod network of the AKS cluster",
                    reason: "the cluster has no network policy engine: every pod reaches every pod",
                    urn: azure.cluster.urn,
                });
            }
        }
    }
    return openings;
}

/** The origin's node port is where the gateway's 8080 is published on AWS: a rule for it serves that flow exactly. */
function isNodePortFor(site: AwsSite, ports: PortRange): boolean {
    return site.view
        .ofType("aws:lb/targetGroup:TargetGroup")
        .some((group) => group.props.targetType === "instance" && Number(group.props.port) === ports.from && ports.from === ports.to);
}
