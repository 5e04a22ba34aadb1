import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as redisenterprise from "@pulumi/azure-native/redisenterprise";
import { builtInRoleId } from "./roles";

/** The Key Vault secret each service reads: `hub-<service>`, written by the service's owners. */
export function serviceSecretName(service: string): string {
    return `hub-${service}`;
}

/** Managed Redis has one data access policy today, "default" (full data access, no admin commands). */
export const REDIS_ACCESS_POLICY = "default";

export interface AzureWorkloadAccessArgs {
    /** Resource group of the services' user-assigned identities. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of those identities, e.g. "westeurope". */
    readonly location: string;
    /** The AKS cluster's OIDC issuer, which signs the ServiceAccount tokens. */
    readonly oidcIssuerUrl: pulumi.Input<string>;
    /** The namespace the services' ServiceAccounts live in. */
    readonly namespace: string;
    /** The hub's services, by name; each gets its own identity and must have a vault in secretVaultIds. */
    readonly services: readonly string[];
    /**
     * Each service's own Key Vault, which holds only that service's secret. A role assignment
     * needs a scope that exists when it is created, and the secrets are written after the first
     * deploy, so the vault (not the secret) is the smallest scope that isolates one service.
     */
    readonly secretVaultIds: Readonly<Record<string, pulumi.Input<string>>>;
    /** The cluster's identity and the node subnet, where it creates the gateway's internal load balancer. */
    readonly clusterPrincipalId: pulumi.Input<string>;
    /** ID of the node subnet, on which the cluster's identity gets Network Contributor. */
    readonly nodeSubnetId: pulumi.Input<string>;
    /** The kubelet's identity, which pulls the images, and the registry it pulls them from. */
    readonly kubeletPrincipalId: pulumi.Input<string>;
    /** ARM resource ID of the container registry, on which the kubelet's identity gets AcrPull. */
    readonly registryId: pulumi.Input<string>;
    /** The Managed Redis database the services sign in to with Entra ID (its access keys are off). */
    readonly redis: {
        /** Name of the Managed Redis cluster. */
        readonly clusterName: pulumi.Input<string>;
        /** Name of its database, where the services' access policy assignments go. */
        readonly databaseName: pulumi.Input<string>;
    };
    /** Tags set on the services' identities. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * What the hub's workloads need from Azure: a managed identity per service, federated with that
 * service's ServiceAccount only (workload identity), allowed to read only that service's Key
 * Vault and to sign in to the site's Redis; the kubelet's right to pull from the registry; and
 * the cluster's right to place the gateway's internal load balancer in the node subnet.
 */
export class AzureWorkloadAccess extends pulumi.ComponentResource {
    /** Client ID of each service's identity, by service name; the ServiceAccounts are annotated with them. */
    public readonly clientIds: Record<string, pulumi.Output<string>>;
    /** The Entra ID tenant of the identities, which the Key Vault CSI provider signs in to. */
    public readonly tenantId: pulumi.Output<string>;

    constructor(name: string, args: AzureWorkloadAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        const missingVaults = args.services.filter((service) => !(service in args.secretVaultIds));
        if (missingVaults.length > 0) {
            throw new Error(
                `AzureWorkloadAccess ${name}: secretVaultIds has no vault for ${missingVaults.join(", ")}; give each service in services its own vault`,
            );
        }
        super("beacon:azure:WorkloadAccess", name, {}, opts);
        const parent = { parent: this };
        const client = getClientConfigOutput(parent);

        this.clientIds = {};
        for (const service of args.services) {
            const identity = new managedidentity.UserAssignedIdentity(
                `${name}-${service}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: args.location,
                    tags: { ...args.tags },
                },
                parent,
            );
            new managedidentity.FederatedIdentityCredential(
                `${name}-${service}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    resourceName: identity.name,
                    issuer: args.oidcIssuerUrl,
                    subject: `system:serviceaccount:${args.namespace}:${service}`,
                    audiences: ["api://AzureADTokenExchange"],
                },
                parent,
            );
            new authorization.RoleAssignment(
                `${name}-${service}`,
                {
                    scope: args.secretVaultIds[service],
                    principalId: identity.principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: builtInRoleId(client.subscriptionId, "keyVaultSecretsUser"),
                },
                parent,
            );
            // With access keys disabled, an Entra ID identity signs in only with an access policy
            // assignment (learn.microsoft.com/azure/redis/entra-for-authentication).
            new redisenterprise.AccessPolicyAssignment(
                `${name}-${service}-redis`,
                {
                    resourceGroupName: args.resourceGroupName,
                    clusterName: args.redis.clusterName,
                    databaseName: args.redis.databaseName,
                    accessPolicyAssignmentName: service.replace(/[^A-Za-z0-9]/g, ""),
                    accessPolicyName: REDIS_ACCESS_POLICY,
                    user: { objectId: identity.principalId },
                },
                parent,
            );
            this.clientIds[service] = identity.clientId;
        }
        new authorization.RoleAssignment(
            `${name}-cluster-subnet`,
            {
                scope: args.nodeSubnetId,
                principalId: args.clusterPrincipalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: builtInRoleId(client.subscriptionId, "networkContributor"),
            },
            parent,
        );
        // Nodes pull with the kubelet identity, not the cluster's (learn.microsoft.com/azure/aks/cluster-container-registry-integration).
        new authorization.RoleAssignment(
            `${name}-kubelet-pull`,
            {
                scope: args.registryId,
                principalId: args.kubeletPrincipalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: builtInRoleId(client.subscriptionId, "acrPull"),
            },
            parent,
        );

        this.tenantId = client.tenantId;
        this.registerOutputs({ clientIds: this.clientIds });
    }
}
