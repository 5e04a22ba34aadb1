import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { parse } from "yaml";
import { AKS_DNS_SERVICE_IP, AKS_POD_CIDR, AKS_SERVICE_CIDR, parseIpv4Cidr } from "../../model/addressing";
import { diagnosticsToWorkspace } from "./logs";

export interface AksClusterArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    readonly nodeSubnetId: pulumi.Input<string>;
    readonly kubernetesVersion: string;
    /**
     * CIDRs allowed to reach the API server.
     * @default [] - a private cluster: the API server has only a private address
     */
    readonly authorizedIpRanges?: readonly string[];
    readonly userNodeVmSize: string;
    readonly userNodeMinCount: number;
    readonly userNodeMaxCount: number;
    readonly workspaceId: pulumi.Input<string>;
    /**
     * How the Kubernetes provider signs in to Entra ID, headless: "azurecli" (after `az login`,
     * e.g. OIDC in CI) or "workloadidentity" (inside Azure). @default "azurecli"
     */
    readonly kubeloginMode?: "azurecli" | "workloadidentity";
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
    public readonly clusterName: pulumi.Output<string>;
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    public readonly clusterId: pulumi.Output<string>;
    /** The cluster's own identity, which creates load balancers in the node subnet. */
    public readonly principalId: pulumi.Output<string>;
    /** The kubelet's identity, which AKS creates in the node resource group; it pulls the images. */
    public readonly kubeletPrincipalId: pulumi.Output<string>;
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
                    ? { enablePrivateCluster: true }
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

        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: cluster.name,
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
}

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

function validateAksArgs(name: string, args: AksClusterArgs): void {
    if (!Number.isInteger(args.userNodeMinCount) || args.userNodeMinCount < 1) {
        throw new Error(`AksCluster ${name}: userNodeMinCount ${args.userNodeMinCount} must be a whole number of at least 1`);
    }
    if (!Number.isInteger(args.userNodeMaxCount) || args.userNodeMaxCount < args.userNodeMinCount) {
        throw new Error(
            `AksCluster ${name}: userNodeMaxCount ${args.userNodeMaxCount} must be at least userNodeMinCount (${args.userNodeMinCount})`,
        );
    }
    for (const cidr of args.authorizedIpRanges ?? []) {
        const block = parseIpv4Cidr(cidr);
        if (!block || block.prefixLength === 0) {
            throw new Error(`AksCluster ${name}: authorizedIpRanges entry "${cidr}" must be a canonical IPv4 CIDR other than 0.0.0.0/0`);
        }
    }
}
