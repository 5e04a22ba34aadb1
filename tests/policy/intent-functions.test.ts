import * as assert from "node:assert/strict";
import { accessNeeds, intendedFlows, SITES } from "../../model/intent";
import { AwsSite, securityGroupsAllow, type SecurityGroupRule } from "../../policies/rules/intent/awsNetwork";
import { nsgAllows } from "../../policies/rules/intent/azureNetwork";
import { parseQuantity } from "../../policies/rules/intent/capacity";
import { allowingStatement, denyingStatement } from "../../policies/rules/intent/iam";
import { networkPoliciesAllow, selects, type Peer } from "../../policies/rules/intent/kubernetesNetwork";
import { unknownCheckingProxy, type PolicyResource } from "@pulumi/policy";
import { cidrContains, fromPolicyResources, PlanView, type IntentResource, type UnknownRead } from "../../policies/rules/intent/plan";
import { scopeProblem } from "../../policies/rules/intent/access";
import { deployStageOf, stackDeployStage } from "../../policies/lib/stackConfig";

// The marker of a value a preview cannot know, as @pulumi/policy's proxy reads it (proxy.js unknownStringValue).
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const resource = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}): IntentResource => ({
    type,
    name,
    urn: `urn:pulumi:test::p::${type}::${name}`,
    props,
    deps,
});

describe("intent model", () => {
    it("gives every flow and need an id unique within its site", () => {
        for (const site of SITES) {
            const flowIds = intendedFlows(site).map((flow) => flow.id);
            const needIds = accessNeeds(site).map((need) => need.id);
            assert.equal(new Set(flowIds).size, flowIds.length, `${site} flows`);
            assert.equal(new Set(needIds).size, needIds.length, `${site} needs`);
        }
    });

    it("keeps the Application Gateway's Key Vault flow to the Azure site, and no API Gateway flow since the site has no API Gateway", () => {
        assert.ok(intendedFlows("azure").some((flow) => flow.id === "gateway-to-key-vault"));
        assert.ok(!intendedFlows("aws").some((flow) => flow.id === "gateway-to-key-vault"));
        assert.ok(!intendedFlows("aws").some((flow) => flow.id === "api-to-internal-load-balancer"));
    });
});

