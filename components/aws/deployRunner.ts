import * as pulumi from "@pulumi/pulumi";
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as ec2 from "@pulumi/aws/ec2";
import * as eks from "@pulumi/aws/eks";
import * as iam from "@pulumi/aws/iam";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as vpc from "@pulumi/aws/vpc";
import { DEPLOY_RUNNER_LABEL, parseGithubScope, runnerBootstrapScript } from "../delivery/runnerBootstrap";
import { awsScope } from "./identity";
import { dataStoreOptions } from "../data/retention";
import { PORTS } from "../../model/intent";

export interface AwsDeployRunnerArgs {
    /** The site's VPC, where the runners' security group goes. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets whose default route is a NAT gateway: the runners' only way out. */
    readonly privateSubnetIds: pulumi.Input<string>[];
    /** Where the runners register: `https://github.com/<org>/<repo>` or `https://github.com/<org>`. */
    readonly githubUrl: string;
    /** Labels besides `deploy-runner`; the stack's name, so that a job picks the runner in the network it must reach. */
    readonly labels: readonly string[];
    /** The EKS cluster whose API the runners call, and its security group. */
    readonly clusterName: pulumi.Input<string>;
    /** The cluster security group; it gets a rule admitting HTTPS to the API from the runners' security group. */
    readonly clusterSecurityGroupId: pulumi.Input<string>;
    /** Encrypts the runners' volumes and the registration credential. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * EC2 instance type of each runner.
     * @default "t3.large" - two vCPUs and 8 GiB: a Pulumi update of one site with its policy packs
     */
    readonly instanceType?: string;
    /** Runners kept up; each takes one job at a time. @default 1 */
    readonly runnerCount?: number;
    /**
     * Installs the Azure CLI and kubelogin, for a stack whose update also reaches an AKS cluster
     * (all-in-one): its Kubernetes provider asks kubelogin for Entra ID tokens. @default false
     */
    readonly installAzureCli?: boolean;
    /** Protect the registration credential's secret from deletion (prod); it is retained either way. */
    readonly protect: boolean;
}

/** EKS's access policy that makes a principal cluster-admin (EKS access policies). */
const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

/**
 * Self-hosted GitHub Actions runners inside the AWS site's VPC, so that updates reach the
 * cluster's private API endpoint. An auto-scaling group of ephemeral runners in the private
 * subnets, behind their own security group (no ingress; HTTPS out only, through NAT), with IMDSv2
 * required and encrypted volumes. Their role is cluster admin through an EKS access entry, may read
 * only its registration credential, and is reachable only through Systems Manager (no SSH).
 * The registration credential lives in the secret `registrationSecretArn`; its value is set
 * once, out of band (docs/runbooks/new-stack.md).
 */
export class AwsDeployRunner extends pulumi.ComponentResource {
    /** ARN of the runners' IAM role, which their jobs run as: cluster admin through an EKS access entry. */
    public readonly roleArn: pulumi.Output<string>;
    /** ID of the runners' security group (no ingress; HTTPS out). */
    public readonly securityGroupId: pulumi.Output<string>;
    /** ARN of the Secrets Manager secret holding the GitHub registration credential; its value is set out of band. */
    public readonly registrationSecretArn: pulumi.Output<string>;
    /** Name of the runners' Auto Scaling group. */
    public readonly autoScalingGroupName: pulumi.Output<string>;

