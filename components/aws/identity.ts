import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { getRegionOutput } from "@pulumi/aws/getRegion";

/** The account, partition and region a component's provider deploys into, for ARNs and policies. */
export interface AwsScope {
    readonly account: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
}

/** Reads the scope through the parent's provider. */
export function awsScope(parent: pulumi.Resource): AwsScope {
    const options = { parent };
    return {
        account: getCallerIdentityOutput({}, options).accountId,
        partition: getPartitionOutput({}, options).partition,
        region: getRegionOutput({}, options).region,
    };
}