describe("a pack's view of the checked stack's deploy stage", () => {
    it("reads crypto-beacon:deployStage from PULUMI_CONFIG, as the language host sets it for the pack", () => {
        assert.equal(
            stackDeployStage({ PULUMI_CONFIG: '{"crypto-beacon:deployStage":"foundation","crypto-beacon:role":"aws-site"}' }),
            "foundation",
        );
        assert.equal(stackDeployStage({ PULUMI_CONFIG: '{"crypto-beacon:deployStage":"workloads"}' }), "workloads");
    });

    it("judges a complete site where the stack sets no stage, and where no stack config is given", () => {
        assert.equal(stackDeployStage({ PULUMI_CONFIG: '{"crypto-beacon:role":"aws-site"}' }), "workloads");
        assert.equal(stackDeployStage({}), "workloads");
        assert.equal(deployStageOf({ "other-project:deployStage": "foundation" }), "workloads");
    });

    it("refuses a stage the schema does not have, and config that is not JSON, naming the key and what is allowed", () => {
        assert.throws(() => deployStageOf({ "crypto-beacon:deployStage": "day-0" }), {
            message: 'stack config crypto-beacon:deployStage is "day-0"; allowed: foundation, workloads',
        });
        assert.throws(() => stackDeployStage({ PULUMI_CONFIG: "{" }), /PULUMI_CONFIG, the stack's config .* is not JSON/);
    });
});

describe("security group evaluation", () => {
    const rule = (overrides: Partial<SecurityGroupRule>): SecurityGroupRule => ({
        label: "r",
        urn: "u",
        group: "db",
        direction: "ingress",
        protocol: "tcp",
        ports: { from: 5432, to: 5432 },
        cidrs: [],
        peers: [],
        ...overrides,
    });
    const app = { name: "app", groups: ["app"], cidrs: ["10.0.0.0/24"] };
    const db = { name: "db", groups: ["db"], cidrs: ["10.0.1.0/24"] };
    const egress = rule({ label: "app egress", group: "app", direction: "egress", ports: { from: 0, to: 65535 }, cidrs: ["10.0.0.0/16"] });

    it("allows a flow when the source's egress and the destination's ingress each admit the other side", () => {
        const result = securityGroupsAllow(
            [egress, rule({ label: "db from app", peers: ["app"] })],
            app,
            db,
            { from: 5432, to: 5432 },
            "tcp",
        );
        assert.deepEqual(result, { by: ["app egress", "db from app"], problems: [] });
    });

    it("blocks it when the source's group has no egress (the provider revokes the default egress)", () => {
        const result = securityGroupsAllow([rule({ peers: ["app"] })], app, db, { from: 5432, to: 5432 }, "tcp");
        assert.match(result.problems.join(), /no egress rule of app's security groups/);
    });

    it("blocks it when an ingress CIDR covers only part of the source's addresses, and names the rest", () => {
        const wide = { ...app, cidrs: ["10.0.0.0/24", "10.0.2.0/24"] };
        const result = securityGroupsAllow(
            [egress, rule({ label: "db from one subnet", cidrs: ["10.0.0.0/24"] })],
            wide,
            db,
            { from: 5432, to: 5432 },
            "tcp",
        );
        assert.match(result.problems.join(), /uncovered: 10\.0\.2\.0\/24/);
        assert.ok(result.by.includes("db from one subnet"));
    });

    it("blocks it on a port outside the rule's range", () => {
        const result = securityGroupsAllow([egress, rule({ peers: ["app"] })], app, db, { from: 5433, to: 5433 }, "tcp");
        assert.equal(result.problems.length, 1);
    });
});

describe("network ACL evaluation", () => {
    const subnet = (name: string, cidr: string) => resource("aws:ec2/subnet:Subnet", name, { cidrBlock: cidr });
    const nodes = subnet("nodes", "10.0.0.0/24");
    const data = subnet("data", "10.0.1.0/24");
    const acl = (ingress: Record<string, unknown>[], egress: Record<string, unknown>[]) =>
        resource("aws:ec2/networkAcl:NetworkAcl", "data-acl", { ingress, egress }, { subnetIds: [data.urn] });
    const allow = (ruleNo: number, cidr: string, from: number, to: number) => ({
        ruleNo,
        action: "allow",
        protocol: "tcp",
        cidrBlock: cidr,
        fromPort: from,
        toPort: to,
    });
    const flow = (view: PlanView) =>
        new AwsSite(view).naclsAllow(
            { name: "nodes", groups: [], cidrs: ["10.0.0.0/24"] },
            { name: "data", groups: [], cidrs: ["10.0.1.0/24"] },
            { from: 6379, to: 6379 },
            "tcp",
        );

    it("passes through subnets whose NACL is the VPC's default", () => {
        assert.deepEqual(flow(new PlanView([nodes, data])).problems, []);
    });

    it("needs the flow in and its replies out of the destination's stateless NACL", () => {
        assert.deepEqual(
            flow(new PlanView([nodes, data, acl([allow(100, "10.0.0.0/16", 6379, 6379)], [allow(100, "10.0.0.0/16", 1024, 65535)])]))
                .problems,
            [],
        );
        assert.match(
            flow(new PlanView([nodes, data, acl([allow(100, "10.0.0.0/16", 6379, 6379)], [])])).problems.join(),
            /network ACL data-acl .* does not pass tcp 6379 and its replies/,
        );
    });

    it("lets the lowest-numbered matching rule decide", () => {
        const deny = { ruleNo: 50, action: "deny", protocol: "-1", cidrBlock: "10.0.0.0/24", fromPort: 0, toPort: 0 };
        assert.equal(
            flow(new PlanView([nodes, data, acl([deny, allow(100, "10.0.0.0/16", 6379, 6379)], [allow(100, "10.0.0.0/16", 1024, 65535)])]))
                .problems.length,
            1,
        );
    });
});

describe("NSG evaluation", () => {
    const nsg = resource("azure-native:network:NetworkSecurityGroup", "nodes", {
        securityRules: [
            {
                name: "deny-pods",
                priority: 200,
                direction: "Inbound",
                access: "Deny",
                protocol: "*",
                sourceAddressPrefix: "100.64.0.0/16",
                destinationPortRange: "*",
            },
            {
                name: "allow-lb",
                priority: 110,
                direction: "Inbound",
                access: "Allow",
                protocol: "*",
                sourceAddressPrefix: "AzureLoadBalancer",
                destinationPortRange: "*",
            },
            {
                name: "allow-edge",
                priority: 120,
                direction: "Inbound",
                access: "Allow",
                protocol: "Tcp",
                sourceAddressPrefixes: ["1.1.0.0/16", "2.2.0.0/16"],
                destinationPortRange: "443",
            },
            {
                name: "deny-all",
                priority: 4096,
                direction: "Inbound",
                access: "Deny",
                protocol: "*",
                sourceAddressPrefix: "*",
                destinationPortRange: "*",
            },
        ],
    });
    const vnet = ["10.0.0.0/16"];

    it("decides by the first rule in priority order that matches", () => {
        assert.deepEqual(nsgAllows(nsg, "Inbound", { name: "pods", cidrs: ["100.64.0.0/16"] }, { from: 8080, to: 8080 }, "tcp", vnet), {
            allowed: false,
            by: "NSG nodes rule deny-pods (200)",
        });
    });

    it("matches service tags only for the tagged source", () => {
        assert.equal(
            nsgAllows(nsg, "Inbound", { name: "lb", cidrs: [], tag: "AzureLoadBalancer" }, { from: 80, to: 80 }, "tcp", vnet).allowed,
            true,
        );
        assert.equal(
            nsgAllows(nsg, "Inbound", { name: "gm", cidrs: [], tag: "GatewayManager" }, { from: 65200, to: 65535 }, "tcp", vnet).allowed,
            false,
        );
    });

    it("admits a party whose addresses spread over several prefixes of one rule", () => {
        assert.equal(
            nsgAllows(nsg, "Inbound", { name: "edge", cidrs: ["1.1.1.0/24", "2.2.2.0/24"] }, { from: 443, to: 443 }, "tcp", vnet).allowed,
            true,
        );
        assert.equal(
            nsgAllows(nsg, "Inbound", { name: "edge", cidrs: ["1.1.1.0/24", "3.3.3.0/24"] }, { from: 443, to: 443 }, "tcp", vnet).allowed,
            false,
        );
    });

    it("falls through to Azure's default rules when it has none of its own", () => {
        const empty = resource("azure-native:network:NetworkSecurityGroup", "empty", { securityRules: [] });
        assert.equal(
            nsgAllows(empty, "Inbound", { name: "vnet", cidrs: ["10.0.3.0/24"] }, { from: 22, to: 22 }, "tcp", vnet).allowed,
            true,
        );
        assert.equal(
            nsgAllows(empty, "Inbound", { name: "internet", cidrs: ["8.8.8.0/24"] }, { from: 22, to: 22 }, "tcp", vnet).allowed,
            false,
        );
    });
});

describe("NetworkPolicy evaluation", () => {
    const policy = (name: string, namespace: string, spec: Record<string, unknown>) => ({
        name,
        namespace,
        podSelector: (spec.podSelector ?? {}) as Record<string, unknown>,
        types: spec.policyTypes as string[],
        ingress: (spec.ingress ?? []) as Record<string, unknown>[],
        egress: (spec.egress ?? []) as Record<string, unknown>[],
    });
    const web: Peer = { kind: "pod", name: "web", namespace: "hub", labels: { app: "web" }, cidrs: ["10.0.0.0/24"] };
    const api: Peer = { kind: "pod", name: "api", namespace: "hub", labels: { app: "api" }, cidrs: ["10.0.0.0/24"] };
    const denyAll = policy("deny", "hub", { policyTypes: ["Ingress", "Egress"] });

    it("selects by matchLabels and matchExpressions together", () => {
        assert.equal(
            selects({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, { app: "web" }),
            true,
        );
        assert.equal(selects({ matchExpressions: [{ key: "app", operator: "In", values: ["api"] }] }, { app: "web" }), false);
        assert.equal(selects({}, { anything: "x" }), true);
    });

    it("lets pods talk while no policy isolates them", () => {
        assert.deepEqual(networkPoliciesAllow([], web, api, { from: 8080, to: 8080 }, "tcp").problems, []);
    });

    it("blocks both directions under a default deny until an egress and an ingress rule admit the flow", () => {
        assert.equal(networkPoliciesAllow([denyAll], web, api, { from: 8080, to: 8080 }, "tcp").problems.length, 2);
        const allow = policy("web-to-api", "hub", {
            policyTypes: ["Ingress", "Egress"],
            egress: [{ to: [{ podSelector: { matchLabels: { app: "api" } } }], ports: [{ port: 8080, protocol: "TCP" }] }],
            ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: 8080 }] }],
        });
        assert.deepEqual(networkPoliciesAllow([denyAll, allow], web, api, { from: 8080, to: 8080 }, "tcp").problems, []);
        assert.equal(networkPoliciesAllow([denyAll, allow], web, api, { from: 9090, to: 9090 }, "tcp").problems.length, 2);
    });

    it("admits a load balancer whose subnets fall in different ipBlocks of one rule", () => {
        const gateway: Peer = { kind: "pod", name: "gateway", namespace: "gw", labels: {}, cidrs: ["10.0.0.0/24"] };
        const fromLoadBalancer = policy("from-lb", "gw", {
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ ipBlock: { cidr: "10.0.8.0/24" } }, { ipBlock: { cidr: "10.0.9.0/24" } }], ports: [{ port: 8080 }] }],
        });
        const loadBalancer: Peer = { kind: "address", name: "lb", cidrs: ["10.0.8.0/24", "10.0.9.0/24"] };
        assert.deepEqual(networkPoliciesAllow([fromLoadBalancer], loadBalancer, gateway, { from: 8080, to: 8080 }, "tcp").problems, []);
        assert.equal(
            networkPoliciesAllow(
                [fromLoadBalancer],
                { ...loadBalancer, cidrs: ["10.0.8.0/24", "10.0.10.0/24"] },
                gateway,
                { from: 8080, to: 8080 },
                "tcp",
            ).problems.length,
            1,
        );
    });

    it("honours ipBlock except ranges and port ranges with endPort", () => {
        const egress = policy("out", "hub", {
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }],
                    ports: [{ port: 1024, endPort: 65535, protocol: "TCP" }],
                },
            ],
        });
        const database: Peer = { kind: "address", name: "db", cidrs: ["10.1.0.0/24"] };
        const publicApi: Peer = { kind: "address", name: "api", cidrs: ["20.0.0.0/24"] };
        assert.equal(networkPoliciesAllow([egress], web, database, { from: 27017, to: 27017 }, "tcp").problems.length, 1);
        assert.deepEqual(networkPoliciesAllow([egress], web, publicApi, { from: 27017, to: 27017 }, "tcp").problems, []);
        assert.equal(networkPoliciesAllow([egress], web, publicApi, { from: 443, to: 443 }, "tcp").problems.length, 1);
    });
});

