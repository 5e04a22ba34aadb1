import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";

export interface PrivateEndpointArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    readonly subnetId: pulumi.Input<string>;
    /** The resource reached through the endpoint. */
    readonly resourceId: pulumi.Input<string>;
    /** Its private-link sub-resource, e.g. "vault", "registry", "blob", "redisEnterprise". */
    readonly groupId: string;
    /** The private DNS zone that resolves the resource's name to the endpoint. */
    readonly privateDnsZoneId: pulumi.Input<string>;
    readonly tags: Readonly<Record<string, string>>;
}

/** A private endpoint in the site's endpoint subnet, registered in its private DNS zone. */
export function privateEndpoint(name: string, args: PrivateEndpointArgs, opts: pulumi.CustomResourceOptions): network.PrivateEndpoint {
    const endpoint = new network.PrivateEndpoint(name, {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        subnet: { id: args.subnetId },
        privateLinkServiceConnections: [{ name, privateLinkServiceId: args.resourceId, groupIds: [args.groupId] }],
        tags: { ...args.tags },
    }, opts);
    new network.PrivateDnsZoneGroup(name, {
        resourceGroupName: args.resourceGroupName,
        privateEndpointName: endpoint.name,
        privateDnsZoneConfigs: [{ name: args.groupId, privateDnsZoneId: args.privateDnsZoneId }],
    }, opts);
    return endpoint;
}
