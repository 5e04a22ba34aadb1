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

/**
 * The trust policy of a role that one Kubernetes ServiceAccount assumes with its projected token
 * (AssumeRoleWithWebIdentity): the cluster's OIDC provider, that subject only, STS's audience.
 */
export function webIdentityTrustPolicy(
    providerArn: pulumi.Input<string>,
    issuerUrl: pulumi.Input<string>,
    subject: string,
): pulumi.Output<string> {
    return pulumi.all([providerArn, issuerUrl]).apply(([arn, issuer]) => {
        const host = issuer.replace(/^https:\/\//, "");
        return JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: arn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: { StringEquals: { [`${host}:sub`]: subject, [`${host}:aud`]: "sts.amazonaws.com" } },
                },
            ],
        });
    });
}
