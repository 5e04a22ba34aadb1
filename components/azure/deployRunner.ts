import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import { DEPLOY_RUNNER_LABEL, parseGithubScope, runnerBootstrapScript } from "../delivery/runnerBootstrap";
import { builtInRoleId } from "./roles";

/** The Key Vault secret that holds the GitHub credential the runners register with; set out of band. */
export const RUNNER_REGISTRATION_SECRET = "deploy-runner-registration";

/** Where the runners' egress and the runners themselves are created: resource group, region and tags. */
export interface AzureRunnerEgressArgs {
    /** Resource group of every resource the component creates. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of those resources, e.g. "westeurope". */
    readonly location: string;
    /**
     * Tags set on every resource the component creates.
     * @default - no tags
     */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The deploy runners' only way out: a NAT gateway with its own Standard public IP. The runners
 * have no public address; the subnet has no default outbound access. It exists before the
 * network, whose runner subnet attaches it.
 */
export class AzureRunnerEgress extends pulumi.ComponentResource {
    /** ARM resource ID of the NAT gateway; the runner subnet attaches it. */
    public readonly natGatewayId: pulumi.Output<string>;
    /** The static public IPv4 address all of the runners' outbound traffic comes from. */
    public readonly publicIpAddress: pulumi.Output<string | undefined>;

    constructor(name: string, args: AzureRunnerEgressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:azure:RunnerEgress", name, {}, opts);
        const parent = { parent: this };
        const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: { ...args.tags } };
        // A NAT gateway lives in one zone or none; its address must match, so neither is zonal.
        const address = new network.PublicIPAddress(
            name,
            { ...common, sku: { name: "Standard", tier: "Regional" }, publicIPAllocationMethod: "Static" },
            parent,
        );
        const gateway = new network.NatGateway(
            name,
            {
                ...common,
                sku: { name: "Standard" },
                idleTimeoutInMinutes: 10,
                publicIpAddresses: [{ id: address.id }],
            },
            parent,
        );
        this.natGatewayId = gateway.id;
        this.publicIpAddress = address.ipAddress;
        this.registerOutputs({ natGatewayId: this.natGatewayId, publicIpAddress: this.publicIpAddress });
    }
}

export interface AzureDeployRunnerArgs extends AzureRunnerEgressArgs {
    /** The runners' own subnet, behind its NSG (nothing inbound), egress through AzureRunnerEgress. */
    readonly subnetId: pulumi.Input<string>;
    /** Where the runners register: `https://github.com/<org>/<repo>` or `https://github.com/<org>`. */
    readonly githubUrl: string;
    /** Labels besides `deploy-runner`; the stack's name, so that a job picks the runner in the network it must reach. */
    readonly labels: readonly string[];
    /** The AKS cluster whose API the runners call with the AKS RBAC Cluster Admin role. */
    readonly clusterId: pulumi.Input<string>;
    /** The site's Key Vault, which holds the registration credential `deploy-runner-registration`. */
    readonly keyVaultId: pulumi.Input<string>;
    /** The same vault's name; the runners read the registration credential with `az keyvault secret show --vault-name`. */
    readonly keyVaultName: pulumi.Input<string>;
    /** The one SSH key of the admin user: Azure requires a key once password sign-in is off. Sign-in goes through Bastion or `az ssh` with Entra ID; no port is open. */
    readonly sshPublicKey: string;
    /**
     * VM size of the scale set's instances, one runner each.
     * @default "Standard_D2s_v5" - two vCPUs and 8 GiB: a Pulumi update of one site with its policy packs
     */
    readonly vmSize?: string;
    /** Runners kept up; each takes one job at a time. @default 1 */
    readonly runnerCount?: number;
}

/**
 * Self-hosted GitHub Actions runners inside the Azure site's VNet, so that updates reach the
 * private AKS API. A scale set of ephemeral runners in their own subnet, with no public IP and
 * password sign-in off, signed in as a user-assigned identity that holds the AKS RBAC Cluster
 * Admin role on the cluster and may read only its registration credential. kubelogin and the
 * Azure CLI are installed: the cluster's Kubernetes provider asks kubelogin for Entra ID tokens,
 * and the workflows sign the Azure CLI in as this identity (.github/actions/cloud-login).
 */
export class AzureDeployRunner extends pulumi.ComponentResource {
    /** Object ID of the runners' user-assigned identity, the principal of its role assignments. */
    public readonly identityPrincipalId: pulumi.Output<string>;
    /** Client ID of the runners' user-assigned identity, with which the workflows sign the Azure CLI in. */
    public readonly identityClientId: pulumi.Output<string>;
    /** Name of the runners' virtual machine scale set. */
    public readonly scaleSetName: pulumi.Output<string>;

