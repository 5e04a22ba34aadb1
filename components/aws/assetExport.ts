import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { webIdentityTrustPolicy } from "./identity";

export interface AwsAssetExportArgs {
    /**
     * The role's name. Fixed, because the Azure site is configured with the role's ARN before the
     * role can exist (it needs that site's issuer): see docs/azure-site.md.
     */
    readonly roleName: string;
    /** The OIDC issuer of the cluster whose job copies the assets out (the Azure site's AKS). */
    readonly issuerUrl: pulumi.Input<string>;
    /** `system:serviceaccount:<namespace>:<name>` of the copying job. */
    readonly subject: string;
    /** ARN of the assets bucket the role may list and read objects from. */
    readonly bucketArn: pulumi.Input<string>;
    /** The key the bucket's objects are encrypted with. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** AWS region of the bucket, e.g. "us-east-1": the role decrypts only through S3 there (`kms:ViaService`). */
    readonly region: string;
}

/** The ARN the export role has, or will have once the Azure site's issuer is configured. */
export function assetExportRoleArn(
    roleName: string,
    scope: { account: pulumi.Input<string>; partition: pulumi.Input<string> },
): pulumi.Output<string> {
    return pulumi.interpolate`arn:${scope.partition}:iam::${scope.account}:role/${roleName}`;
}

/**
 * Lets the Azure site copy the static assets without AWS keys: an IAM OIDC provider for the
 * AKS cluster's issuer and a role that only the copying job's ServiceAccount can assume, which
 * may only list the assets bucket and read its objects.
 */
export class AwsAssetExport extends pulumi.ComponentResource {
    /** ARN of the role the copying job assumes with its ServiceAccount token. */
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: AwsAssetExportArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!/^system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+$/.test(args.subject)) {
            throw new Error(`AwsAssetExport ${name}: subject "${args.subject}" must be system:serviceaccount:<namespace>:<name>`);
        }
        super("beacon:aws:AssetExport", name, {}, opts);
        const parent = { parent: this };
        const provider = new iam.OpenIdConnectProvider(name, { url: args.issuerUrl, clientIdLists: ["sts.amazonaws.com"] }, parent);
        const role = new iam.Role(
            name,
            {
                name: args.roleName,
                description: "The Azure site's asset copy job (web identity from AKS)",
                assumeRolePolicy: webIdentityTrustPolicy(provider.arn, args.issuerUrl, args.subject),
                maxSessionDuration: 3600,
            },
            { parent: this, deleteBeforeReplace: true },
        );
        new iam.RolePolicy(
            name,
            {
                role: role.name,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "ListAssets", Effect: "Allow", Action: "s3:ListBucket", Resource: args.bucketArn },
                        { Sid: "ReadAssets", Effect: "Allow", Action: "s3:GetObject", Resource: pulumi.interpolate`${args.bucketArn}/*` },
                        {
                            Sid: "DecryptThroughS3",
                            Effect: "Allow",
                            Action: "kms:Decrypt",
                            Resource: args.kmsKeyArn,
                            Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
                        },
                    ],
                }),
            },
            parent,
        );
        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
