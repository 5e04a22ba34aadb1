import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as eks from "@pulumi/aws/eks";
import * as iam from "@pulumi/aws/iam";
import { pinnedRelease } from "../kubernetes/pinnedRelease";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { EKS_SERVICE_CIDR, parseIpv4Cidr } from "../../model/addressing";
import { awsScope, webIdentityTrustPolicy } from "./identity";
import { encryptedLogGroup } from "./logGroup";
import {
    CHART_REQUESTS,
    CLUSTER_AUTOSCALER_ACCOUNT,
    CLUSTER_AUTOSCALER_DISCOVER_ACTIONS,
    CLUSTER_AUTOSCALER_RESIZE_ACTIONS,
} from "../../model/intent";

export interface EksClusterArgs {
    /** Private subnets for the control plane's interfaces and the nodes. */
    readonly privateSubnetIds: pulumi.Input<string>[];
    /** Kubernetes version, e.g. "1.33". */
    readonly version: string;
    /**
     * CIDRs allowed to reach the API server from the internet.
     * @default [] - the endpoint is private: reachable only from inside the VPC
     */
    readonly publicAccessCidrs?: readonly string[];
    /** EC2 instance types of the managed node group, e.g. "m6i.xlarge"; at least one. */
    readonly nodeInstanceTypes: readonly string[];
    /** Fewest nodes (count, at least 1) Cluster Autoscaler may shrink the node group to. */
    readonly nodeMinSize: number;
    /** Nodes (count) at creation, from nodeMinSize to nodeMaxSize. Later deploys leave it to Cluster Autoscaler (`ignoreChanges`). */
    readonly nodeDesiredSize: number;
    /** Most nodes (count) Cluster Autoscaler may grow the node group to; at least nodeMinSize. */
    readonly nodeMaxSize: number;
    /** Encrypts Kubernetes secrets (envelope encryption) and the nodes' root volumes. */
    readonly dataKmsKeyArn: pulumi.Input<string>;
    /**
     * IAM principals that get a cluster access policy (EKS access entries): the break-glass role,
     * deploy runners. @default none besides the creator's bootstrap entry
     */
    readonly accessEntries?: readonly EksAccessEntry[];
    /**
     * Installs metrics-server and Cluster Autoscaler with Helm. They go through the cluster's
     * private API, which a first deploy from outside the VPC cannot reach (day 0, `deployStage:
     * foundation`); the deploy runner installs them with the workloads.
     * @default true
     */
    readonly installClusterAddOns?: boolean;
    /** Encrypts the control-plane log group. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Days the control-plane log group keeps the api, audit and authenticator logs. */
    readonly logRetentionDays: number;
}

/** An IAM principal's access to the cluster, through an EKS access entry and one access policy. */
export interface EksAccessEntry {
    /** Names the entry's resources. */
    readonly name: string;
    /** ARN of the IAM role or user the entry admits, e.g. the break-glass role or a deploy runner's role. */
    readonly principalArn: pulumi.Input<string>;
    /** An EKS access policy: AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy, AmazonEKSEditPolicy, AmazonEKSViewPolicy or AmazonEKSAdminViewPolicy. */
    readonly accessPolicy: (typeof EKS_ACCESS_POLICIES)[number];
}

export const EKS_ACCESS_POLICIES = [
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSAdminPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSViewPolicy",
    // Reads every object, Secrets included (Helm keeps releases in them): what a refreshing preview
    // needs, where AmazonEKSViewPolicy sees no Secrets, RBAC or CRDs (EKS user guide, access-policy-permissions).
    "AmazonEKSAdminViewPolicy",
] as const;

/**
 * The VPC CNI's add-on configuration: its network policy agent enforces NetworkPolicies only when
 * this is set (Amazon EKS user guide, cni-network-policy-configure).
 */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

