/**
 * The declared intent of each site: which flows the design needs, which identity needs which
 * access, and what the workloads need from the nodes. Plain data, no SDK: the intent policies
 * (`policies/rules/intent/`) prove the planned controls against it, the intent report prints it
 * as matrices, and the README's flow description is generated from it (`npm run intent:readme`).
 */

import { type DeployStage, SITES, type Site } from "./stacks";

export { SITES, type Site };

/** What sits at either end of a flow, by its role in the design (never by a resource name). */
export type Place =
    | "cloudflare-edge"
    | "origin-load-balancer"
    | "in-cluster-gateway"
    | "service"
    | "cluster-dns"
    | "nodes"
    | "pods"
    | "redis"
    | "database-endpoint"
    | "registry"
    | "secret-store"
    | "identity-api"
    | "cluster-api"
    | "deployer"
    | "github"
    | "backup-service"
    | "log-delivery"
    | "log-store"
    | "assets-store";

export type Protocol = "tcp" | "udp";

export interface PortRange {
    readonly from: number;
    readonly to: number;
}

export interface Flow {
    /** Stable and unique per site: the row of the flow matrix and the name in findings. */
    readonly id: string;
    readonly site: Site;
    readonly from: Place;
    readonly to: Place;
    /** The service at `from`/`to` when the place is `service`. */
    readonly fromService?: string;
    readonly toService?: string;
    readonly ports: PortRange;
    readonly protocol: Protocol;
    readonly why: string;
    /** The deploy stage that builds both its ends: before it the flow has nothing to carry, and is not judged. */
    readonly stage: DeployStage;
}

/** The services of the trading hub and whom each calls; both sites run the same set. */
export const SERVICES = {
    web: { routed: true, calls: ["api"] },
    api: { routed: true, calls: [] },
    "market-data": { routed: true, calls: [] },
    worker: { routed: false, calls: [] },
} as const satisfies Record<string, { readonly routed: boolean; readonly calls: readonly string[] }>;
export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** The namespaces the workloads run in. */
export const SERVICES_NAMESPACE = "trading-hub";
export const GATEWAY_NAMESPACE = "hub-gateway";
/** Where CoreDNS runs and how its pods are labelled, on both EKS and AKS. */
export const CLUSTER_DNS = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } } as const;

/** Ports the design fixes. */
export const PORTS = {
    https: 443,
    http: 80,
    /** The in-cluster gateway's listener and every service's port. */
    workload: 8080,
    dns: 53,
    awsRedis: 6379,
    azureRedis: 10000,
} as const;
/** Atlas private endpoints map each node to its own port in this range (AWS and Azure Private Link). */
export const DATABASE_PORTS: PortRange = { from: 1024, to: 65535 };

/**
 * Entra ID's sign-in addresses (the `AzureActiveDirectory` service tag's login ranges), where
 * workload identity exchanges its tokens: public HTTPS from the Azure site's pods.
 */
export const ENTRA_ID_RANGES: readonly string[] = ["20.190.128.0/18", "40.126.0.0/18"];

const single = (port: number): PortRange => ({ from: port, to: port });

/**
 * Where a runner's HTTPS to GitHub goes: the internet. GitHub asks a self-hosted runner to reach
 * github.com, api.github.com and the Actions services by name, at addresses it does not fix
 * (docs.github.com, "About self-hosted runners", communication requirements).
 */
export const INTERNET = "0.0.0.0/0";

/**
 * The places a site builds only at `workloads` (`stacks/roles/awsSite.ts`, `azureSite.ts`): the
 * in-cluster gateway and the services, which go through the cluster's private API; on Azure also
 * the origin, the Application Gateway, which has nothing to serve before them. The AWS origin (the
 * load balancer and its listeners) comes with the foundation.
 */
const BUILT_WITH_WORKLOADS: Readonly<Record<Site, readonly Place[]>> = {
    aws: ["in-cluster-gateway", "service"],
    azure: ["in-cluster-gateway", "service", "origin-load-balancer"],
};

