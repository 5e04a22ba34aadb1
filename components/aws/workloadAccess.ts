import * as pulumi from "@pulumi/pulumi";
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import { pinnedRelease } from "../kubernetes/pinnedRelease";
import { type Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { webIdentityTrustPolicy } from "./identity";

/**
 * The AWS Secrets Manager provider for the Secrets Store CSI driver, which it installs too.
 * Pinned; bump deliberately.
 */
export const SECRETS_STORE_PROVIDER_CHART = {
    chart: "secrets-store-csi-driver-provider-aws",
    repository: "https://aws.github.io/secrets-store-csi-driver-provider-aws",
    version: "3.1.1",
} as const;

export interface AwsWorkloadAccessArgs {
    /** The cluster's IAM OIDC provider, and its issuer URL. */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** The issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`), whose `:sub` and `:aud` conditions the role trusts key on. */
    readonly oidcIssuer: pulumi.Input<string>;
    /** The namespace the services' ServiceAccounts live in. */
    readonly namespace: string;
    /** Each service's own Secrets Manager secret: no other service's role may read it. */
    readonly secretArns: Readonly<Record<string, pulumi.Input<string>>>;
    /** Secrets every service reads besides its own: the Redis AUTH token. */
    readonly sharedSecretArns: readonly pulumi.Input<string>[];
    /** The static assets bucket, and the services that read its objects (through the S3 gateway endpoint). */
    readonly assetsBucketArn: pulumi.Input<string>;
    /** Services, by name (keys of secretArns), whose roles may read the assets bucket's objects. */
    readonly assetReaderServices: readonly string[];
    /** The KMS key those secrets and the assets are encrypted with. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** AWS region of the site, e.g. "eu-west-1": the `kms:ViaService` endpoints the roles may decrypt through. */
    readonly region: string;
    /** Installs the Secrets Store CSI driver and its AWS provider on the EKS cluster. */
    readonly kubernetesProvider: KubernetesProvider;
    /** The origin load balancer's target group and security group, and the port it forwards to. */
    readonly targetGroupArn: pulumi.Input<string>;
    /** The origin load balancer's security group: the only source the nodes admit on gatewayNodePort. */
    readonly loadBalancerSecurityGroupId: pulumi.Input<string>;
    /** The cluster security group on the nodes, which gets the rule admitting the load balancer. */
    readonly nodeSecurityGroupId: pulumi.Input<string>;
    /** The managed node group's Auto Scaling group, attached to targetGroupArn so every node is a target. */
    readonly nodeAutoScalingGroupName: pulumi.Input<string>;
    /** The gateway Service's node port (30000-32767) the load balancer forwards to and the nodes admit. */
    readonly gatewayNodePort: number;
}

/**
 * What the hub's workloads need from AWS: an IAM role per service, assumed only by that
 * service's ServiceAccount (IRSA), that reads its own secret and the shared ones (the Redis AUTH
 * token), and for the asset readers the assets bucket's objects; the Secrets Store CSI
 * driver that mounts it; and the glue from the origin load balancer to the in-cluster gateway
 * (the node group in its target group, and the nodes admitting it on the gateway's port).
 */
export class AwsWorkloadAccess extends pulumi.ComponentResource {
    /** ARN of each service's IRSA role, by service name; the ServiceAccounts are annotated with them. */
    public readonly roleArns: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: AwsWorkloadAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        const unknownReaders = args.assetReaderServices.filter((service) => !(service in args.secretArns));
        if (unknownReaders.length > 0) {
            throw new Error(
                `AwsWorkloadAccess ${name}: assetReaderServices ${JSON.stringify(unknownReaders)} are not services; allowed: ${Object.keys(args.secretArns).join(", ")}`,
            );
        }
        super("beacon:aws:WorkloadAccess", name, {}, opts);
        const parent = { parent: this };

        this.roleArns = {};
        for (const [service, secretArn] of Object.entries(args.secretArns)) {
            const readsAssets = args.assetReaderServices.includes(service);
            const role = new iam.Role(
                `${name}-${service}`,
                {
                    description: `The ${service} service's pods (IRSA)`,
                    assumeRolePolicy: webIdentityTrustPolicy(
                        args.oidcProviderArn,
                        args.oidcIssuer,
                        `system:serviceaccount:${args.namespace}:${service}`,
                    ),
                },
                parent,
            );
            new iam.RolePolicy(
                `${name}-${service}`,
                {
                    role: role.name,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "ReadOwnAndSharedSecrets",
                                Effect: "Allow",
                                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                                Resource: [secretArn, ...args.sharedSecretArns],
                            },
                            // Current objects only: nothing on the site serves an old version. The bucket policy still
                            // denies every version read (OBJECT_READS) outside the VPC endpoint.
                            ...(readsAssets
                                ? [
                                      {
                                          Sid: "ReadAssets",
                                          Effect: "Allow",
                                          Action: ["s3:GetObject"],
                                          Resource: pulumi.interpolate`${args.assetsBucketArn}/*`,
                                      },
                                  ]
                                : []),
                            {
                                Sid: readsAssets ? "DecryptThroughSecretsManagerAndS3" : "DecryptThroughSecretsManager",
                                Effect: "Allow",
                                Action: "kms:Decrypt",
                                Resource: args.kmsKeyArn,
                                Condition: {
                                    StringEquals: {
                                        "kms:ViaService": [
                                            `secretsmanager.${args.region}.amazonaws.com`,
                                            ...(readsAssets ? [`s3.${args.region}.amazonaws.com`] : []),
                                        ],
                                    },
                                },
                            },
                        ],
                    }),
                },
                parent,
            );
            this.roleArns[service] = role.arn;
        }

        pinnedRelease(
            `${name}-secrets-store`,
            SECRETS_STORE_PROVIDER_CHART,
            {
                name: "secrets-store",
                namespace: "kube-system",
                // Secrets stay files in the pods; never copies as Kubernetes Secrets.
                values: { "secrets-store-csi-driver": { install: true, syncSecret: { enabled: false }, enableSecretRotation: true } },
            },
            { parent: this, provider: args.kubernetesProvider },
        );

        new autoscaling.Attachment(
            `${name}-gateway-targets`,
            {
                autoscalingGroupName: args.nodeAutoScalingGroupName,
                lbTargetGroupArn: args.targetGroupArn,
            },
            parent,
        );
        new ec2.SecurityGroupRule(
            `${name}-gateway-from-origin`,
            {
                type: "ingress",
                securityGroupId: args.nodeSecurityGroupId,
                sourceSecurityGroupId: args.loadBalancerSecurityGroupId,
                protocol: "tcp",
                fromPort: args.gatewayNodePort,
                toPort: args.gatewayNodePort,
                description: "Origin load balancer to the in-cluster gateway",
            },
            parent,
        );

        this.registerOutputs({ roleArns: this.roleArns });
    }
}

/** A secret a pod mounts from Secrets Manager, under a file name of its own (not the ARN). */
export interface MountedSecret {
    readonly arn: pulumi.Input<string>;
    /** The file name in the mount. */
    readonly fileName: string;
}

/**
 * The `objects` parameter of the AWS provider's SecretProviderClass. Without `objectAlias` the
 * provider names each file after the object name, here a full ARN
 * (aws/secrets-store-csi-driver-provider-aws README, "objectAlias").
 */
export function secretsManagerObjects(secrets: readonly MountedSecret[]): pulumi.Output<string> {
    return pulumi
        .all(secrets.map((secret) => secret.arn))
        .apply((arns) =>
            arns
                .map(
                    (arn, index) => `- objectName: "${arn}"\n  objectType: "secretsmanager"\n  objectAlias: "${secrets[index].fileName}"\n`,
                )
                .join(""),
        );
}
