import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { PrivateLinkEndpoint } from "@pulumi/mongodbatlas/privateLinkEndpoint";
import { PrivateLinkEndpointService } from "@pulumi/mongodbatlas/privateLinkEndpointService";
import { type Provider as AtlasProvider } from "@pulumi/mongodbatlas/provider";

export interface AzureDatabaseEndpointArgs {
    /** The Atlas project that holds the trading database. */
    readonly atlasProjectId: pulumi.Input<string>;
    /** Provider for the Atlas side of the link; the component's own provider builds the Azure side. */
    readonly atlasProvider: AtlasProvider;
    /** Resource group of the private endpoint. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** The site's Azure location; Atlas opens its private link service there. */
    readonly location: string;
    /** The site's private-endpoint subnet. */
    readonly subnetId: pulumi.Input<string>;
    /** Tags set on the private endpoint. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * The Azure site's private path to the cross-cloud database: an Atlas private link service in
 * the site's location and a private endpoint to it in the endpoint subnet. The connection needs
 * Atlas's approval, so it is a manual connection that Atlas accepts when the service registers it.
 */
export class AzureDatabaseEndpoint extends pulumi.ComponentResource {
    /** ARM resource ID of the private endpoint to Atlas's private link service. */
    public readonly privateEndpointId: pulumi.Output<string>;

    constructor(name: string, args: AzureDatabaseEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:azure:DatabaseEndpoint", name, {}, opts);
        const atlas = { parent: this, provider: args.atlasProvider };
        const link = new PrivateLinkEndpoint(name, { projectId: args.atlasProjectId, providerName: "AZURE", region: args.location }, atlas);
        const endpoint = new network.PrivateEndpoint(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                subnet: { id: args.subnetId },
                manualPrivateLinkServiceConnections: [
                    {
                        name,
                        privateLinkServiceId: link.privateLinkServiceResourceId,
                        requestMessage: "Crypto Beacon Azure site to its Atlas database",
                    },
                ],
                tags: { ...args.tags },
            },
            { parent: this },
        );
        // An endpoint to a Private Link Service (not to an Azure service) usually has no
        // customDnsConfigs; its address is on the network interface Azure creates for it.
        const networkInterfaceName = endpoint.networkInterfaces.apply((interfaces) => {
            const interfaceId = interfaces[0]?.id;
            if (!interfaceId) {
                throw new Error(`AzureDatabaseEndpoint ${name}: the private endpoint reports no network interface`);
            }
            return interfaceId.split("/").pop()!;
        });
        const address = network
            .getNetworkInterfaceOutput({ resourceGroupName: args.resourceGroupName, networkInterfaceName }, { parent: this })
            .apply((networkInterface) => {
                const ip = networkInterface.ipConfigurations?.[0]?.privateIPAddress;
                if (!ip) {
                    throw new Error(`AzureDatabaseEndpoint ${name}: network interface ${networkInterface.name} has no private IP address`);
                }
                return ip;
            });
        new PrivateLinkEndpointService(
            name,
            {
                projectId: args.atlasProjectId,
                providerName: "AZURE",
                privateLinkId: link.privateLinkId,
                endpointServiceId: endpoint.id,
                privateEndpointIpAddress: address,
            },
            atlas,
        );
        this.privateEndpointId = endpoint.id;
        this.registerOutputs({ privateEndpointId: this.privateEndpointId });
    }
}
