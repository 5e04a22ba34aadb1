import { atlasProvider } from "./atlas";
import { loadStackConfig } from "./config/load";
import { deployAwsSite } from "./roles/awsSite";
import { deployAzureSite } from "./roles/azureSite";
import { deployEdge, readSiteStacks } from "./roles/edge";
import { SITE_ORIGIN_ADDRESS_OUTPUT } from "./siteIdentity";

/**
 * The program of every stack. The stack's `role` config says what it deploys; its name means
 * nothing to the program. Returns the stack outputs.
 */
export = async () => {
    const config = loadStackConfig();
    const atlas = atlasProvider(config);
    switch (config.role) {
        case "all-in-one": {
            const aws = deployAwsSite(config, atlas);
            // One stack holds both sites: the Azure site is active exactly when the edge sends it traffic.
            const azure = deployAzureSite({ ...config, azureCapacity: config.activeSite === "azure" ? "active" : config.azureCapacity }, atlas);
            const edge = deployEdge(config, { aws, azure }, atlas);
            return { role: config.role, aws: aws.outputs, azure: azure.outputs, edge: edge.outputs };
        }
        case "aws-site": {
            const aws = deployAwsSite(config, atlas);
            return { role: config.role, siteIdentity: aws.identity, [SITE_ORIGIN_ADDRESS_OUTPUT]: aws.originAddress, aws: aws.outputs };
        }
        case "azure-site": {
            const azure = deployAzureSite(config, atlas);
            return { role: config.role, siteIdentity: azure.identity, [SITE_ORIGIN_ADDRESS_OUTPUT]: azure.originAddress, azure: azure.outputs };
        }
        case "edge": {
            const sites = await readSiteStacks(config);
            const edge = deployEdge(config, sites, atlas);
            return { role: config.role, edge: edge.outputs };
        }
    }
};
