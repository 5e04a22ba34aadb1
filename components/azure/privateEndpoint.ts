import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";

/** Where an Azure data service of the site lives and how it is reached: privately, and logged. */
export interface PrivateServiceArgs {
    /** Resource group of the service and its private endpoint. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of the service and its endpoint, e.g. "westeurope". */
    readonly location: string;
    /** The site's private-endpoint subnet. */
    readonly privateEndpointSubnetId: pulumi.Input<string>;
    /** The private DNS zone of the service's private-link sub-resource. */
    readonly privateDnsZoneId: pulumi.Input<string>;
    /** Log Analytics workspace for its diagnostic logs. */
    readonly workspaceId: pulumi.Input<string>;
    /** Keep it if the stack is destroyed by mistake (prod). */
    readonly protect: boolean;
    /** Tags set on the service and its private endpoint. */
    readonly tags: Readonly<Record<string, string>>;
}

export interface PrivateEndpointArgs {
    /** Resource group of the endpoint and its DNS zone group. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of the endpoint: the region of its subnet's VNet. */
    readonly location: string;
    /** ID of the subnet the endpoint's network interface takes its private address in. */
    readonly subnetId: pulumi.Input<string>;
    /** The resource reached through the endpoint. */
    readonly resourceId: pulumi.Input<string>;
    /** Its private-link sub-resource, e.g. "vault", "registry", "blob", "redisEnterprise". */
    readonly groupId: string;
    /** The private DNS zone that resolves the resource's name to the endpoint. */
    readonly privateDnsZoneId: pulumi.Input<string>;
    /** Tags set on the endpoint. */
    readonly tags: Readonly<Record<string, string>>;
}

/** A private endpoint in the site's endpoint subnet, registered in its private DNS zone. */
export function privateEndpoint(name: string, args: PrivateEndpointArgs, opts: pulumi.CustomResourceOptions): network.PrivateEndpoint {
    const endpoint = new network.PrivateEndpoint(
        name,
        {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            subnet: { id: args.subnetId },
            privateLinkServiceConnections: [{ name, privateLinkServiceId: args.resourceId, groupIds: [args.groupId] }],
            tags: { ...args.tags },
        },
        opts,
    );
    new network.PrivateDnsZoneGroup(
        name,
        {
            resourceGroupName: args.resourceGroupName,
            privateEndpointName: endpoint.name,
            privateDnsZoneConfigs: [{ name: args.groupId, privateDnsZoneId: args.privateDnsZoneId }],
        },
        opts,
    );
    return endpoint;
}