/**
 * Cluster add-ons installed with Helm into kube-system, pinned; bump deliberately. metrics-server
 * feeds the HorizontalPodAutoscalers; Cluster Autoscaler grows and shrinks the managed node group.
 * Cluster Autoscaler rather than Karpenter or EKS Auto Mode: it scales the managed node group
 * this component already defines (launch template with IMDSv2 and the site's volume key, zone
 * spread, update policy) through the ASG tags EKS puts on it, with no second node definition and
 * no extra CRDs or EC2 fleet permissions to secure.
 */
export const METRICS_SERVER_CHART = {
    chart: "metrics-server",
    repository: "https://kubernetes-sigs.github.io/metrics-server/",
    version: "3.13.0",
    requests: declaredRequests("metrics-server"),
} as const;
export const CLUSTER_AUTOSCALER_CHART = {
    chart: "cluster-autoscaler",
    repository: "https://kubernetes.github.io/autoscaler",
    version: "9.49.0",
    requests: declaredRequests("cluster-autoscaler"),
} as const;

/** The requests the intent model's capacity check counts for a chart, as the chart's values take them. */
function declaredRequests(chart: string): { readonly cpu: string; readonly memory: string } {
    const declared = CHART_REQUESTS.find((entry) => entry.chart === chart);
    if (!declared) {
        throw new Error(`model/intent.ts declares no requests for chart ${chart}: the capacity check could not count it`);
    }
    return { cpu: `${declared.cpuMilli}m`, memory: `${declared.memoryMiB}Mi` };
}
/** Cluster Autoscaler's minor version must match the cluster's; these are the releases we run. */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = { "1.32": "v1.32.3", "1.33": "v1.33.1", "1.34": "v1.34.0" };

/** The control-plane log types we keep: who called the API, what it did, how they authenticated. */
export const EKS_CONTROL_PLANE_LOGS = ["api", "audit", "authenticator"] as const;

/** Managed add-ons every cluster needs to run pods and resolve names. */
export const EKS_CORE_ADDONS = ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent"] as const;

/**
 * Add-ons that run as pods and need nodes to schedule on; the others (networking, pod identity)
 * must exist before the nodes join, or the nodes never become ready.
 */
const ADDONS_NEEDING_NODES: ReadonlySet<string> = new Set(["coredns"]);

/**
 * An EKS cluster built from AWS primitives: private API endpoint (public only for listed
 * CIDRs), secrets encrypted with KMS, control-plane logs, managed nodes in private subnets with
 * IMDSv2 required and volumes encrypted with the site's key, an OIDC provider for service-account
 * roles, the core add-ons with NetworkPolicy enforcement, access entries, metrics-server and
 * Cluster Autoscaler, and a Kubernetes provider for the workloads.
 */
