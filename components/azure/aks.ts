import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { parse } from "yaml";
import { AKS_DNS_SERVICE_IP, AKS_POD_CIDR, AKS_SERVICE_CIDR, parseIpv4Cidr } from "../../model/addressing";
import { diagnosticsToWorkspace } from "./logs";
import { builtInRoleId } from "./roles";

export interface AksClusterArgs {
    /** Resource group that holds the cluster; AKS puts the nodes in its own node resource group. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of the cluster, e.g. "westeurope". */
    readonly location: string;
    /** ID of the subnet both node pools join; pods get overlay addresses outside it. */
    readonly nodeSubnetId: pulumi.Input<string>;
    /** Kubernetes version, e.g. "1.33"; AKS applies patch releases itself (upgrade channel "patch"). */
    readonly kubernetesVersion: string;
    /**
     * CIDRs allowed to reach the API server.
     * @default [] - a private cluster: the API server has only a private address
     */
    readonly authorizedIpRanges?: readonly string[];
    /** VM size of the user pool, where the workloads run, e.g. "Standard_D4s_v5". */
    readonly userNodeVmSize: string;
    /** Fewest user-pool nodes (count across the three zones, at least 1); also the count at creation. */
    readonly userNodeMinCount: number;
    /** Most user-pool nodes (count across the three zones) the cluster autoscaler may add; at least userNodeMinCount. */
    readonly userNodeMaxCount: number;
    /** Log Analytics workspace ID that Container Insights and the control plane's diagnostic logs write to. */
    readonly workspaceId: pulumi.Input<string>;
    /**
     * How the Kubernetes provider signs in to Entra ID, headless: "azurecli" (after `az login`,
     * e.g. OIDC in CI) or "workloadidentity" (inside Azure). @default "azurecli"
     */
    readonly kubeloginMode?: "azurecli" | "workloadidentity";
    /**
     * Entra ID principals (object ids) that may read every Kubernetes object, and change none: the
     * preview jobs' identity, whose refresh reads what the stack manages. @default none
     */
    readonly kubernetesReaderPrincipalIds?: readonly string[];
    /**
     * Entra ID principals (object ids) that get AKS RBAC Cluster Admin: the deploy identity of a
     * stack whose updates run outside this VNet (an all-in-one stack's AWS runner). @default none
     */
    readonly kubernetesAdminPrincipalIds?: readonly string[];
    /** Tags set on the cluster and its user pool. */
    readonly tags: Readonly<Record<string, string>>;
}

/** Entra ID's application id of the AKS API server, the audience kubelogin asks tokens for. */
export const AKS_AAD_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
export const AKS_ZONES = ["1", "2", "3"];

/**
 * An AKS cluster: private (or authorized IP ranges), Entra ID integration with Azure RBAC and
 * local accounts disabled, Azure CNI overlay with Cilium network policy, workload identity,
 * system and user node pools across three zones, Container Insights to Log Analytics, and a
 * Kubernetes provider that signs in headless through kubelogin.
 */
export class AksCluster extends pulumi.ComponentResource {
    /** The managed cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    /** The cluster's OIDC issuer URL, which federated identity credentials for workload identity name as their issuer. */
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    /** ARM resource ID of the managed cluster: the scope of AKS RBAC role assignments. */
    public readonly clusterId: pulumi.Output<string>;
    /** The cluster's own identity, which creates load balancers in the node subnet. */
    public readonly principalId: pulumi.Output<string>;
    /** The kubelet's identity, which AKS creates in the node resource group; it pulls the images. */
    public readonly kubeletPrincipalId: pulumi.Output<string>;
    /** Deploys to this cluster; signs in to Entra ID headless through kubelogin (kubeloginMode) and holds no credential. */
    public readonly kubernetesProvider: KubernetesProvider;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        validateAksArgs(name, args);
        super("beacon:azure:AksCluster", name, {}, opts);
        const parent = { parent: this };
        const authorizedIpRanges = args.authorizedIpRanges ?? [];
        const privateCluster = authorizedIpRanges.length === 0;