/** The flows one site needs; nothing else may be open. */
export function intendedFlows(site: Site): Flow[] {
    const flow = (id: string, from: Place, to: Place, port: PortRange | number, why: string, extra: Partial<Flow> = {}): Flow => ({
        id,
        site,
        from,
        to,
        ports: typeof port === "number" ? single(port) : port,
        protocol: "tcp",
        why,
        stage: [from, to].some((place) => BUILT_WITH_WORKLOADS[site].includes(place)) ? "workloads" : "foundation",
        ...extra,
    });
    const flows: Flow[] = [
        flow(
            "edge-to-origin-https",
            "cloudflare-edge",
            "origin-load-balancer",
            PORTS.https,
            "traders' HTTPS, proxied by Cloudflare; Cloudflare's health monitor",
        ),
        flow("edge-to-origin-http", "cloudflare-edge", "origin-load-balancer", PORTS.http, "plain HTTP, answered with a redirect to HTTPS"),
        flow(
            "origin-to-gateway",
            "origin-load-balancer",
            "in-cluster-gateway",
            PORTS.workload,
            "requests and the load balancer's health checks to the in-cluster gateway",
        ),
        ...SERVICE_NAMES.filter((service) => SERVICES[service].routed).map((service) =>
            flow(`gateway-to-${service}`, "in-cluster-gateway", "service", PORTS.workload, `routes to ${service}`, { toService: service }),
        ),
        ...SERVICE_NAMES.flatMap((service) =>
            SERVICES[service].calls.map((callee) =>
                flow(`${service}-to-${callee}`, "service", "service", PORTS.workload, `${service} calls ${callee}`, {
                    fromService: service,
                    toService: callee,
                }),
            ),
        ),
        flow("pods-to-dns-udp", "pods", "cluster-dns", PORTS.dns, "name resolution", { protocol: "udp" }),
        flow("pods-to-dns-tcp", "pods", "cluster-dns", PORTS.dns, "name resolution of large answers"),
        flow(
            "services-to-redis",
            "pods",
            "redis",
            site === "aws" ? PORTS.awsRedis : PORTS.azureRedis,
            "sessions and market-data cache, TLS",
        ),
        flow(
            "services-to-database",
            "pods",
            "database-endpoint",
            DATABASE_PORTS,
            "the trading database through the site's private endpoint",
        ),
        flow("nodes-to-registry", "nodes", "registry", PORTS.https, "image pulls from the site's own registry"),
        flow("nodes-to-secret-store", "nodes", "secret-store", PORTS.https, "the Secrets Store CSI driver mounts each service's secrets"),
        flow(
            "pods-to-identity-api",
            "pods",
            "identity-api",
            PORTS.https,
            site === "aws" ? "IRSA exchanges tokens with STS" : "workload identity exchanges tokens with Entra ID",
        ),
        flow(
            "deployer-to-cluster-api",
            "deployer",
            "cluster-api",
            PORTS.https,
            "the deploy runner applies the workloads to the private cluster API",
        ),
        flow(
            "deployer-to-github",
            "deployer",
            "github",
            PORTS.https,
            "each runner registers with GitHub and takes its jobs over HTTPS, through the site's NAT gateway",
        ),
        flow("backup-to-assets", "backup-service", "assets-store", PORTS.https, "backups of the assets"),
        flow(
            "log-delivery-to-log-store",
            "log-delivery",
            "log-store",
            PORTS.https,
            site === "aws" ? "load balancer and S3 access logs" : "VNet flow logs",
        ),
    ];
    if (site === "azure") {
        flows.push(
            flow(
                "gateway-to-key-vault",
                "origin-load-balancer",
                "secret-store",
                PORTS.https,
                "Application Gateway fetches its TLS certificate from Key Vault",
            ),
        );
    }
    return flows;
}