describe("IAM statement evaluation", () => {
    const bucketPolicy = JSON.stringify({
        Statement: [
            {
                Sid: "OnlyThroughEndpoint",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::assets/*",
                Condition: {
                    StringNotEqualsIfExists: { "aws:SourceVpce": "vpce-1" },
                    ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::1:role/backup-*"] },
                },
            },
            {
                Sid: "Logs",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: "arn:aws:s3:::assets/logs/*",
            },
        ],
    });
    const get = (arn: string, context: Record<string, string>) => ({
        action: "s3:GetObject",
        resource: "arn:aws:s3:::assets/a.css",
        principal: { arn },
        context: { "aws:PrincipalArn": arn, ...context },
    });

    it("denies a reader outside the endpoint, whose request has no aws:SourceVpce (IfExists)", () => {
        assert.equal(denyingStatement(bucketPolicy, get("arn:aws:iam::1:role/web", {}), true), "OnlyThroughEndpoint");
    });

    it("does not deny a reader through the endpoint, nor an exempted principal", () => {
        assert.equal(denyingStatement(bucketPolicy, get("arn:aws:iam::1:role/web", { "aws:SourceVpce": "vpce-1" }), true), undefined);
        assert.equal(denyingStatement(bucketPolicy, get("arn:aws:iam::1:role/backup-7", {}), true), undefined);
    });

    it("allows a service principal only under its prefix", () => {
        const put = (resource: string) => ({
            action: "s3:PutObject",
            resource,
            principal: { service: "logging.s3.amazonaws.com" },
            context: {},
        });
        assert.equal(allowingStatement(bucketPolicy, put("arn:aws:s3:::assets/logs/x"), true), "Logs");
        assert.equal(allowingStatement(bucketPolicy, put("arn:aws:s3:::assets/other/x"), true), undefined);
    });
});

describe("capacity and scope arithmetic", () => {
    it("reads Kubernetes quantities in millicores and MiB", () => {
        assert.equal(parseQuantity("250m", "cpu"), 250);
        assert.equal(parseQuantity("2", "cpu"), 2000);
        assert.equal(parseQuantity("1Gi", "memory"), 1024);
        assert.equal(parseQuantity("512Mi", "memory"), 512);
    });

    it("contains CIDRs by prefix, never across address families", () => {
        assert.equal(cidrContains("10.0.0.0/16", "10.0.3.0/24"), true);
        assert.equal(cidrContains("10.0.0.0/24", "10.0.0.0/16"), false);
        assert.equal(cidrContains("0.0.0.0/0", "2400:cb00::/32"), false);
    });

    it("finds a role assignment's scope only where the plan creates it", () => {
        const vault = resource("azure-native:keyvault:Vault", "vault", {});
        const vnet = resource("azure-native:network:VirtualNetwork", "vnet", { subnets: [{ name: "aks-nodes" }] });
        const at = (scope: string, source: IntentResource) =>
            resource("azure-native:authorization:RoleAssignment", "a", { scope }, { scope: [source.urn] });
        const view = new PlanView([vault, vnet]);
        assert.equal(scopeProblem(view, at("/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v1", vault)), undefined);
        assert.match(
            scopeProblem(view, at("/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v1/secrets/hub-web", vault)) ?? "",
            /no azure-native:keyvault:Secret hub-web/,
        );
        assert.equal(
            scopeProblem(
                view,
                at("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/n/subnets/aks-nodes", vnet),
            ),
            undefined,
        );
        assert.match(
            scopeProblem(view, at("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/n/subnets/other", vnet)) ??
                "",
            /no subnet other/,
        );
    });
});

describe("inputs with values unknown at preview", () => {
    it("read as absent, in objects and arrays alike, instead of failing the rule", () => {
        const props = unknownCheckingProxy({ cidrBlocks: ["10.0.0.0/16", UNKNOWN], vpcId: UNKNOWN, description: "d" });
        const unknowns: UnknownRead[] = [];
        const [read] = fromPolicyResources(
            [
                {
                    type: "aws:ec2/securityGroup:SecurityGroup",
                    name: "g",
                    urn: "urn:g",
                    props,
                    propertyDependencies: {},
                } as unknown as PolicyResource,
            ],
            unknowns,
        );
        assert.deepEqual(read.props, { cidrBlocks: ["10.0.0.0/16"], description: "d" });
        // Each is told, so that a failing verdict can wait for the update (intent/rules.ts).
        assert.deepEqual(
            unknowns.map(({ type, name, error }) => [type, name, error.message]),
            [
                ["aws:ec2/securityGroup:SecurityGroup", "g", "string value at .cidrBlocks.1 can't be known during preview"],
                ["aws:ec2/securityGroup:SecurityGroup", "g", "string value at .vpcId can't be known during preview"],
            ],
        );
    });
});
