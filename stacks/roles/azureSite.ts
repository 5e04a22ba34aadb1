import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { AzureNetwork } from "../../components/azure/network";
import { type AzureSiteSettings } from "../config/schema";
import { type SiteIdentity } from "../siteIdentity";
import { resourceTags } from "../tags";

/** The Azure backup site: its provider, resource group and network. */
export function deployAzureSite(config: AzureSiteSettings) {
    const tags = resourceTags(config);
    const provider = new AzureProvider("azure", { location: config.azureLocation });
    const resourceGroup = new ResourceGroup("azure-site", { location: config.azureLocation, tags }, { provider });

    const network = new AzureNetwork("azure-site", {
        resourceGroupName: resourceGroup.name,
        location: config.azureLocation,
        addressSpace: config.azureVnetCidr,
        tags,
    }, { provider });

    const identity: SiteIdentity = { role: "azure-site", environment: config.environment, addressSpace: config.azureVnetCidr };
    return {
        identity,
        provider,
        network,
        outputs: {
            location: config.azureLocation,
            resourceGroupName: resourceGroup.name,
            vnetId: network.vnetId,
            subnetIds: network.subnetIds,
        },
    };
}
