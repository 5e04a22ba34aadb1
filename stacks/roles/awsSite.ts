import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { AwsNetwork } from "../../components/aws/network";
import { type AwsSiteSettings } from "../config/schema";
import { type SiteIdentity } from "../siteIdentity";
import { resourceTags } from "../tags";

/** The AWS primary site: its providers and network. */
export function deployAwsSite(config: AwsSiteSettings) {
    const defaultTags = { tags: resourceTags(config) };
    const primary = new AwsProvider("aws-primary", { region: config.awsRegion, defaultTags });
    // Replicas and backup copies (S3 replication, AWS Backup copy actions) go through this one.
    const replica = new AwsProvider("aws-replica", { region: config.awsReplicaRegion, defaultTags });

    const network = new AwsNetwork("aws-site", {
        cidrBlock: config.awsVpcCidr,
        zoneCount: config.awsZoneCount,
        natGatewayCount: config.awsNatGatewayCount,
        flowLogRetentionDays: config.awsFlowLogRetentionDays,
    }, { provider: primary });

    const identity: SiteIdentity = { role: "aws-site", environment: config.environment, addressSpace: config.awsVpcCidr };
    return {
        identity,
        providers: { primary, replica },
        network,
        outputs: {
            region: config.awsRegion,
            replicaRegion: config.awsReplicaRegion,
            vpcId: network.vpcId,
            publicSubnetIds: network.publicSubnetIds,
            privateSubnetIds: network.privateSubnetIds,
            isolatedSubnetIds: network.isolatedSubnetIds,
            flowLogGroupName: network.flowLogGroupName,
        },
    };
}
