import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { CronJob } from "@pulumi/kubernetes/batch/v1";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { type Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { HardenedNamespace } from "../kubernetes/hardenedNamespace";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from "../kubernetes/podSecurity";
import { builtInRoleId } from "./roles";

/** Where the copy job runs, and the ServiceAccount both clouds trust. */
export const ASSET_SYNC_NAMESPACE = "asset-sync";
export const ASSET_SYNC_SUBJECT = `system:serviceaccount:${ASSET_SYNC_NAMESPACE}:asset-sync`;
/** rclone, pinned; bump deliberately. */
export const RCLONE_IMAGE = "rclone/rclone:1.69.1";

/** The primary's assets, as the AWS site exports them. */
export interface AssetSource {
    /** Name of the S3 bucket that holds the primary's static assets. */
    readonly bucket: pulumi.Input<string>;
    /** AWS region of that bucket, e.g. "eu-west-1"; also the STS region the job signs in through. */
    readonly region: pulumi.Input<string>;
    /** The role the job assumes with its ServiceAccount token (web identity). */
    readonly roleArn: pulumi.Input<string>;
}

export interface AzureAssetSyncArgs {
    /** Resource group of the job's user-assigned identity. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of that identity, e.g. "westeurope". */
    readonly location: string;
    /** The S3 bucket the job copies from, and the AWS role it reads it as. */
    readonly source: AssetSource;
    /** The assets storage account and its container. */
    readonly accountName: pulumi.Input<string>;
    /** ARM resource ID of the assets container: the only scope the job's identity may write (Storage Blob Data Contributor). */
    readonly containerId: pulumi.Input<string>;
    /** Name of the assets container the job copies into. */
    readonly container: string;
    /** The AKS cluster's OIDC issuer and Kubernetes provider. */
    readonly oidcIssuerUrl: pulumi.Input<string>;
    /** Deploys the job's namespace, ServiceAccount and CronJob to the AKS cluster. */
    readonly kubernetesProvider: KubernetesProvider;
    /**
     * Cron schedule of the copy, in the cluster's time zone (UTC).
     * @default "17 * * * *" - hourly, at 17 minutes past
     */
    readonly schedule?: string;
    /** Tags set on the job's identity. */
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * Copies the primary's static assets from S3 into the Azure site's storage, hourly, without a
 * long-lived key on either side: an rclone CronJob on AKS signs in to Azure with workload
 * identity (allowed to write only the assets container) and to AWS with its ServiceAccount token
 * through AssumeRoleWithWebIdentity (a role that may only read the assets bucket).
 */
export class AzureAssetSync extends pulumi.ComponentResource {
    /** Client ID of the job's user-assigned identity, the one its ServiceAccount is annotated with. */
    public readonly clientId: pulumi.Output<string>;

    constructor(name: string, args: AzureAssetSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:azure:AssetSync", name, {}, opts);
        const parent = { parent: this };
        const cluster = { parent: this, provider: args.kubernetesProvider };

        const identity = new managedidentity.UserAssignedIdentity(
            name,
            { resourceGroupName: args.resourceGroupName, location: args.location, tags: { ...args.tags } },
            parent,
        );
        new managedidentity.FederatedIdentityCredential(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: identity.name,
                issuer: args.oidcIssuerUrl,
                subject: ASSET_SYNC_SUBJECT,
                audiences: ["api://AzureADTokenExchange"],
            },
            parent,
        );
        new authorization.RoleAssignment(
            name,
            {
                scope: args.containerId,
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: builtInRoleId(getClientConfigOutput(parent).subscriptionId, "storageBlobDataContributor"),
            },
            parent,
        );

        const namespace = new HardenedNamespace(
            `${name}-namespace`,
            {
                namespace: ASSET_SYNC_NAMESPACE,
                quota: { requestsCpu: "1", requestsMemory: "1Gi", limitsCpu: "2", limitsMemory: "2Gi", pods: 4 },
                allow: [
                    {
                        name: "allow-storage-and-s3",
                        spec: {
                            podSelector: {},
                            policyTypes: ["Egress"],
                            // The storage account's private endpoint in the VNet; S3 and Entra ID over public HTTPS.
                            egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
                        },
                    },
                ],
            },
            cluster,
        );
        const account = new ServiceAccount(
            name,
            {
                metadata: {
                    name: "asset-sync",
                    namespace: namespace.name,
                    annotations: { "azure.workload.identity/client-id": identity.clientId },
                },
                automountServiceAccountToken: false,
            },
            cluster,
        );

        const env: { name: string; value: pulumi.Input<string> }[] = [
            { name: "HOME", value: "/tmp" },
            { name: "RCLONE_CONFIG_S3_TYPE", value: "s3" },
            { name: "RCLONE_CONFIG_S3_PROVIDER", value: "AWS" },
            { name: "RCLONE_CONFIG_S3_ENV_AUTH", value: "true" },
            { name: "RCLONE_CONFIG_S3_REGION", value: args.source.region },
            { name: "AWS_REGION", value: args.source.region },
            { name: "AWS_ROLE_ARN", value: args.source.roleArn },
            { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: "/var/run/secrets/aws/token" },
            { name: "RCLONE_CONFIG_BLOB_TYPE", value: "azureblob" },
            { name: "RCLONE_CONFIG_BLOB_ACCOUNT", value: args.accountName },
            { name: "RCLONE_CONFIG_BLOB_ENV_AUTH", value: "true" },
        ];
        new CronJob(
            name,
            {
                metadata: { name: "asset-sync", namespace: namespace.name },
                spec: {
                    schedule: args.schedule ?? "17 * * * *",
                    concurrencyPolicy: "Forbid",
                    successfulJobsHistoryLimit: 3,
                    failedJobsHistoryLimit: 5,
                    jobTemplate: {
                        spec: {
                            backoffLimit: 2,
                            activeDeadlineSeconds: 3000,
                            template: {
                                metadata: { labels: { "app.kubernetes.io/name": "asset-sync", "azure.workload.identity/use": "true" } },
                                spec: {
                                    serviceAccountName: account.metadata.name,
                                    automountServiceAccountToken: false,
                                    restartPolicy: "Never",
                                    securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
                                    containers: [
                                        {
                                            name: "rclone",
                                            image: RCLONE_IMAGE,
                                            // sync mirrors deletions too, so the standby never serves an asset the primary withdrew.
                                            args: [
                                                "sync",
                                                pulumi.interpolate`s3:${args.source.bucket}`,
                                                `blob:${args.container}`,
                                                "--checksum",
                                                "--fast-list",
                                                "--s3-no-check-bucket",
                                                "--azureblob-no-check-container",
                                                "--stats-one-line",
                                                "--stats=60s",
                                            ],
                                            env,
                                            resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                                            securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
                                            volumeMounts: [
                                                { name: "tmp", mountPath: "/tmp" },
                                                { name: "aws-token", mountPath: "/var/run/secrets/aws", readOnly: true },
                                            ],
                                        },
                                    ],
                                    volumes: [
                                        { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
                                        // The ServiceAccount token AWS STS accepts: same issuer, AWS's audience.
                                        {
                                            name: "aws-token",
                                            projected: {
                                                sources: [
                                                    {
                                                        serviceAccountToken: {
                                                            audience: "sts.amazonaws.com",
                                                            expirationSeconds: 3600,
                                                            path: "token",
                                                        },
                                                    },
                                                ],
                                            },
                                        },
                                    ],
                                },
                            },
                        },
                    },
                },
            },
            cluster,
        );

        this.clientId = identity.clientId;
        this.registerOutputs({ clientId: this.clientId });
    }
}