        const cluster = new containerservice.ManagedCluster(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                kubernetesVersion: args.kubernetesVersion,
                dnsPrefix: `${name}-${pulumi.getStack()}`,
                identity: { type: "SystemAssigned" },
                sku: { name: "Base", tier: "Standard" },
                apiServerAccessProfile: privateCluster
                    ? // The public FQDN is an A record in Azure public DNS that resolves to the private endpoint
                      // (learn.microsoft.com/azure/aks/private-clusters): a runner in a network joined by VPN
                      // resolves it without DNS forwarding, and the API server stays private.
                      { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: true }
                    : { enablePrivateCluster: false, authorizedIPRanges: [...authorizedIpRanges] },
                aadProfile: { managed: true, enableAzureRBAC: true },
                disableLocalAccounts: true,
                enableRBAC: true,
                networkProfile: {
                    networkPlugin: "azure",
                    networkPluginMode: "overlay",
                    networkPolicy: "cilium",
                    networkDataplane: "cilium",
                    // Pods and services use their own ranges, outside both sites' address plans.
                    podCidr: AKS_POD_CIDR,
                    serviceCidr: AKS_SERVICE_CIDR,
                    dnsServiceIP: AKS_DNS_SERVICE_IP,
                    loadBalancerSku: "standard",
                    outboundType: "loadBalancer",
                },
                oidcIssuerProfile: { enabled: true },
                securityProfile: { workloadIdentity: { enabled: true }, imageCleaner: { enabled: true, intervalHours: 48 } },
                addonProfiles: {
                    omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: args.workspaceId, useAADAuth: "true" } },
                    // The Secrets Store CSI driver with the Key Vault provider: pods mount their secrets as files.
                    azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } },
                },
                autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
                agentPoolProfiles: [
                    {
                        name: "system",
                        mode: "System",
                        vmSize: "Standard_D2s_v5",
                        osType: "Linux",
                        availabilityZones: AKS_ZONES,
                        enableAutoScaling: true,
                        count: 3,
                        minCount: 3,
                        maxCount: 3,
                        vnetSubnetID: args.nodeSubnetId,
                        // Only the cluster's own add-ons run on the system pool.
                        nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
                        enableEncryptionAtHost: true,
                        // Ephemeral OS disks need a local cache or temp disk, which D*s_v5 sizes lack.
                        osDiskType: "Managed",
                    },
                ],
                tags: { ...args.tags },
            },
            { parent: this, ignoreChanges: ["agentPoolProfiles[0].count"] },
        );

        new containerservice.AgentPool(
            `${name}-user`,
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: cluster.name,
                agentPoolName: "user",
                mode: "User",
                vmSize: args.userNodeVmSize,
                osType: "Linux",
                availabilityZones: AKS_ZONES,
                enableAutoScaling: true,
                count: args.userNodeMinCount,
                minCount: args.userNodeMinCount,
                maxCount: args.userNodeMaxCount,
                vnetSubnetID: args.nodeSubnetId,
                enableEncryptionAtHost: true,
                nodeLabels: { "beacon/pool": "general" },
                tags: { ...args.tags },
            },
            {
                parent: this,
                // The autoscaler moves the count between the bounds; a deploy must not reset it.
                ignoreChanges: ["count"],
            },
        );

        diagnosticsToWorkspace(`${name}-diagnostics`, cluster.id, args.workspaceId, parent);
        this.grantKubernetesReaders(name, args, cluster);
        this.grantKubernetesAdmins(name, args, cluster);

        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: cluster.name,
                ...(privateCluster ? { serverFqdn: "public" } : {}),
            },
            parent,
        );
        const server = credentials.kubeconfigs.apply((kubeconfigs) => {
            const document = parse(Buffer.from(kubeconfigs?.[0]?.value ?? "", "base64").toString("utf8")) as {
                clusters?: { cluster: { server: string; "certificate-authority-data": string } }[];
            };
            const cluster = document?.clusters?.[0]?.cluster;
            if (!cluster) {
                throw new Error(`AksCluster ${name}: the cluster's user credentials hold no cluster`);
            }
            return cluster;
        });
        this.kubernetesProvider = new KubernetesProvider(
            name,
            {
                kubeconfig: kubeloginConfig(
                    cluster.name,
                    server.server,
                    server["certificate-authority-data"],
                    args.kubeloginMode ?? "azurecli",
                ),
                enableServerSideApply: true,
            },
            parent,
        );

        this.clusterName = cluster.name;
        this.clusterId = cluster.id;
        this.principalId = cluster.identity.apply((identity) => identity?.principalId ?? "");
        this.kubeletPrincipalId = cluster.identityProfile.apply((profile) => profile?.kubeletidentity?.objectId ?? "");
        this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply((profile) => profile?.issuerURL ?? "");
        this.registerOutputs({ clusterName: this.clusterName, oidcIssuerUrl: this.oidcIssuerUrl });
    }

    private grantKubernetesAdmins(name: string, args: AksClusterArgs, cluster: containerservice.ManagedCluster): void {
        const subscription = authorization.getClientConfigOutput({ parent: this }).subscriptionId;
        (args.kubernetesAdminPrincipalIds ?? []).forEach((principalId, index) => {
            new authorization.RoleAssignment(
                `${name}-kubernetes-admin-${index}`,
                {
                    scope: cluster.id,
                    principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: builtInRoleId(subscription, "aksRbacClusterAdmin"),
                },
                { parent: this },
            );
        });
    }

    private grantKubernetesReaders(name: string, args: AksClusterArgs, cluster: containerservice.ManagedCluster): void {
        const readers = args.kubernetesReaderPrincipalIds ?? [];
        if (readers.length === 0) {
            return;
        }
        const subscription = authorization.getClientConfigOutput({ parent: this }).subscriptionId;
        // A custom role is defined at a subscription or resource group; it is assigned on the cluster only.
        const resourceGroupId = pulumi.interpolate`/subscriptions/${subscription}/resourceGroups/${args.resourceGroupName}`;
        const readRole = new authorization.RoleDefinition(
            `${name}-kubernetes-read`,
            {
                scope: resourceGroupId,
                // A role definition is named by a GUID; derived from the stack, so the same on every update.
                roleDefinitionId: stableGuid(
                    `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}/${name}-kubernetes-read`,
                ),
                roleName: pulumi.interpolate`Kubernetes reader of ${cluster.name} (${pulumi.getStack()})`,
                description: "Reads every Kubernetes object of one AKS cluster, Secrets and custom resources included; changes nothing.",
                permissions: [{ actions: [], notActions: [], dataActions: [...KUBERNETES_READ_DATA_ACTIONS], notDataActions: [] }],
                assignableScopes: [resourceGroupId],
            },
            { parent: this },
        );
        readers.forEach((principalId, index) => {
            new authorization.RoleAssignment(
                `${name}-kubernetes-read-${index}`,
                { scope: cluster.id, principalId, principalType: "ServicePrincipal", roleDefinitionId: readRole.id },
                { parent: this },
            );
        });
    }
}