/** Who needs access, by role. */
export type Identity =
    | "nodes"
    | "service"
    | "deployer"
    | "backup"
    | "log-delivery"
    | "origin-gateway"
    | "asset-copy"
    | "cluster"
    | "replication"
    | "autoscaler"
    | "break-glass"
    | "previewer";

/** What is accessed, by role. */
export type Target =
    | "registry"
    | "own-secret"
    | "redis-auth"
    | "assets"
    | "cluster"
    | "log-store"
    | "gateway-certificate"
    | "node-subnet"
    | "cluster-network"
    | "assets-replica"
    | "runner-registration"
    | "runner-instances"
    | "node-groups";

export interface AccessNeed {
    readonly id: string;
    readonly site: Site;
    readonly identity: Identity;
    /** The service the identity belongs to, when `identity` is `service`. */
    readonly service?: string;
    /** What it does, for people. */
    readonly action: string;
    /**
     * The cloud's names for what it is granted: IAM actions on AWS, built-in role names on Azure
     * (the catalog in `policies/rules/intent/catalog.ts` gives their ids).
     */
    readonly grants: readonly string[];
    readonly target: Target;
    readonly why: string;
    /** The deploy stage that makes the grant: before it the need is not judged. */
    readonly stage: DeployStage;
}

/**
 * The identities a site grants only at `workloads`: the services' own and the Cluster Autoscaler's
 * (both come with the workloads), the Application Gateway's; on Azure also the kubelet's AcrPull and
 * the cluster's Network Contributor for the gateway's internal load balancer
 * (`components/azure/workloadAccess.ts`), and the asset copy job's, a CronJob on the cluster.
 */
const GRANTED_WITH_WORKLOADS: Readonly<Record<Site, readonly Identity[]>> = {
    aws: ["service", "autoscaler"],
    azure: ["service", "origin-gateway", "nodes", "cluster", "asset-copy"],
};

/**
 * Capacity checks (`policies/rules/intent/capacity.ts`) that only `workloads` can meet: on AWS the
 * node autoscaler is a chart the deploy runner installs; AKS pools scale themselves.
 */
export const CAPACITY_CHECKS_WITH_WORKLOADS: Readonly<Record<Site, readonly string[]>> = {
    aws: ["node-pools-autoscale"],
    azure: [],
};

/** Actions the kubelet needs to pull from ECR (what `AmazonEC2ContainerRegistryReadOnly` holds for pulls). */
export const ECR_PULL_ACTIONS = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] as const;
export const SECRET_READ_ACTIONS = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"] as const;

/** The Cluster Autoscaler's service account, which its IRSA role trusts. */
export const CLUSTER_AUTOSCALER_ACCOUNT = { namespace: "kube-system", name: "cluster-autoscaler" } as const;
/**
 * The Cluster Autoscaler's documented least privilege on AWS (kubernetes/autoscaler,
 * cluster-autoscaler/cloudprovider/aws/README.md): it discovers groups and instance types anywhere,
 * and resizes only the groups tagged as its cluster's.
 */
export const CLUSTER_AUTOSCALER_DISCOVER_ACTIONS = [
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    "autoscaling:DescribeTags",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
    "eks:DescribeNodegroup",
] as const;
export const CLUSTER_AUTOSCALER_RESIZE_ACTIONS = [
    "autoscaling:SetDesiredCapacity",
    "autoscaling:TerminateInstanceInAutoScalingGroup",
] as const;

/** Needs both sites have: who needs to do what to which target; each site grants it its own way. */
const SHARED_NEEDS = {
    "nodes-pull-images": { identity: "nodes", action: "pull images", target: "registry" },
    "reads-own-secret": { identity: "service", action: "read its own secret", target: "own-secret" },
    "deployer-administers-cluster": { identity: "deployer", action: "administer the cluster", target: "cluster" },
    "deployer-reads-registration": { identity: "deployer", action: "read its registration credential", target: "runner-registration" },
    "backup-reads-assets": { identity: "backup", action: "back up the assets", target: "assets" },
} as const satisfies Record<string, { identity: Identity; action: string; target: Target }>;

