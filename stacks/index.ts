import { atlasProvider } from "./atlas";
import { loadStackConfig } from "./config/load";
import * as pulumi from "@pulumi/pulumi";
import { deployAwsSite, exportAssets } from "./roles/awsSite";
import { deployAzureSite, syncAssets } from "./roles/azureSite";
import { deployEdge, readSiteStacks } from "./roles/edge";
import { SiteToSiteVpn } from "../components/delivery/siteToSiteVpn";
import {
    ASSET_EXPORT_OUTPUT,
    readStackOutput,
    SITE_OUTPUTS,
    type AllInOneStackOutputs,
    type AwsSiteStackOutputs,
    type AzureSiteStackOutputs,
    type EdgeStackOutputs,
} from "../model/contracts";
import { type Exported } from "./outputs";
import { resourceTags } from "./tags";

/**
 * The program of every stack. The stack's `role` config says what it deploys; its name means
 * nothing to the program. Returns the stack outputs, each role's as its contract (model/contracts.ts) says.
 */
export = async () => {
    const config = loadStackConfig();
    const atlas = atlasProvider(config);
    switch (config.role) {
        case "all-in-one": {
            // One stack holds both sites, and its one update runs on the AWS runner: that runner reaches
            // the private AKS API through a site-to-site VPN (docs/runbooks/new-stack.md, "All-in-one stacks").
            const runner = config.deployRunnerGithubUrl !== "";
            const aws = deployAwsSite(config, atlas, { runnerReachesAks: runner });
            // The Azure site is active exactly when the edge sends it traffic.
            const azure = deployAzureSite(
                { ...config, azureCapacity: config.activeSite === "azure" ? "active" : config.azureCapacity, deployRunnerGithubUrl: "" },
                atlas,
                { vpnGatewaySubnet: runner },
            );
            if (runner) {
                new SiteToSiteVpn("deploy-vpn", {
                    aws: {
                        vpcId: aws.network.vpcId,
                        vpcCidr: config.awsVpcCidr,
                        routeTableIds: aws.network.privateRouteTableIds,
                        provider: aws.providers.primary,
                    },
                    azure: {
                        resourceGroupName: azure.assetSyncTarget.resourceGroupName,
                        location: config.azureLocation,
                        vnetCidr: config.azureVnetCidr,
                        gatewaySubnetId: azure.network.vpnGatewaySubnetId!,
                        tags: resourceTags(config),
                        provider: azure.provider,
                    },
                });
            }
            exportAssets(aws, azure.assetSyncTarget.oidcIssuerUrl);
            if (!azure.identity || !azure.originAddress) {
                // Day 0 (deployStage: foundation): the edge and the asset copy job come with the workloads.
                return { role: config.role, aws: aws.outputs, azure: azure.outputs } satisfies Exported<AllInOneStackOutputs>;
            }
            syncAssets(azure, aws.assetSource);
            const edge = deployEdge(
                config,
                { aws, azure: { ...azure, identity: azure.identity, originAddress: azure.originAddress } },
                atlas,
            );
            return {
                role: config.role,
                aws: aws.outputs,
                azure: azure.outputs,
                edge: edge.outputs,
            } satisfies Exported<AllInOneStackOutputs>;
        }
        case "aws-site": {
            const aws = deployAwsSite(config, atlas);
            // The Azure site's issuer is known only once that site exists: set after its first deploy.
            if (config.awsAssetSyncIssuerUrl) {
                exportAssets(aws, config.awsAssetSyncIssuerUrl);
            }
            return {
                role: config.role,
                [SITE_OUTPUTS.identity]: aws.identity,
                [SITE_OUTPUTS.originAddress]: aws.originAddress,
                [ASSET_EXPORT_OUTPUT]: aws.assetSource,
                aws: aws.outputs,
            } satisfies Exported<AwsSiteStackOutputs>;
        }
        case "azure-site": {
            const azure = deployAzureSite(config, atlas);
            // The copy job is a CronJob on the cluster: it comes with the workloads.
            if (config.azureAssetSourceStack && config.deployStage === "workloads") {
                const reference = new pulumi.StackReference("aws-assets", { name: config.azureAssetSourceStack });
                const sourceStack = config.azureAssetSourceStack;
                const exported = reference
                    .requireOutput(ASSET_EXPORT_OUTPUT)
                    .apply((value) => readStackOutput(sourceStack, "aws-site", ASSET_EXPORT_OUTPUT, value));
                syncAssets(azure, { bucket: exported.bucket, region: exported.region, roleArn: exported.roleArn });
            }
            // A site at `foundation` has no origin yet: it exports neither output (absent, not undefined,
            // which Pulumi warns about), and an edge refuses to point at it.
            return {
                role: config.role,
                ...(azure.identity && azure.originAddress
                    ? { [SITE_OUTPUTS.identity]: azure.identity, [SITE_OUTPUTS.originAddress]: azure.originAddress }
                    : {}),
                azure: azure.outputs,
            } satisfies Exported<AzureSiteStackOutputs>;
        }
        case "edge": {
            const sites = await readSiteStacks(config);
            const edge = deployEdge(config, sites, atlas);
            return { role: config.role, edge: edge.outputs } satisfies Exported<EdgeStackOutputs>;
        }
    }
};