    constructor(name: string, args: AwsDeployRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        const scope = parseGithubScope(args.githubUrl);
        if (!scope) {
            throw new Error(
                `AwsDeployRunner ${name}: githubUrl "${args.githubUrl}" must be https://github.com/<organization> or https://github.com/<organization>/<repository>`,
            );
        }
        const runnerCount = args.runnerCount ?? 1;
        if (!Number.isInteger(runnerCount) || runnerCount < 1 || runnerCount > 10) {
            throw new Error(`AwsDeployRunner ${name}: runnerCount ${runnerCount} must be a whole number from 1 to 10`);
        }
        if (args.privateSubnetIds.length === 0) {
            throw new Error(`AwsDeployRunner ${name}: privateSubnetIds must list at least one private subnet`);
        }
        super("beacon:aws:DeployRunner", name, {}, opts);
        const parent = { parent: this };
        const { partition, account, region } = awsScope(this);

        const registration = new secretsmanager.Secret(
            `${name}-registration`,
            {
                description: "GitHub credential that may create runner registration tokens; set out of band",
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: 7,
            },
            dataStoreOptions(args, parent),
        );

        const role = new iam.Role(
            name,
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            parent,
        );
        // Session Manager instead of SSH: no inbound port, and every session is logged.
        new iam.RolePolicyAttachment(
            `${name}-ssm`,
            { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore` },
            parent,
        );
        new iam.RolePolicy(
            `${name}-registration`,
            {
                role: role.id,
                policy: pulumi
                    .all([registration.arn, args.kmsKeyArn, region, account, partition, args.clusterName])
                    .apply(([secretArn, keyArn, regionName, accountId, partitionName, clusterName]) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
                                {
                                    Effect: "Allow",
                                    Action: "kms:Decrypt",
                                    Resource: keyArn,
                                    Condition: {
                                        StringEquals: {
                                            "kms:ViaService": `secretsmanager.${regionName}.amazonaws.com`,
                                            "kms:CallerAccount": accountId,
                                        },
                                    },
                                },
                                // `aws eks get-token` needs no permission; describing the cluster writes a kubeconfig.
                                {
                                    Effect: "Allow",
                                    Action: "eks:DescribeCluster",
                                    Resource: `arn:${partitionName}:eks:${regionName}:${accountId}:cluster/${clusterName}`,
                                },
                            ],
                        }),
                    ),
            },
            parent,
        );
        const profile = new iam.InstanceProfile(name, { role: role.name }, parent);

        const accessEntry = new eks.AccessEntry(name, { clusterName: args.clusterName, principalArn: role.arn, type: "STANDARD" }, parent);
        new eks.AccessPolicyAssociation(
            name,
            {
                clusterName: args.clusterName,
                principalArn: role.arn,
                policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
                accessScope: { type: "cluster" },
            },
            { parent: this, dependsOn: [accessEntry] },
        );

        const securityGroup = new ec2.SecurityGroup(
            name,
            {
                vpcId: args.vpcId,
                description: "Deploy runners: no inbound; HTTPS out (GitHub, the cloud APIs, the cluster)",
                egress: [
                    {
                        protocol: "tcp",
                        fromPort: PORTS.https,
                        toPort: PORTS.https,
                        cidrBlocks: ["0.0.0.0/0"],
                        description: "HTTPS, through the NAT gateways",
                    },
                ],
            },
            parent,
        );
        new vpc.SecurityGroupIngressRule(
            `${name}-cluster-api`,
            {
                securityGroupId: args.clusterSecurityGroupId,
                referencedSecurityGroupId: securityGroup.id,
                ipProtocol: "tcp",
                fromPort: PORTS.https,
                toPort: PORTS.https,
                description: "The deploy runners call the cluster's private API",
            },
            parent,
        );

        const userData = pulumi.all([registration.arn, region]).apply(([secretArn, regionName]) =>
            Buffer.from(
                runnerBootstrapScript({
                    scope,
                    labels: [DEPLOY_RUNNER_LABEL, ...args.labels],
                    installPackages: "dnf install -y git jq tar gzip libicu iptables-nft",
                    extraSetup: args.installAzureCli
                        ? [
                              // Microsoft's Azure CLI package for RHEL-compatible systems, then kubectl and kubelogin through it.
                              "rpm --import https://packages.microsoft.com/keys/microsoft.asc",
                              "dnf install -y https://packages.microsoft.com/config/rhel/9.0/packages-microsoft-prod.rpm",
                              "dnf install -y azure-cli",
                              "az aks install-cli --install-location /usr/local/bin/kubectl --kubelogin-install-location /usr/local/bin/kubelogin",
                          ]
                        : [],
                    readCredentialCommand: `aws secretsmanager get-secret-value --region ${regionName} --secret-id ${secretArn} --query SecretString --output text`,
                }),
            ).toString("base64"),
        );
        const launchTemplate = new ec2.LaunchTemplate(
            name,
            {
                description: `${name}: GitHub Actions deploy runners, IMDSv2 only, encrypted volumes`,
                // Amazon Linux 2023, resolved by EC2 at launch from AWS's public parameter.
                imageId: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
                instanceType: args.instanceType ?? "t3.large",
                iamInstanceProfile: { arn: profile.arn },
                vpcSecurityGroupIds: [securityGroup.id],
                // Hop limit 1 keeps a job's containers from the instance's metadata and role; jobs on the host
                // itself are kept from it for pull-request events by the runner's job-started hook (runnerBootstrap.ts).
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            encrypted: "true",
                            kmsKeyId: args.kmsKeyArn,
                            volumeSize: 50,
                            volumeType: "gp3",
                            deleteOnTermination: "true",
                        },
                    },
                ],
                userData,
                tagSpecifications: [{ resourceType: "instance", tags: { Name: `${name}-deploy-runner` } }],
            },
            parent,
        );
        const group = new autoscaling.Group(
            name,
            {
                vpcZoneIdentifiers: args.privateSubnetIds,
                minSize: runnerCount,
                maxSize: runnerCount,
                desiredCapacity: runnerCount,
                launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
                // A new launch template (a new runner version, a new size) replaces the runners one by one.
                instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 0 } },
                healthCheckType: "EC2",
            },
            parent,
        );

        this.roleArn = role.arn;
        this.securityGroupId = securityGroup.id;
        this.registrationSecretArn = registration.arn;
        this.autoScalingGroupName = group.name;
        this.registerOutputs({
            roleArn: this.roleArn,
            securityGroupId: this.securityGroupId,
            registrationSecretArn: this.registrationSecretArn,
            autoScalingGroupName: this.autoScalingGroupName,
        });
    }
}