/** The access each identity of one site needs; no identity may hold more. */
export function accessNeeds(site: Site): AccessNeed[] {
    const need = (
        id: string,
        identity: Identity,
        action: string,
        grants: readonly string[],
        target: Target,
        why: string,
        service?: string,
    ): AccessNeed => ({
        id,
        site,
        identity,
        action,
        grants,
        target,
        why,
        stage: GRANTED_WITH_WORKLOADS[site].includes(identity) ? "workloads" : "foundation",
        ...(service ? { service } : {}),
    });
    const perService = (build: (service: ServiceName) => AccessNeed) => SERVICE_NAMES.map(build);
    const shared = (id: keyof typeof SHARED_NEEDS, grants: readonly string[], why: string, service?: ServiceName) => {
        const { identity, action, target } = SHARED_NEEDS[id];
        return need(service ? `${service}-${id}` : id, identity, action, grants, target, why, service);
    };
    const registrationWhy = "each runner registers itself with GitHub at boot";
    if (site === "aws") {
        return [
            shared("nodes-pull-images", ECR_PULL_ACTIONS, "the kubelet pulls every service's image from ECR"),
            ...perService((service) => shared("reads-own-secret", SECRET_READ_ACTIONS, "mounted by the Secrets Store CSI driver", service)),
            ...perService((service) =>
                need(
                    `${service}-reads-redis-auth`,
                    "service",
                    "read the Redis AUTH token",
                    SECRET_READ_ACTIONS,
                    "redis-auth",
                    "Redis requires AUTH",
                    service,
                ),
            ),
            need(
                "web-reads-assets",
                "service",
                "read the static assets",
                ["s3:GetObject"],
                "assets",
                "the web tier serves /assets/ from the bucket",
                "web",
            ),
            shared("deployer-administers-cluster", ["AmazonEKSClusterAdminPolicy"], "the deploy runner applies the workloads"),
            shared("deployer-reads-registration", ["secretsmanager:GetSecretValue"], registrationWhy),
            need(
                "deployer-reached-through-ssm",
                "deployer",
                "be reached through Session Manager",
                ["AmazonSSMManagedInstanceCore"],
                "runner-instances",
                "the runners have no SSH: operators reach them through logged Session Manager sessions",
            ),
            need(
                "autoscaler-resizes-node-groups",
                "autoscaler",
                "resize the node groups",
                CLUSTER_AUTOSCALER_RESIZE_ACTIONS,
                "node-groups",
                "the Cluster Autoscaler adds nodes when pods do not fit and removes idle ones",
            ),
            shared("backup-reads-assets", ["s3:GetObject"], "AWS Backup copies the assets into the vault"),
            need(
                "log-delivery-writes-logs",
                "log-delivery",
                "write the VPC flow logs",
                ["logs:PutLogEvents"],
                "log-store",
                "VPC flow logs into their log group",
            ),
            need(
                "asset-copy-reads-assets",
                "asset-copy",
                "read the assets",
                ["s3:GetObject", "s3:ListBucket"],
                "assets",
                "the Azure site's hourly copy of the assets",
            ),
            need(
                "replication-copies-assets",
                "replication",
                "replicate the assets",
                ["s3:ReplicateObject"],
                "assets-replica",
                "the assets bucket is replicated to the second region",
            ),
            need(
                "cluster-runs-control-plane",
                "cluster",
                "run the EKS control plane",
                ["AmazonEKSClusterPolicy"],
                "cluster-network",
                "EKS manages the cluster's network interfaces",
            ),
        ];
    }
    return [
        shared("nodes-pull-images", ["AcrPull"], "the kubelet identity pulls every service's image from ACR"),
        ...perService((service) => shared("reads-own-secret", ["Key Vault Secrets User"], "mounted by the Key Vault CSI add-on", service)),
        ...perService((service) =>
            need(
                `${service}-signs-in-to-redis`,
                "service",
                "sign in to Redis",
                ["default"],
                "redis-auth",
                "Managed Redis with access keys disabled admits only identities with an access policy assignment",
                service,
            ),
        ),
        shared("deployer-administers-cluster", ["Azure Kubernetes Service RBAC Cluster Admin"], "the deploy runner applies the workloads"),
        shared("deployer-reads-registration", ["Key Vault Secrets User"], registrationWhy),
        shared("backup-reads-assets", ["Storage Account Backup Contributor"], "the Backup vault protects the assets' blobs"),
        need(
            "gateway-reads-certificate",
            "origin-gateway",
            "read its TLS certificate",
            ["Key Vault Secrets User"],
            "gateway-certificate",
            "Application Gateway terminates TLS with the certificate from Key Vault",
        ),
        need(
            "asset-copy-writes-assets",
            "asset-copy",
            "write the assets container",
            ["Storage Blob Data Contributor"],
            "assets",
            "the hourly copy of the primary's assets",
        ),
        need(
            "cluster-places-load-balancer",
            "cluster",
            "place the gateway's internal load balancer",
            ["Network Contributor"],
            "node-subnet",
            "AKS puts the internal load balancer in the node subnet",
        ),
    ];
}

