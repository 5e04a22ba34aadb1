import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { builtInRoleId } from "./roles";

/** The Key Vault secret each service reads: `hub-<service>`, written by the service's owners. */
export function serviceSecretName(service: string): string {
    return `hub-${service}`;
}

export interface AzureWorkloadAccessArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    /** The AKS cluster's OIDC issuer, which signs the ServiceAccount tokens. */
    readonly oidcIssuerUrl: pulumi.Input<string>;
    /** The namespace the services' ServiceAccounts live in. */
    readonly namespace: string;
    readonly services: readonly string[];
    readonly keyVaultId: pulumi.Input<string>;
    /** The cluster's identity and the node subnet, where it creates the gateway's internal load balancer. */
    readonly clusterPrincipalId: pulumi.Input<string>;
    readonly nodeSubnetId: pulumi.Input<string>;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * What the hub's workloads need from Azure: a managed identity per service, federated with that
 * service's ServiceAccount only (workload identity), allowed to read only that service's Key
 * Vault secret; and the cluster's right to place the gateway's internal load balancer in the
 * node subnet.
 */
export class AzureWorkloadAccess extends pulumi.ComponentResource {
    public readonly clientIds: Record<string, pulumi.Output<string>>;
    public readonly tenantId: pulumi.Output<string>;

    constructor(name: string, args: AzureWorkloadAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:azure:WorkloadAccess", name, {}, opts);
        const parent = { parent: this };
        const client = getClientConfigOutput(parent);

        this.clientIds = {};
        for (const service of args.services) {
            const identity = new managedidentity.UserAssignedIdentity(`${name}-${service}`, {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: { ...args.tags },
            }, parent);
            new managedidentity.FederatedIdentityCredential(`${name}-${service}`, {
                resourceGroupName: args.resourceGroupName,
                resourceName: identity.name,
                issuer: args.oidcIssuerUrl,
                subject: `system:serviceaccount:${args.namespace}:${service}`,
                audiences: ["api://AzureADTokenExchange"],
            }, parent);
            new authorization.RoleAssignment(`${name}-${service}`, {
                // Scoped to the one secret, not the vault.
                scope: pulumi.interpolate`${args.keyVaultId}/secrets/${serviceSecretName(service)}`,
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: builtInRoleId(client.subscriptionId, "keyVaultSecretsUser"),
            }, parent);
            this.clientIds[service] = identity.clientId;
        }
        new authorization.RoleAssignment(`${name}-cluster-subnet`, {
            scope: args.nodeSubnetId,
            principalId: args.clusterPrincipalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: builtInRoleId(client.subscriptionId, "networkContributor"),
        }, parent);

        this.tenantId = client.tenantId;
        this.registerOutputs({ clientIds: this.clientIds });
    }
}
