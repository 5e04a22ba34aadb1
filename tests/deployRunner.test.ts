import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    ACTIONS_RUNNER_VERSION,
    DEPLOY_RUNNER_LABEL,
    INSTANCE_METADATA_ADDRESS,
    parseGithubScope,
    runnerBootstrapScript,
} from "../components/delivery/runnerBootstrap";
import { planStack, type PlannedResource, type StackPlan } from "../tools/plan/planner";
import { listStacks } from "../tools/stacks";
import { assertPlanFails, FIXTURES, one, parentOf, REPOSITORY_ROOT, resourceNamed, resourcesOfType, sharedPlan } from "./helpers";

const RUNNER = "aws-deploy-runner";

describe("deploy runners", () => {
    describe("their boot script", () => {
        const scope = parseGithubScope("https://github.com/acme/infra")!;

        it("registers an ephemeral runner for a repository or an organization, and nothing else", () => {
            assert.equal(scope.registrationTokenPath, "/repos/acme/infra/actions/runners/registration-token");
            assert.equal(
                parseGithubScope("https://github.com/acme")?.registrationTokenPath,
                "/orgs/acme/actions/runners/registration-token",
            );
            for (const bad of [
                "http://github.com/acme",
                "https://github.example.com/acme",
                "https://github.com/acme/infra/tree",
                "https://github.com/",
            ]) {
                assert.equal(parseGithubScope(bad), undefined, bad);
            }
            const script = runnerBootstrapScript({
                scope,
                labels: [DEPLOY_RUNNER_LABEL, "prod-aws"],
                installPackages: "dnf install -y git jq",
                readCredentialCommand: "read-it",
            });
            assert.match(script, new RegExp(`/download/v${ACTIONS_RUNNER_VERSION.replace(/\./g, "\\.")}/actions-runner-linux-x64-`));
            assert.match(
                script,
                /\.\/config\.sh --unattended --ephemeral --replace --url 'https:\/\/github\.com\/acme\/infra' --token "\$token" --labels 'deploy-runner,prod-aws'/,
            );
            assert.match(script, /credential="\$\(read-it\)"/);
            assert.match(script, /https:\/\/api\.github\.com\/repos\/acme\/infra\/actions\/runners\/registration-token/);
            assert.match(script, /^exec runuser -u runner -- \.\/run\.sh$/m, "jobs never run as root");
            assert.match(script, /^credential="\$\(read-it\)"$/m);
            assert.ok(
                script.indexOf('credential="$(read-it)"') < script.indexOf("runuser -u runner -- ./config.sh"),
                "the registration credential is read as root, before anything runs as the runner user",
            );
        });

        it("shut a pull request's job out of the machine identity, and open it again only for the next job", () => {
            const script = runnerBootstrapScript({ scope, labels: [DEPLOY_RUNNER_LABEL], installPackages: "", readCredentialCommand: "x" });
            const rule = `OUTPUT -d ${INSTANCE_METADATA_ADDRESS} -m owner --uid-owner runner -j REJECT`;
            const hook = /cat > (\S+) <<'HOOK'\n([\s\S]*?)\nHOOK/.exec(script)!;
            assert.match(script, new RegExp(`^echo 'ACTIONS_RUNNER_HOOK_JOB_STARTED=${hook[1]}' >> /opt/actions-runner/\\.env$`, "m"));
            assert.match(hook[2], /pull_request \| pull_request_target \| merge_group\) sudo -n (\S+) ;;/);
            const seal = /sudo -n (\S+)/.exec(hook[2])![1];
            assert.ok(!hook[1].startsWith("/opt/actions-runner"), "the hook is root's, out of the job's reach");
            assert.match(
                script,
                new RegExp(
                    `cat > ${seal} <<'SEAL'\n#!/bin/bash\nset -euo pipefail\niptables -C ${rule} 2>/dev/null \\|\\| iptables -I ${rule}\nSEAL`,
                ),
            );
            assert.match(script, new RegExp(`^echo 'runner ALL=\\(root\\) NOPASSWD: ${seal}' > /etc/sudoers.d/deploy-runner$`, "m"));
            assert.equal(script.match(/sudoers/g)?.length, 2, "the seal is all the runner user may run as root");
            const loop = /<<'LOOP'\n([\s\S]*?)\nLOOP/.exec(script)![1];
            const reopen = loop.indexOf(`while iptables -D ${rule} 2>/dev/null; do :; done`);
            assert.ok(reopen > loop.indexOf("pkill -KILL -u runner") && reopen >= 0, "the last job's processes are gone first");
            assert.ok(
                loop.indexOf("rm -rf /opt/actions-runner /home/runner") < loop.indexOf("./config.sh"),
                "a fresh runner for every job",
            );
            assert.doesNotMatch(script, /^User=/m, "the loop runs as root to prepare each job; the job runs through runuser");
        });

        it("refuses labels and job variables that would break out of the script", () => {
            assert.throws(
                () => runnerBootstrapScript({ scope, labels: ["a,b'"], installPackages: "", readCredentialCommand: "x" }),
                /runner label "a,b'"/,
            );
            assert.throws(
                () =>
                    runnerBootstrapScript({
                        scope,
                        labels: [],
                        installPackages: "",
                        readCredentialCommand: "x",
                        jobEnvironment: { ID: "a'b" },
                    }),
                /runner job variable ID/,
            );
        });
    });

    describe("on AWS", () => {
        let prod: StackPlan;
        let withoutRunner: StackPlan;
        before(async () => {
            prod = await sharedPlan("prod-aws");
            withoutRunner = await sharedPlan("dev", { dev: { "crypto-beacon:deployRunnerGithubUrl": "" } });
        });
        const child = (type: string) => {
            const found = resourcesOfType(prod, type).filter((resource) => parentOf(prod, resource)?.name === RUNNER);
            assert.equal(found.length, 1, `one ${type} in ${RUNNER}`);
            return found[0];
        };
        const policyOf = (resource: PlannedResource) =>
            JSON.parse(String(resource.inputs.policy)) as {
                Statement: { Action: string | string[]; Resource: string; Condition?: unknown }[];
            };

        it("run in the private subnets, with IMDSv2 only, encrypted volumes and no public address", () => {
            const component = one(prod, "beacon:aws:DeployRunner");
            assert.equal(component.name, RUNNER);
            const template = child("aws:ec2/launchTemplate:LaunchTemplate");
            assert.deepEqual(template.inputs.metadataOptions, {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
            });
            const [volume] = template.inputs.blockDeviceMappings as { ebs: { encrypted: string; kmsKeyId: string } }[];
            assert.equal(volume.ebs.encrypted, "true");
            assert.match(volume.ebs.kmsKeyId, /^arn:aws:kms:/);
            assert.equal(template.inputs.networkInterfaces, undefined, "no interface with a public address");
            const group = child("aws:autoscaling/group:Group");
            const privateSubnets = resourcesOfType(prod, "aws:ec2/subnet:Subnet")
                .filter((subnet) => /private/.test(subnet.name))
                .map((subnet) => subnet.name);
            assert.equal((group.inputs.vpcZoneIdentifiers as string[]).length, privateSubnets.length);
            assert.deepEqual([group.inputs.minSize, group.inputs.maxSize], [1, 1]);
        });

        it("register with the stack's own label, reading the credential with their own role", () => {
            const script = Buffer.from(String(child("aws:ec2/launchTemplate:LaunchTemplate").inputs.userData), "base64").toString("utf8");
            assert.match(script, /--labels 'deploy-runner,prod-aws'/);
            assert.match(script, /--url 'https:\/\/github\.com\/example-org\/crypto-beacon-infrastructure'/);
            const secret = child("aws:secretsmanager/secret:Secret");
            assert.match(String(secret.inputs.kmsKeyId), /^arn:aws:kms:/);
            assert.match(script, /aws secretsmanager get-secret-value --region us-east-1 --secret-id arn:aws:secretsmanager:/);
        });

        it("accept no inbound traffic and send only HTTPS out, and the cluster's API admits them", () => {
            const group = child("aws:ec2/securityGroup:SecurityGroup");
            assert.equal(group.inputs.ingress, undefined);
            assert.deepEqual(
                (group.inputs.egress as { protocol: string; fromPort: number; toPort: number }[]).map((rule) => [
                    rule.protocol,
                    rule.fromPort,
                    rule.toPort,
                ]),
                [["tcp", 443, 443]],
            );
            const rule = child("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            assert.deepEqual([rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort], ["tcp", 443, 443]);
            assert.ok(rule.inputs.securityGroupId, "on the cluster's security group");
            assert.ok(rule.inputs.referencedSecurityGroupId, "from the runners' own group only");
            assert.notEqual(rule.inputs.securityGroupId, rule.inputs.referencedSecurityGroupId);
            assert.equal(rule.inputs.cidrIpv4, undefined);
        });

        it("are cluster admin through an EKS access entry, and may otherwise only read their credential", () => {
            const role = child("aws:iam/role:Role");
            const entry = child("aws:eks/accessEntry:AccessEntry");
            const association = child("aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
            assert.equal(entry.inputs.principalArn, association.inputs.principalArn);
            assert.match(String(entry.inputs.principalArn), /^arn:aws:iam::\d+:role\//);
            assert.equal(association.inputs.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
            assert.deepEqual(association.inputs.accessScope, { type: "cluster" });
            assert.match(String(role.inputs.assumeRolePolicy), /"Service":"ec2\.amazonaws\.com"/);
            const statements = policyOf(child("aws:iam/rolePolicy:RolePolicy")).Statement;
            assert.deepEqual(
                statements.map((statement) => statement.Action),
                ["secretsmanager:GetSecretValue", "kms:Decrypt", "eks:DescribeCluster"],
            );
            assert.ok(
                statements.every((statement) => !String(statement.Resource).includes("*")),
                "no wildcard resource",
            );
            assert.equal(
                child("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn,
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            );
        });

        it("exist only where deployRunnerGithubUrl is set", () => {
            assert.equal(resourcesOfType(withoutRunner, "beacon:aws:DeployRunner").length, 0);
            resourceNamed(prod, "beacon:aws:DeployRunner", RUNNER);
        });
    });

    describe("on Azure", () => {
        let prod: StackPlan;
        before(async () => {
            prod = await sharedPlan("prod-azure");
        });
        const AZURE_RUNNER = "azure-deploy-runner";
        const child = (type: string, name = AZURE_RUNNER) => resourceNamed(prod, type, name);

        it("run in their own subnet, which admits nothing and leaves only through their NAT gateway, with no public IP on a runner", () => {
            const scaleSet = child("azure-native:compute:VirtualMachineScaleSet");
            assert.equal(parentOf(prod, scaleSet)?.type, "beacon:azure:DeployRunner");
            const profile = scaleSet.inputs.virtualMachineProfile as {
                networkProfile: {
                    networkInterfaceConfigurations: {
                        ipConfigurations: { subnet: { id: string }; publicIPAddressConfiguration?: unknown }[];
                    }[];
                };
                osProfile: { linuxConfiguration: { disablePasswordAuthentication: boolean }; adminPassword?: string; customData: string };
            };
            const [ipConfiguration] = profile.networkProfile.networkInterfaceConfigurations[0].ipConfigurations;
            assert.match(ipConfiguration.subnet.id, /\/subnets\/deploy-runner$/);
            assert.equal(ipConfiguration.publicIPAddressConfiguration, undefined);
            assert.equal(profile.osProfile.linuxConfiguration.disablePasswordAuthentication, true);
            assert.equal(profile.osProfile.adminPassword, undefined);
            const vnet = one(prod, "azure-native:network:VirtualNetwork");
            const subnet = (
                vnet.inputs.subnets as {
                    name: string;
                    natGateway?: { id: string };
                    defaultOutboundAccess: boolean;
                    networkSecurityGroup: { id: string };
                }[]
            ).find((candidate) => candidate.name === "deploy-runner")!;
            assert.equal(subnet.defaultOutboundAccess, false);
            assert.ok(subnet.natGateway?.id, "egress through the NAT gateway");
            const nat = child("azure-native:network:NatGateway");
            assert.equal(parentOf(prod, nat)?.type, "beacon:azure:RunnerEgress");
            const nsg = resourceNamed(prod, "azure-native:network:NetworkSecurityGroup", "azure-site-deploy-runner");
            assert.deepEqual(
                (nsg.inputs.securityRules as { name: string }[]).map((rule) => rule.name),
                ["deny-all-inbound"],
            );
        });

        it("sign in as their own identity, AKS RBAC Cluster Admin on the cluster, reading only their registration secret", () => {
            assert.equal(parentOf(prod, child("azure-native:managedidentity:UserAssignedIdentity"))?.name, AZURE_RUNNER);
            const identity = child("azure-native:compute:VirtualMachineScaleSet").inputs.identity as {
                type: string;
                userAssignedIdentities: string[];
            };
            assert.equal(identity.type, "UserAssigned");
            assert.equal(identity.userAssignedIdentities.length, 1);
            assert.match(identity.userAssignedIdentities[0], /\/providers\/Microsoft\.ManagedIdentity\/\w+\/azure-deploy-runner/);
            const admin = child("azure-native:authorization:RoleAssignment", `${AZURE_RUNNER}-cluster-admin`);
            assert.match(String(admin.inputs.roleDefinitionId), /\/roleDefinitions\/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b$/);
            assert.match(String(admin.inputs.scope), /\/providers\/Microsoft\.ContainerService\/managedClusters\//);
            const secret = child("azure-native:authorization:RoleAssignment", `${AZURE_RUNNER}-registration`);
            assert.match(
                String(secret.inputs.scope),
                /\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+\/secrets\/deploy-runner-registration$/,
            );
            // ARM assigns a role only at a scope that exists: the component creates the secret, never its value.
            const registration = child("azure-native:keyvault:Secret", `${AZURE_RUNNER}-registration`);
            assert.equal(registration.inputs.secretName, "deploy-runner-registration");
            assert.equal((registration.inputs.properties as { value?: string }).value, undefined);
            assert.ok(secret.propertyDependencies.scope.includes(registration.urn), "the assignment waits for the secret");
            assert.equal(admin.inputs.principalId, secret.inputs.principalId);
        });

        it("install kubelogin and the Azure CLI, and give every job the identity kubelogin signs in as", () => {
            const profile = child("azure-native:compute:VirtualMachineScaleSet").inputs.virtualMachineProfile as {
                osProfile: { customData: string };
            };
            const script = Buffer.from(profile.osProfile.customData, "base64").toString("utf8");
            assert.match(script, /--kubelogin-install-location \/usr\/local\/bin\/kubelogin/);
            assert.match(script, /--labels 'deploy-runner,prod-azure'/);
            assert.match(script, /echo 'DEPLOY_RUNNER_CLIENT_ID=[0-9a-f-]{36}' >> \/opt\/actions-runner\/\.env/);
            assert.match(script, /az keyvault secret show --vault-name \S+ --name deploy-runner-registration/);
        });

        it("of an all-in-one stack need the principal the AWS runner signs in to Azure as, to deploy the Azure site", async () => {
            await assertPlanFails(
                planStack({ stack: "dev", configOverrides: { dev: { "crypto-beacon:azureDeployPrincipalId": "" } } }),
                2,
                "crypto-beacon:azureDeployPrincipalId: is required with deployRunnerGithubUrl",
            );
        });

        it("need an SSH public key when they are on", async () => {
            await assertPlanFails(
                planStack({ configFile: path.join(FIXTURES, "stacks", "Pulumi.azure-runner-without-key.yaml") }),
                2,
                "crypto-beacon:azureDeployRunnerSshPublicKey: is required with deployRunnerGithubUrl",
            );
        });
    });

    describe("the preview identity", () => {
        const PREVIEW_ROLE = "arn:aws:iam::123456789012:role/crypto-beacon-preview";
        const PREVIEW_PRINCIPAL = "3f0c2d5e-8b1a-4c6e-9d2f-7a4b5c6d7e8f";
        let withPreview: StackPlan;
        let without: StackPlan;
        before(async () => {
            // Pulumi.test.yaml names both preview identities.
            withPreview = await sharedPlan("test");
            assert.equal(withPreview.config["crypto-beacon:awsPreviewRoleArn"], PREVIEW_ROLE);
            assert.equal(withPreview.config["crypto-beacon:azurePreviewPrincipalId"], PREVIEW_PRINCIPAL);
            without = await sharedPlan("test", {
                test: { "crypto-beacon:awsPreviewRoleArn": "", "crypto-beacon:azurePreviewPrincipalId": "" },
            });
        });

        it("reads the EKS cluster through an access entry that sees every object and changes none", () => {
            const entry = resourceNamed(withPreview, "aws:eks/accessEntry:AccessEntry", "aws-site-preview");
            const association = resourceNamed(withPreview, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "aws-site-preview");
            assert.equal(entry.inputs.principalArn, PREVIEW_ROLE);
            assert.equal(association.inputs.principalArn, PREVIEW_ROLE);
            assert.equal(association.inputs.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy");
            assert.deepEqual(association.inputs.accessScope, { type: "cluster" });
            assert.equal(parentOf(withPreview, entry)?.type, "beacon:aws:EksCluster");
        });

        it("reads the AKS cluster's objects through a read-only role assigned on the cluster alone", () => {
            const definition = resourceNamed(withPreview, "azure-native:authorization:RoleDefinition", "azure-site-kubernetes-read");
            const [permission] = definition.inputs.permissions as { actions: string[]; dataActions: string[] }[];
            assert.deepEqual(permission.actions, []);
            assert.deepEqual(permission.dataActions, ["Microsoft.ContainerService/managedClusters/*/read"]);
            assert.match(String(definition.inputs.roleDefinitionId), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
            const assignment = resourceNamed(withPreview, "azure-native:authorization:RoleAssignment", "azure-site-kubernetes-read-0");
            assert.equal(assignment.inputs.principalId, PREVIEW_PRINCIPAL);
            assert.match(String(assignment.inputs.scope), /\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/);
            assert.ok(assignment.propertyDependencies.roleDefinitionId.includes(definition.urn), "the assignment names that role");
        });

        it("gets nothing where the stack names no preview identity", () => {
            assert.equal(
                resourcesOfType(without, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((association) =>
                    String(association.inputs.policyArn).endsWith("/AmazonEKSAdminViewPolicy"),
                ).length,
                0,
            );
            assert.equal(resourcesOfType(without, "azure-native:authorization:RoleDefinition").length, 0);
        });

        it("refuses a principal that is not an object id", async () => {
            await assertPlanFails(
                planStack({ stack: "test", configOverrides: { test: { "crypto-beacon:azurePreviewPrincipalId": "preview-app" } } }),
                2,
                "crypto-beacon:azurePreviewPrincipalId",
                "must be an Entra ID object id",
            );
        });
    });

    describe("of an all-in-one stack", () => {
        let test: StackPlan;
        let dev: StackPlan;
        let withoutRunner: StackPlan;
        before(async () => {
            test = await sharedPlan("test");
            dev = await sharedPlan("dev");
            withoutRunner = await sharedPlan("dev", { dev: { "crypto-beacon:deployRunnerGithubUrl": "" } });
        });
        const vpn = (plan: StackPlan, type: string) =>
            resourcesOfType(plan, type).filter((resource) => parentOf(plan, resource)?.type === "beacon:delivery:SiteToSiteVpn");

        it("reach the private AKS API from the AWS runner through a site-to-site VPN, the API server staying private", () => {
            const [connection] = vpn(test, "aws:ec2/vpnConnection:VpnConnection");
            assert.equal(connection.inputs.staticRoutesOnly, true);
            assert.equal(
                one(test, "aws:ec2/vpnConnectionRoute:VpnConnectionRoute").inputs.destinationCidrBlock,
                "10.40.0.0/16",
                "the Azure VNet, through the tunnels",
            );
            const propagated = vpn(test, "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation").flatMap(
                (propagation) => propagation.propertyDependencies.routeTableId,
            );
            const privateTables = resourcesOfType(test, "aws:ec2/routeTable:RouteTable")
                .filter((table) => /private/.test(table.name))
                .map((table) => table.urn);
            assert.deepEqual(propagated.sort(), privateTables.sort(), "into the runners' (private) subnets' route tables");
            const connections = vpn(test, "azure-native:network:VirtualNetworkGatewayConnection");
            assert.equal(connections.length, 2, "one per AWS tunnel");
            for (const azureSide of connections) {
                assert.deepEqual([azureSide.inputs.connectionType, azureSide.inputs.connectionProtocol], ["IPsec", "IKEv2"]);
            }
            for (const local of vpn(test, "azure-native:network:LocalNetworkGateway")) {
                assert.deepEqual(local.inputs.localNetworkAddressSpace, { addressPrefixes: ["10.30.0.0/16"] });
            }
            const [gateway] = vpn(test, "azure-native:network:VirtualNetworkGateway");
            const [ipConfiguration] = gateway.inputs.ipConfigurations as { subnet: { id: string } }[];
            assert.match(ipConfiguration.subnet.id, /\/subnets\/GatewaySubnet$/);
            const subnets = one(test, "azure-native:network:VirtualNetwork").inputs.subnets as {
                name: string;
                networkSecurityGroup?: unknown;
            }[];
            assert.equal(
                subnets.find((subnet) => subnet.name === "GatewaySubnet")?.networkSecurityGroup,
                undefined,
                "Azure allows no NSG there",
            );
            const cluster = one(test, "azure-native:containerservice:ManagedCluster");
            assert.deepEqual(cluster.inputs.apiServerAccessProfile, { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: true });
        });

        it("give the AWS runner kubelogin and the Azure CLI, which the AKS provider signs in through", () => {
            const template = resourcesOfType(test, "aws:ec2/launchTemplate:LaunchTemplate").find(
                (candidate) => parentOf(test, candidate)?.type === "beacon:aws:DeployRunner",
            )!;
            const script = Buffer.from(String(template.inputs.userData), "base64").toString("utf8");
            assert.match(script, /dnf install -y azure-cli/);
            assert.match(script, /--kubelogin-install-location \/usr\/local\/bin\/kubelogin/);
        });

        it("give dev, too, one small runner and the VPN, so that its workflow can update its private clusters", () => {
            const runner = resourcesOfType(dev, "aws:ec2/launchTemplate:LaunchTemplate").find(
                (candidate) => parentOf(dev, candidate)?.type === "beacon:aws:DeployRunner",
            )!;
            assert.equal(runner.inputs.instanceType, "t3.medium");
            const group = resourcesOfType(dev, "aws:autoscaling/group:Group").find(
                (candidate) => parentOf(dev, candidate)?.type === "beacon:aws:DeployRunner",
            )!;
            assert.deepEqual([group.inputs.desiredCapacity, group.inputs.maxSize], [1, 1]);
            assert.equal(resourcesOfType(dev, "beacon:delivery:SiteToSiteVpn").length, 1);
            assert.equal(resourcesOfType(dev, "beacon:azure:DeployRunner").length, 0, "its AWS runner deploys both sites");
        });

        it("exist only where an all-in-one stack has a runner", async () => {
            assert.deepEqual(resourcesOfType(withoutRunner, "beacon:delivery:SiteToSiteVpn"), []);
            const prodAzure = await sharedPlan("prod-azure");
            const subnets = one(prodAzure, "azure-native:network:VirtualNetwork").inputs.subnets as { name: string }[];
            assert.ok(!subnets.some((subnet) => subnet.name === "GatewaySubnet"));
        });
    });

    it("run for every stack with a cluster that a workflow deploys", () => {
        const configured = (stack: string) =>
            /crypto-beacon:deployRunnerGithubUrl: https:/.test(fs.readFileSync(path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
        for (const entry of listStacks()) {
            if (entry.githubEnvironment && entry.role !== "edge") {
                assert.ok(configured(entry.stack), `${entry.stack} deploys from its runner, so it must create one`);
            }
        }
    });
});