/** How the access checks name a custom Azure role whose every action and data action only reads. */
export const KUBERNETES_READ_ONLY_ROLE = "custom role, read-only";

/**
 * Everything each identity may hold: the grants of its needs plus what the cloud needs alongside
 * them (KMS decrypt through the service, the managed policies EKS requires of its roles). A grant
 * outside this list is access beyond the needs.
 */
export const ALLOWANCES: Readonly<Record<Site, Partial<Record<Identity, readonly string[]>>>> = {
    aws: {
        nodes: [
            "AmazonEKSWorkerNodePolicy",
            "AmazonEC2ContainerRegistryReadOnly",
            "AmazonEC2ContainerRegistryPullOnly",
            "AmazonEKS_CNI_Policy",
            ...ECR_PULL_ACTIONS,
        ],
        service: [...SECRET_READ_ACTIONS, "s3:GetObject", "kms:Decrypt"],
        // kms:Decrypt opens the registration credential's envelope, through Secrets Manager only.
        deployer: [
            "AmazonEKSClusterAdminPolicy",
            "eks:DescribeCluster",
            "secretsmanager:GetSecretValue",
            "kms:Decrypt",
            "AmazonSSMManagedInstanceCore",
        ],
        autoscaler: [...CLUSTER_AUTOSCALER_DISCOVER_ACTIONS, ...CLUSTER_AUTOSCALER_RESIZE_ACTIONS],
        // The emergency role's access entry, where a stack configures one (awsEksBreakGlassRoleArn):
        // allowed, not needed, since a stack may have none.
        "break-glass": ["AmazonEKSClusterAdminPolicy"],
        // The preview jobs' role (awsPreviewRoleArn): reads every object a refreshing preview reads, changes none.
        previewer: ["AmazonEKSAdminViewPolicy"],
        backup: [
            "AWSBackupServiceRolePolicyForBackup",
            "AWSBackupServiceRolePolicyForRestores",
            "AWSBackupServiceRolePolicyForS3Backup",
            "AWSBackupServiceRolePolicyForS3Restore",
        ],
        "log-delivery": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        "asset-copy": ["s3:GetObject", "s3:ListBucket", "kms:Decrypt"],
        replication: [
            "s3:GetReplicationConfiguration",
            "s3:ListBucket",
            "s3:GetObjectVersionForReplication",
            "s3:GetObjectVersionAcl",
            "s3:GetObjectVersionTagging",
            "s3:ReplicateObject",
            "s3:ReplicateDelete",
            "s3:ReplicateTags",
            "kms:Decrypt",
            "kms:Encrypt",
        ],
        cluster: ["AmazonEKSClusterPolicy"],
    },
    azure: {
        nodes: ["AcrPull"],
        service: ["Key Vault Secrets User", "default"],
        deployer: ["Azure Kubernetes Service RBAC Cluster Admin", "Azure Kubernetes Service Cluster User Role", "Key Vault Secrets User"],
        backup: ["Storage Account Backup Contributor"],
        "origin-gateway": ["Key Vault Secrets User"],
        "asset-copy": ["Storage Blob Data Contributor"],
        "log-delivery": ["Storage Blob Data Contributor"],
        cluster: ["Network Contributor"],
        // The preview jobs' principal (azurePreviewPrincipalId): a custom role whose every permission only reads.
        previewer: [KUBERNETES_READ_ONLY_ROLE],
    },
};