export class EksCluster extends pulumi.ComponentResource {
    /** The EKS cluster's name, as `aws eks` commands and the node group's autoscaling tags use it. */
    public readonly clusterName: pulumi.Output<string>;
    /** HTTPS URL of the cluster's API server (private unless publicAccessCidrs lists callers). */
    public readonly endpoint: pulumi.Output<string>;
    /** Base64-encoded PEM of the cluster's certificate authority, which signs the API server's certificate. */
    public readonly certificateAuthority: pulumi.Output<string>;
    /** ARN of the IAM OIDC provider for the cluster's issuer: the federated principal of service-account (IRSA) role trusts. */
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`), which IRSA trust conditions key on. */
    public readonly oidcIssuer: pulumi.Output<string>;
    /** ID of the cluster security group EKS creates and attaches to the control plane's interfaces and the managed nodes. */
    public readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** Name of the Auto Scaling group behind the managed node group, the one Cluster Autoscaler resizes. */
    public readonly autoScalingGroupName: pulumi.Output<string>;
    /** Deploys to this cluster; authenticates with `aws eks get-token`. */
    public readonly kubernetesProvider: KubernetesProvider;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        validateEksArgs(name, args);
        super("beacon:aws:EksCluster", name, {}, opts);
        const parent = { parent: this };
        const { partition, region } = awsScope(this);
        const managedPolicy = (policy: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;
        const assumedBy = (service: string) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
            });

        const clusterRole = new iam.Role(`${name}-cluster`, { assumeRolePolicy: assumedBy("eks.amazonaws.com") }, parent);
        const clusterPolicy = new iam.RolePolicyAttachment(
            `${name}-cluster`,
            { role: clusterRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") },
            parent,
        );

        // EKS writes to /aws/eks/<cluster>/cluster; creating it first sets retention and encryption.
        const clusterName = `${name}-${pulumi.getStack()}`;
        const logGroup = encryptedLogGroup(
            `${name}-control-plane`,
            {
                name: `/aws/eks/${clusterName}/cluster`,
                retentionInDays: args.logRetentionDays,
                kmsKeyArn: args.logsKmsKeyArn,
            },
            parent,
        );

        const publicAccessCidrs = args.publicAccessCidrs ?? [];
        const cluster = new eks.Cluster(
            name,
            {
                name: clusterName,
                version: args.version,
                roleArn: clusterRole.arn,
                vpcConfig: {
                    subnetIds: args.privateSubnetIds,
                    endpointPrivateAccess: true,
                    endpointPublicAccess: publicAccessCidrs.length > 0,
                    publicAccessCidrs: publicAccessCidrs.length > 0 ? [...publicAccessCidrs] : undefined,
                },
                encryptionConfig: { provider: { keyArn: args.dataKmsKeyArn }, resources: ["secrets"] },
                kubernetesNetworkConfig: { serviceIpv4Cidr: EKS_SERVICE_CIDR },
                enabledClusterLogTypes: [...EKS_CONTROL_PLANE_LOGS],
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
                bootstrapSelfManagedAddons: false,
            },
            { parent: this, dependsOn: [clusterPolicy, logGroup] },
        );

        const issuer = cluster.identities.apply((identities) => identities[0].oidcs?.[0]?.issuer ?? "");
        const oidc = new iam.OpenIdConnectProvider(
            name,
            {
                url: issuer,
                clientIdLists: ["sts.amazonaws.com"],
            },
            parent,
        );

        const nodeRole = new iam.Role(`${name}-nodes`, { assumeRolePolicy: assumedBy("ec2.amazonaws.com") }, parent);
        const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy"].map(
            (policy) =>
                new iam.RolePolicyAttachment(`${name}-nodes-${policy}`, { role: nodeRole.name, policyArn: managedPolicy(policy) }, parent),
        );

        const launchTemplate = new ec2.LaunchTemplate(
            `${name}-nodes`,
            {
                description: `${name} managed nodes: IMDSv2 only, encrypted root volume`,
                // Hop limit 1: pods cannot reach the node's metadata (and its role) through the node.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            encrypted: "true",
                            kmsKeyId: args.dataKmsKeyArn,
                            volumeSize: 50,
                            volumeType: "gp3",
                            deleteOnTermination: "true",
                        },
                    },
                ],
                tagSpecifications: [{ resourceType: "instance", tags: { Name: `${name}-node` } }],
            },
            parent,
        );

        const addon = (addonName: string, dependsOn: pulumi.Resource[]) =>
            new eks.Addon(
                `${name}-${addonName}`,
                {
                    clusterName: cluster.name,
                    addonName,
                    ...(addonName === "vpc-cni" ? { configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) } : {}),
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "PRESERVE",
                },
                { parent: this, dependsOn },
            );
        const nodePrerequisites = EKS_CORE_ADDONS.filter((addonName) => !ADDONS_NEEDING_NODES.has(addonName)).map((addonName) =>
            addon(addonName, [cluster]),
        );

        const nodeGroup = new eks.NodeGroup(
            `${name}-general`,
            {
                clusterName: cluster.name,
                nodeRoleArn: nodeRole.arn,
                subnetIds: args.privateSubnetIds,
                instanceTypes: [...args.nodeInstanceTypes],
                scalingConfig: { minSize: args.nodeMinSize, desiredSize: args.nodeDesiredSize, maxSize: args.nodeMaxSize },
                updateConfig: { maxUnavailable: 1 },
                launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
                labels: { "beacon/pool": "general" },
            },
            {
                parent: this,
                dependsOn: [...nodePolicies, ...nodePrerequisites],
                // The cluster autoscaler moves the desired size; a deploy must not reset it.
                ignoreChanges: ["scalingConfig.desiredSize"],
            },
        );

        for (const addonName of ADDONS_NEEDING_NODES) {
            addon(addonName, [nodeGroup]);
        }

        for (const entry of args.accessEntries ?? []) {
            const accessEntry = new eks.AccessEntry(
                `${name}-${entry.name}`,
                { clusterName: cluster.name, principalArn: entry.principalArn, type: "STANDARD" },
                parent,
            );
            new eks.AccessPolicyAssociation(
                `${name}-${entry.name}`,
                {
                    clusterName: cluster.name,
                    principalArn: accessEntry.principalArn,
                    policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${entry.accessPolicy}`,
                    accessScope: { type: "cluster" },
                },
                parent,
            );
        }

        this.clusterName = cluster.name;
        this.endpoint = cluster.endpoint;
        this.certificateAuthority = cluster.certificateAuthority.apply((authority) => authority.data ?? "");
        this.oidcProviderArn = oidc.arn;
        this.oidcIssuer = issuer;
        this.nodeSecurityGroupId = cluster.vpcConfig.apply((config) => config.clusterSecurityGroupId ?? "");
        this.autoScalingGroupName = nodeGroup.resources.apply((resources) => resources[0]?.autoscalingGroups?.[0]?.name ?? "");
        this.kubernetesProvider = new KubernetesProvider(
            name,
            {
                kubeconfig: kubeconfig(cluster.name, this.endpoint, this.certificateAuthority),
                enableServerSideApply: true,
            },
            parent,
        );

        if (args.installClusterAddOns !== false) {
            this.installAddOns(name, args, clusterName, oidc.arn, issuer, region, nodeGroup);
        }

        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            oidcProviderArn: this.oidcProviderArn,
            autoScalingGroupName: this.autoScalingGroupName,
        });
    }

    /** metrics-server, for the HPAs, and Cluster Autoscaler with its own IRSA role. */
    private installAddOns(
        name: string,
        args: EksClusterArgs,
        clusterName: string,
        oidcProviderArn: pulumi.Output<string>,
        issuer: pulumi.Output<string>,
        region: pulumi.Output<string>,
        nodeGroup: pulumi.Resource,
    ): void {
        const parent = { parent: this };
        const onCluster = { parent: this, provider: this.kubernetesProvider, dependsOn: [nodeGroup] };
        pinnedRelease(
            `${name}-metrics-server`,
            METRICS_SERVER_CHART,
            {
                name: "metrics-server",
                namespace: "kube-system",
                values: { replicas: 1, resources: { requests: { ...METRICS_SERVER_CHART.requests } } },
            },
            onCluster,
        );

        const autoscalerRole = new iam.Role(
            `${name}-autoscaler`,
            {
                description: `Cluster Autoscaler of ${clusterName} (IRSA)`,
                assumeRolePolicy: webIdentityTrustPolicy(
                    oidcProviderArn,
                    issuer,
                    `system:serviceaccount:${CLUSTER_AUTOSCALER_ACCOUNT.namespace}:${CLUSTER_AUTOSCALER_ACCOUNT.name}`,
                ),
            },
            parent,
        );
        // Describe anything, but resize only the groups tagged as this cluster's.
        new iam.RolePolicy(
            `${name}-autoscaler`,
            {
                role: autoscalerRole.name,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "Discover",
                            Effect: "Allow",
                            Action: [...CLUSTER_AUTOSCALER_DISCOVER_ACTIONS],
                            Resource: "*",
                        },
                        {
                            Sid: "ResizeThisClustersGroups",
                            Effect: "Allow",
                            Action: [...CLUSTER_AUTOSCALER_RESIZE_ACTIONS],
                            Resource: "*",
                            Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
                        },
                    ],
                }),
            },
            parent,
        );
        pinnedRelease(
            `${name}-cluster-autoscaler`,
            CLUSTER_AUTOSCALER_CHART,
            {
                name: "cluster-autoscaler",
                namespace: "kube-system",
                values: {
                    cloudProvider: "aws",
                    awsRegion: region,
                    // EKS tags a managed node group's ASG for discovery by the cluster's name.
                    autoDiscovery: { clusterName },
                    image: { tag: CLUSTER_AUTOSCALER_IMAGE_TAGS[args.version] },
                    replicaCount: 1,
                    resources: { requests: { ...CLUSTER_AUTOSCALER_CHART.requests } },
                    rbac: {
                        serviceAccount: {
                            create: true,
                            name: CLUSTER_AUTOSCALER_ACCOUNT.name,
                            annotations: { "eks.amazonaws.com/role-arn": autoscalerRole.arn },
                        },
                    },
                },
            },
            onCluster,
        );
    }
}

