import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AwsNetwork } from "../components/aws/network";
import { AzureNetwork, DENY_ALL_INBOUND_PRIORITY } from "../components/azure/network";
import { blocksOverlap, mustParse } from "../model/addressing";
import { AZURE_TAGGABLE } from "../policies/rules/platform/tagging";
import type { PlannedResource, StackPlan } from "../tools/plan/planner";
import { resourceNamed, resourcesOfType, sharedPlan } from "./helpers";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-a000-000000000000";

describe("network slice", () => {
    let dev: StackPlan;
    let prod: StackPlan;
    let prodAzure: StackPlan;
    before(async () => {
        dev = await sharedPlan("dev");
        prod = await sharedPlan("prod-aws");
        prodAzure = await sharedPlan("prod-azure");
    });

    describe("AWS VPC", () => {
        it("spans three zones with public, private and isolated subnets that fit the VPC and never overlap", () => {
            const subnets = resourcesOfType(prod, "aws:ec2/subnet:Subnet");
            const tiers = subnets.map((subnet) => (subnet.inputs.tags as Record<string, string>).tier);
            assert.deepEqual(tiers.sort(), [
                "isolated",
                "isolated",
                "isolated",
                "private",
                "private",
                "private",
                "public",
                "public",
                "public",
            ]);
            const vpc = mustParse("10.100.0.0/16");
            const blocks = subnets.map((subnet) => mustParse(subnet.inputs.cidrBlock as string));
            for (const [index, block] of blocks.entries()) {
                assert.ok(blocksOverlap(block, vpc) && block.prefixLength > vpc.prefixLength, `${subnets[index].name} inside the VPC`);
                for (const other of blocks.slice(index + 1)) {
                    assert.equal(blocksOverlap(block, other), false, "subnets are disjoint");
                }
            }
        });

        it("gives no subnet public addresses by default", () => {
            for (const subnet of resourcesOfType(prod, "aws:ec2/subnet:Subnet")) {
                assert.equal(subnet.inputs.mapPublicIpOnLaunch, false, subnet.name);
            }
        });

        it("routes public subnets to the internet gateway, private ones to a NAT gateway, isolated ones nowhere", () => {
            const routes = (name: string) =>
                resourceNamed(prod, "aws:ec2/routeTable:RouteTable", name).inputs.routes as Record<string, string>[] | undefined;
            assert.deepEqual(Object.keys(routes("aws-site-public")![0]).sort(), ["cidrBlock", "gatewayId"]);
            for (const zone of [0, 1, 2]) {
                assert.ok(routes(`aws-site-private-${zone}`)![0].natGatewayId, `private-${zone} egresses through NAT`);
            }
            assert.deepEqual(routes("aws-site-isolated") ?? [], [], "isolated subnets have no route out");
        });

        it("sizes NAT from config: one in dev, one per zone in prod", () => {
            assert.equal(resourcesOfType(dev, "aws:ec2/natGateway:NatGateway").length, 1);
            assert.equal(resourcesOfType(prod, "aws:ec2/natGateway:NatGateway").length, 3);
            const privateRoutes = resourcesOfType(dev, "aws:ec2/routeTable:RouteTable").filter((table) => table.name.includes("private"));
            const natTargets = new Set(privateRoutes.map((table) => (table.inputs.routes as Record<string, string>[])[0].natGatewayId));
            assert.equal(natTargets.size, 1, "dev's private subnets share its one NAT gateway");
        });

        it("strips every rule from the default security group", () => {
            const group = resourceNamed(prod, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws-site-default");
            assert.deepEqual(group.inputs.ingress ?? [], []);
            assert.deepEqual(group.inputs.egress ?? [], []);
        });

        it("logs all traffic to a KMS-encrypted log group kept as long as config says", () => {
            const flowLog = resourceNamed(prod, "aws:ec2/flowLog:FlowLog", "aws-site");
            assert.equal(flowLog.inputs.trafficType, "ALL");
            assert.equal(flowLog.inputs.logDestinationType, "cloud-watch-logs");
            const logGroup = resourceNamed(prod, "aws:cloudwatch/logGroup:LogGroup", "aws-site-flow-logs");
            assert.match(logGroup.inputs.kmsKeyId as string, /^arn:aws:kms:us-east-1:123456789012:key\//);
            assert.equal(logGroup.inputs.retentionInDays, 365);
            assert.equal(resourceNamed(dev, "aws:cloudwatch/logGroup:LogGroup", "aws-site-flow-logs").inputs.retentionInDays, 30);
            const logsKey = resourceNamed(prod, "aws:kms/key:Key", "aws-site-logs");
            assert.deepEqual(logGroup.propertyDependencies.kmsKeyId, [logsKey.urn], "encrypted with the site's log key");
            assert.equal(logsKey.inputs.enableKeyRotation, true);
        });

        it("lets only this account's flow logs assume the role, which may only write to its log group", () => {
            const role = resourceNamed(prod, "aws:iam/role:Role", "aws-site-flow-logs");
            const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
            assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
            const policy = JSON.parse(resourceNamed(prod, "aws:iam/rolePolicy:RolePolicy", "aws-site-flow-logs").inputs.policy as string);
            assert.equal(policy.Statement.length, 1);
            assert.match(policy.Statement[0].Resource, /^arn:aws:logs:us-east-1:123456789012:log-group:aws-site-flow-logs-[0-9a-f]+:\*$/);
        });

        it("tags every resource through the provider's default tags", () => {
            const provider = resourceNamed(prod, "pulumi:providers:aws", "aws-primary");
            const defaultTags = JSON.parse(provider.inputs.defaultTags as string) as { tags: Record<string, string> };
            assert.deepEqual(defaultTags.tags, {
                environment: "prod",
                service: "crypto-beacon",
                owner: "platform-team",
                "data-classification": "restricted",
                "cost-center": "trading-platform",
            });
            assert.equal(resourceNamed(prod, "pulumi:providers:aws", "aws-replica").inputs.region, "us-west-2");
        });
    });

    describe("Azure virtual network", () => {
        const securityGroups = (plan: StackPlan) => resourcesOfType(plan, "azure-native:network:NetworkSecurityGroup");
        const rules = (group: PlannedResource) => group.inputs.securityRules as Record<string, string | number>[];

        it("attaches its own NSG to every subnet and gives none default outbound access", () => {
            const vnet = resourceNamed(prodAzure, "azure-native:network:VirtualNetwork", "azure-site");
            const subnets = vnet.inputs.subnets as {
                name: string;
                addressPrefix: string;
                networkSecurityGroup?: { id: string };
                defaultOutboundAccess: boolean;
            }[];
            assert.deepEqual(
                subnets.map((subnet) => subnet.name),
                ["aks-nodes", "gateway", "private-endpoints", "deploy-runner"],
            );
            const groupIds = subnets.map((subnet) => subnet.networkSecurityGroup?.id);
            assert.equal(new Set(groupIds).size, subnets.length, "one NSG per subnet");
            for (const subnet of subnets) {
                assert.match(subnet.networkSecurityGroup!.id, /providers\/Microsoft\.Network\/networkSecurityGroups\//);
                assert.equal(subnet.defaultOutboundAccess, false, subnet.name);
            }
        });

        it("denies all inbound traffic last, after explicit allows only", () => {
            assert.equal(securityGroups(prodAzure).length, 4);
            for (const group of securityGroups(prodAzure)) {
                const ordered = [...rules(group)].sort((a, b) => Number(a.priority) - Number(b.priority));
                const last = ordered[ordered.length - 1];
                assert.deepEqual(
                    { access: last.access, direction: last.direction, source: last.sourceAddressPrefix, priority: last.priority },
                    { access: "Deny", direction: "Inbound", source: "*", priority: DENY_ALL_INBOUND_PRIORITY },
                    group.name,
                );
                for (const rule of ordered.slice(0, -1)) {
                    assert.equal(rule.access, "Allow", `${group.name}: only allows before the deny`);
                    assert.ok(
                        !["*", "Internet", "0.0.0.0/0"].includes(String(rule.sourceAddressPrefix)),
                        `${group.name}/${rule.name} is not open to the internet`,
                    );
                }
            }
        });

        it("lets private endpoints be reached only from the AKS node subnet, and Key Vault's from the Application Gateway subnet", () => {
            const group = resourceNamed(prodAzure, "azure-native:network:NetworkSecurityGroup", "azure-site-private-endpoints");
            const allows = rules(group).filter((rule) => rule.access === "Allow");
            assert.deepEqual(
                allows.map((rule) => [rule.sourceAddressPrefix, rule.destinationPortRange]),
                [
                    ["10.110.0.0/17", "*"],
                    ["10.110.128.0/20", "443"],
                ],
            );
        });

        it("tags every taggable resource with the same tag set as AWS, and the tag policy knows every taggable type", () => {
            const azure = prodAzure.resources.filter((candidate) => candidate.type.startsWith("azure-native:"));
            for (const resource of azure.filter((candidate) => AZURE_TAGGABLE.has(candidate.type))) {
                const tags = resource.inputs.tags as Record<string, string> | undefined;
                assert.equal(tags?.["data-classification"], "restricted", resource.urn);
                assert.equal(tags?.service, "crypto-beacon", resource.urn);
            }
            const tagged = new Set(azure.filter((candidate) => "tags" in candidate.inputs).map((candidate) => candidate.type));
            assert.deepEqual(
                [...tagged].filter((type) => !AZURE_TAGGABLE.has(type)),
                [],
                "types that take tags but that required-tags would not check",
            );
        });
    });

    describe("bad component arguments throw an error naming the argument", () => {
        before(async () => {
            await pulumi.runtime.setMocks({
                newResource: () => assert.fail("nothing registers when the arguments are bad"),
                call: () => assert.fail("nothing is invoked when the arguments are bad"),
            });
        });
        const azureArgs = {
            resourceGroupName: "rg",
            location: "eastus2",
            addressSpace: "10.0.0.0/16",
            tags: {},
            gatewaySourceRanges: ["173.245.48.0/20"],
            flowLogStorageAccountId: "st",
            flowLogRetentionDays: 30,
            workspaceId: "ws",
        };
        const cases: [string, () => unknown, RegExp][] = [
            [
                "gatewaySourceRanges",
                () => new AzureNetwork("n", { ...azureArgs, gatewaySourceRanges: ["0.0.0.0/0"] }),
                /AzureNetwork n: gatewaySourceRanges must list the edge's ranges, never \* or 0\.0\.0\.0\/0/,
            ],
            [
                "flowLogRetentionDays",
                () => new AzureNetwork("n", { ...azureArgs, flowLogRetentionDays: 0 }),
                /AzureNetwork n: flowLogRetentionDays 0 must be from 1 to 365/,
            ],
            [
                "cidrBlock",
                () => new AwsNetwork("n", { cidrBlock: "10.0.0.0/8", logsKmsKeyArn: KEY }),
                /AwsNetwork n: cidrBlock "10\.0\.0\.0\/8" must have a prefix length from \/16 to \/20/,
            ],
            [
                "cidrBlock on a cluster-internal range",
                () => new AwsNetwork("n", { cidrBlock: "172.20.0.0/16", logsKmsKeyArn: KEY }),
                /AwsNetwork n: cidrBlock "172\.20\.0\.0\/16" overlaps 172\.20\.0\.0\/16, the EKS service range/,
            ],
            [
                "zoneCount",
                () => new AwsNetwork("n", { cidrBlock: "10.0.0.0/16", zoneCount: 4, logsKmsKeyArn: KEY }),
                /zoneCount 4 must be from 2 to 3/,
            ],
            [
                "natGatewayCount",
                () => new AwsNetwork("n", { cidrBlock: "10.0.0.0/16", zoneCount: 2, natGatewayCount: 3, logsKmsKeyArn: KEY }),
                /natGatewayCount 3 must be from 1 to the zone count \(2\)/,
            ],
            [
                "flowLogRetentionDays",
                () => new AwsNetwork("n", { cidrBlock: "10.0.0.0/16", flowLogRetentionDays: 0, logsKmsKeyArn: KEY }),
                /flowLogRetentionDays 0 must be a positive/,
            ],
            [
                "addressSpace",
                () => new AzureNetwork("n", { ...azureArgs, addressSpace: "10.0.0.1/16" }),
                /AzureNetwork n: addressSpace "10\.0\.0\.1\/16"/,
            ],
            ["location", () => new AzureNetwork("n", { ...azureArgs, location: "" }), /AzureNetwork n: location is required/],
        ];
        for (const [argument, construct, message] of cases) {
            it(argument, () => assert.throws(construct, message));
        }
    });
});