/** What a node keeps for the system and what the workloads must leave free. */
export const CAPACITY = {
    /** Share of a pool's allocatable CPU and memory the workloads must leave free at its minimum size. */
    headroom: 0.2,
} as const;

/** A chart or managed add-on we install, with the requests it declares (from its default values). */
export interface ChartRequests {
    /** How it is recognised in the plan: a Helm release's chart or an add-on's name. */
    readonly chart: string;
    readonly site: Site | "both";
    /** Per pod. */
    readonly cpuMilli: number;
    readonly memoryMiB: number;
    /** `per-node` for a DaemonSet; else the replica count, or the chart's `deployment.replicas` value when set. */
    readonly replicas: number | "per-node";
}

/**
 * Requests of what we install besides our own workloads. Values are the charts' defaults at the
 * pinned versions; the cloud's own system pods (kube-proxy, CNI, CoreDNS) are counted too, because
 * at a pool's minimum size they share the same nodes.
 */
export const CHART_REQUESTS: readonly ChartRequests[] = [
    { chart: "gateway-helm", site: "both", cpuMilli: 100, memoryMiB: 256, replicas: 1 },
    { chart: "secrets-store-csi-driver-provider-aws", site: "aws", cpuMilli: 100, memoryMiB: 100, replicas: "per-node" },
    { chart: "metrics-server", site: "aws", cpuMilli: 100, memoryMiB: 200, replicas: 1 },
    { chart: "cluster-autoscaler", site: "aws", cpuMilli: 100, memoryMiB: 300, replicas: 1 },
    { chart: "coredns", site: "aws", cpuMilli: 100, memoryMiB: 70, replicas: 2 },
    { chart: "vpc-cni", site: "aws", cpuMilli: 25, memoryMiB: 0, replicas: "per-node" },
    { chart: "kube-proxy", site: "aws", cpuMilli: 100, memoryMiB: 0, replicas: "per-node" },
    { chart: "eks-pod-identity-agent", site: "aws", cpuMilli: 0, memoryMiB: 0, replicas: "per-node" },
];

/** vCPU and memory of the instance types a pool may use; a type not listed fails the capacity check. */
export const INSTANCE_TYPES: Readonly<Record<string, { readonly vcpu: number; readonly memoryGiB: number }>> = {
    "t3.large": { vcpu: 2, memoryGiB: 8 },
    "t3.xlarge": { vcpu: 4, memoryGiB: 16 },
    "m6i.large": { vcpu: 2, memoryGiB: 8 },
    "m6i.xlarge": { vcpu: 4, memoryGiB: 16 },
    "m6i.2xlarge": { vcpu: 8, memoryGiB: 32 },
    "m6a.large": { vcpu: 2, memoryGiB: 8 },
    "m6a.xlarge": { vcpu: 4, memoryGiB: 16 },
    "m6a.2xlarge": { vcpu: 8, memoryGiB: 32 },
    Standard_D2s_v5: { vcpu: 2, memoryGiB: 8 },
    Standard_D4s_v5: { vcpu: 4, memoryGiB: 16 },
    Standard_D8s_v5: { vcpu: 8, memoryGiB: 32 },
};