    constructor(name: string, args: AzureDeployRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        const scope = parseGithubScope(args.githubUrl);
        if (!scope) {
            throw new Error(
                `AzureDeployRunner ${name}: githubUrl "${args.githubUrl}" must be https://github.com/<organization> or https://github.com/<organization>/<repository>`,
            );
        }
        const runnerCount = args.runnerCount ?? 1;
        if (!Number.isInteger(runnerCount) || runnerCount < 1 || runnerCount > 10) {
            throw new Error(`AzureDeployRunner ${name}: runnerCount ${runnerCount} must be a whole number from 1 to 10`);
        }
        if (!/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$/.test(args.sshPublicKey)) {
            throw new Error(
                `AzureDeployRunner ${name}: sshPublicKey must be an OpenSSH public key (ssh-ed25519, ssh-rsa or ecdsa), not a private key or a password`,
            );
        }
        super("beacon:azure:DeployRunner", name, {}, opts);
        const parent = { parent: this };
        const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: { ...args.tags } };
        const subscription = authorization.getClientConfigOutput(parent).subscriptionId;

        const identity = new managedidentity.UserAssignedIdentity(name, common, parent);
        const clusterAdmin = new authorization.RoleAssignment(
            `${name}-cluster-admin`,
            {
                scope: args.clusterId,
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: builtInRoleId(subscription, "aksRbacClusterAdmin"),
            },
            parent,
        );
        // The secret exists before its value does, as on AWS: ARM refuses a role assignment at a scope
        // that does not exist. Without `value` the provider never writes one, so the credential set out
        // of band stays (SecretProperties.value is optional, Azure/azure-rest-api-specs keyvault secrets.json).
        const registration = new keyvault.Secret(
            `${name}-registration`,
            {
                resourceGroupName: args.resourceGroupName,
                vaultName: args.keyVaultName,
                secretName: RUNNER_REGISTRATION_SECRET,
                properties: { contentType: "GitHub credential that may create runner registration tokens; set out of band" },
                tags: { ...args.tags },
            },
            parent,
        );
        const readsRegistration = new authorization.RoleAssignment(
            `${name}-registration`,
            {
                // The one secret, not the vault: the runners read nothing else there.
                scope: pulumi.interpolate`${args.keyVaultId}/secrets/${registration.name}`,
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: builtInRoleId(subscription, "keyVaultSecretsUser"),
            },
            parent,
        );

        const customData = pulumi.all([identity.clientId, args.keyVaultName]).apply(([clientId, vaultName]) =>
            Buffer.from(
                runnerBootstrapScript({
                    scope,
                    labels: [DEPLOY_RUNNER_LABEL, ...args.labels],
                    installPackages: "apt-get update && apt-get install -y git jq curl ca-certificates iptables",
                    extraSetup: [
                        // The Azure CLI (Microsoft's package), then kubectl and kubelogin through it.
                        "curl -fsSL https://aka.ms/InstallAzureCLIDeb | bash",
                        "az aks install-cli --install-location /usr/local/bin/kubectl --kubelogin-install-location /usr/local/bin/kubelogin",
                    ],
                    readCredentialCommand: `az login --identity --client-id ${clientId} --allow-no-subscriptions --output none && az keyvault secret show --vault-name ${vaultName} --name ${RUNNER_REGISTRATION_SECRET} --query value --output tsv`,
                    jobEnvironment: { DEPLOY_RUNNER_CLIENT_ID: clientId },
                }),
            ).toString("base64"),
        );

        const scaleSet = new compute.VirtualMachineScaleSet(
            name,
            {
                ...common,
                sku: { name: args.vmSize ?? "Standard_D2s_v5", tier: "Standard", capacity: runnerCount },
                identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
                orchestrationMode: "Uniform",
                // A new model (a new runner version, a new size) replaces the runners at once: they hold no state.
                upgradePolicy: { mode: "Automatic" },
                virtualMachineProfile: {
                    osProfile: {
                        computerNamePrefix: "runner",
                        adminUsername: "runneradmin",
                        customData,
                        linuxConfiguration: {
                            disablePasswordAuthentication: true,
                            ssh: { publicKeys: [{ path: "/home/runneradmin/.ssh/authorized_keys", keyData: args.sshPublicKey }] },
                            provisionVMAgent: true,
                        },
                    },
                    storageProfile: {
                        imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
                        // Managed disks are encrypted at rest by the platform.
                        osDisk: {
                            createOption: "FromImage",
                            caching: "ReadWrite",
                            managedDisk: { storageAccountType: "Premium_LRS" },
                            diskSizeGB: 64,
                        },
                    },
                    networkProfile: {
                        networkInterfaceConfigurations: [
                            {
                                name: "runner",
                                primary: true,
                                ipConfigurations: [{ name: "runner", primary: true, subnet: { id: args.subnetId } }],
                            },
                        ],
                    },
                    securityProfile: { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
                },
            },
            { parent: this, dependsOn: [clusterAdmin, readsRegistration] },
        );

        this.identityPrincipalId = identity.principalId;
        this.identityClientId = identity.clientId;
        this.scaleSetName = scaleSet.name;
        this.registerOutputs({
            identityPrincipalId: this.identityPrincipalId,
            identityClientId: this.identityClientId,
            scaleSetName: this.scaleSetName,
        });
    }
}