/**
 * Reading everything a stack manages takes more than the built-in AKS RBAC Reader, which sees no
 * Secrets (Helm keeps its releases in them), RBAC objects or CRDs. Microsoft's guidance: "the only
 * way to cover CRDs today is to use Microsoft.ContainerService/managedClusters/*\/read" in a custom
 * role (learn.microsoft.com/azure/aks/manage-azure-rbac). Read actions only: no write, no delete.
 */
export const KUBERNETES_READ_DATA_ACTIONS = ["Microsoft.ContainerService/managedClusters/*/read"] as const;

/** A kubeconfig that gets Entra ID tokens from kubelogin without a browser; it holds no credential. */
export function kubeloginConfig(
    clusterName: pulumi.Input<string>,
    server: pulumi.Input<string>,
    certificateAuthority: pulumi.Input<string>,
    mode: "azurecli" | "workloadidentity",
): pulumi.Output<string> {
    return pulumi.jsonStringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server, "certificate-authority-data": certificateAuthority } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [
            {
                name: clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "kubelogin",
                        args: ["get-token", "--login", mode, "--server-id", AKS_AAD_SERVER_APP_ID],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}

/** A GUID-shaped name derived from a seed: the same seed gives the same name. */
function stableGuid(seed: string): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validateAksArgs(name: string, args: AksClusterArgs): void {
    if (!Number.isInteger(args.userNodeMinCount) || args.userNodeMinCount < 1) {
        throw new Error(`AksCluster ${name}: userNodeMinCount ${args.userNodeMinCount} must be a whole number of at least 1`);
    }
    if (!Number.isInteger(args.userNodeMaxCount) || args.userNodeMaxCount < args.userNodeMinCount) {
        throw new Error(
            `AksCluster ${name}: userNodeMaxCount ${args.userNodeMaxCount} must be at least userNodeMinCount (${args.userNodeMinCount})`,
        );
    }
    for (const principalId of args.kubernetesReaderPrincipalIds ?? []) {
        if (!GUID.test(principalId)) {
            throw new Error(
                `AksCluster ${name}: kubernetesReaderPrincipalIds entry "${principalId}" must be an Entra ID object id (a GUID)`,
            );
        }
    }
    for (const cidr of args.authorizedIpRanges ?? []) {
        const block = parseIpv4Cidr(cidr);
        if (!block || block.prefixLength === 0) {
            throw new Error(`AksCluster ${name}: authorizedIpRanges entry "${cidr}" must be a canonical IPv4 CIDR other than 0.0.0.0/0`);
        }
    }
}