/** A kubeconfig that authenticates with the caller's AWS identity; it holds no credential. */
export function kubeconfig(
    clusterName: pulumi.Input<string>,
    endpoint: pulumi.Input<string>,
    certificateAuthority: pulumi.Input<string>,
): pulumi.Output<string> {
    return pulumi.jsonStringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [
            {
                name: clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                    },
                },
            },
        ],
    });
}

function validateEksArgs(name: string, args: EksClusterArgs): void {
    if (args.privateSubnetIds.length < 2) {
        throw new Error(`EksCluster ${name}: privateSubnetIds needs subnets in at least 2 zones; got ${args.privateSubnetIds.length}`);
    }
    if (!(args.version in CLUSTER_AUTOSCALER_IMAGE_TAGS)) {
        throw new Error(
            `EksCluster ${name}: version ${args.version} has no pinned Cluster Autoscaler release; allowed: ${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ")}`,
        );
    }
    for (const entry of args.accessEntries ?? []) {
        if (!/^[a-z][a-z0-9-]*$/.test(entry.name) || !EKS_ACCESS_POLICIES.includes(entry.accessPolicy)) {
            throw new Error(
                `EksCluster ${name}: accessEntries entry "${entry.name}" needs a kebab-case name and an accessPolicy from ${EKS_ACCESS_POLICIES.join(", ")}`,
            );
        }
    }
    if (args.nodeInstanceTypes.length === 0) {
        throw new Error(`EksCluster ${name}: nodeInstanceTypes must name at least one instance type`);
    }
    for (const [key, value] of [
        ["nodeMinSize", args.nodeMinSize],
        ["nodeDesiredSize", args.nodeDesiredSize],
        ["nodeMaxSize", args.nodeMaxSize],
    ] as const) {
        if (!Number.isInteger(value) || value < 1) {
            throw new Error(`EksCluster ${name}: ${key} ${value} must be a whole number of at least 1`);
        }
    }
    if (args.nodeMinSize > args.nodeMaxSize) {
        throw new Error(`EksCluster ${name}: nodeMinSize ${args.nodeMinSize} is above nodeMaxSize ${args.nodeMaxSize}`);
    }
    if (args.nodeDesiredSize < args.nodeMinSize || args.nodeDesiredSize > args.nodeMaxSize) {
        throw new Error(
            `EksCluster ${name}: nodeDesiredSize ${args.nodeDesiredSize} must be from nodeMinSize (${args.nodeMinSize}) to nodeMaxSize (${args.nodeMaxSize})`,
        );
    }
    for (const cidr of args.publicAccessCidrs ?? []) {
        const block = parseIpv4Cidr(cidr);
        if (!block || block.prefixLength === 0) {
            throw new Error(`EksCluster ${name}: publicAccessCidrs entry "${cidr}" must be a canonical IPv4 CIDR other than 0.0.0.0/0`);
        }
    }
}
