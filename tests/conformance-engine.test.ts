import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { specialOutputValueSig, specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { renderPolicyDocument } from "../tools/plan/iamPolicyDocument";
import { providerOutputs } from "../tools/plan/providerOutputs";
import { planStack, SECRET_MARKER, type PlannedResource, type StackPlan } from "../tools/plan/planner";
import { AnalysisRequests, analyzedPlan, diagnosticsOnly, engineProperties, packEnvironment } from "../tools/policy/analyzer";
import { structBytes } from "../tools/policy/structWire";
import { PolicyRunner } from "../tools/policy/runner";
import { assertPlanFails, FIXTURES, one, parentOf, resourceNamed, resourcesOfType } from "./helpers";
import { handMadeBucket } from "./policy/helpers";

const CONFORMANCE = path.join(FIXTURES, "conformance");

function planConformance(behaviour: string, config: Record<string, string> = {}): Promise<StackPlan> {
    const program = path.join(CONFORMANCE, behaviour);
    return planStack({ program, configFile: path.join(program, "Pulumi.dev.yaml"), configOverrides: { dev: config } });
}

describe("conformance: names as the providers' Check builds and the APIs check them", function () {
    this.timeout(120_000);
    const nameCase = (name: string) => planConformance("engine-name-rules", { "engine-name-rules:case": name });

    it("refuses an azure-native auto-name the storage API would reject, naming the resource, the name and the rule", async () => {
        await assertPlanFails(
            nameCase("storage-auto-name"),
            1,
            'azure-native:storage:StorageAccount "app-assets": accountName "app-assets',
            "3-24 lowercase letters and digits",
        );
    });

    it("accepts an explicit storage account name within the rule", async () => {
        const plan = await nameCase("storage-explicit-valid");
        assert.equal(one(plan, "azure-native:storage:StorageAccount").inputs.accountName, "appassets01");
    });

    it("refuses a registry auto-name, which keeps the logical name's hyphen", async () => {
        await assertPlanFails(nameCase("registry-auto-name"), 1, 'registryName "app-registry', "5-50 letters and digits");
    });

    it("fails as pulumi-aws does when the logical name leaves no room for the 7 random characters", async () => {
        await assertPlanFails(
            nameCase("target-group-too-long"),
            1,
            `name "payment-api-services-tg-blue-" plus 7 random chars is longer than maximum length 32`,
        );
    });

    it("shows the provider's auto-name in the planned inputs: logical name, hyphen, 7 hex characters", async () => {
        const plan = await nameCase("target-group-auto-name");
        assert.match(String(one(plan, "aws:lb/targetGroup:TargetGroup").inputs.name), /^api-[0-9a-f]{7}$/);
    });

    it("lowercases S3 bucket auto-names as pulumi-aws does", async () => {
        const plan = await nameCase("bucket-auto-name");
        assert.match(String(one(plan, "aws:s3/bucket:Bucket").inputs.bucket), /^assets-[0-9a-f]{7}$/);
    });

    it("refuses an explicit bucket name S3 would reject", async () => {
        await assertPlanFails(
            nameCase("bucket-explicit-invalid"),
            1,
            'bucket "Assets_Bucket" breaks the API\'s name rule: 3-63 lowercase letters',
        );
    });
});

describe("conformance: invokes answered from their inputs", function () {
    this.timeout(120_000);
    let plan: StackPlan;
    before(async () => {
        plan = await planConformance("engine-invokes");
    });

    it("computes getPolicyDocument's JSON from the statements, as the provider renders it", () => {
        assert.deepEqual(JSON.parse(String(plan.outputs.policy)), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Assume",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Principal: { Service: "ec2.amazonaws.com" },
                    Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
                },
            ],
        });
        assert.equal(one(plan, "aws:iam/role:Role").inputs.assumeRolePolicy, plan.outputs.policy);
    });

    it("derives getAmi's image from the name filter and its architecture", () => {
        assert.equal(plan.outputs.amiName, "al2023-ami-20260101-arm64");
        assert.equal(plan.outputs.amiArchitecture, "arm64");
        assert.match(String(one(plan, "aws:ec2/instance:Instance").inputs.ami), /^ami-[0-9a-f]{17}$/);
    });

    it("answers listStorageAccountKeys, listStorageAccountServiceSAS and getPublicIPAddress in the API's shapes", () => {
        assert.equal(plan.outputs.firstKeyName, "key1");
        const sas = new URLSearchParams(String(plan.outputs.serviceSas));
        assert.deepEqual([sas.get("sr"), sas.get("sp"), sas.get("se"), sas.get("spr")], ["c", "r", "2030-01-01", "https"]);
        assert.ok(sas.get("sig"));
        assert.match(String(plan.outputs.gatewayAddress), /^198\.51\.100\.\d+$/);
    });

    it("answers listManagedClusterAdminCredentials and listManagedClusterUserCredentials with the cluster's kubeconfig, named as the API names it", () => {
        for (const [kubeconfig, user] of [
            [plan.outputs.adminKubeconfig, "clusterAdmin"],
            [plan.outputs.userKubeconfig, "clusterUser"],
        ]) {
            assert.match(String(kubeconfig), /server: https:\/\/trading-[0-9a-f]{8}\.hcp\.[a-z0-9]+\.azmk8s\.io:443/);
            assert.match(String(kubeconfig), new RegExp(`users:\\n- name: ${user}\\n`));
        }
    });

    it("expands yaml.ConfigFile into its objects through kubernetes:yaml:decode, parented to the ConfigFile", () => {
        const configMap = resourceNamed(plan, "kubernetes:core/v1:ConfigMap", "apps/settings");
        assert.deepEqual(configMap.inputs.data, { mode: "offline" });
        assert.equal(parentOf(plan, configMap)?.type, "kubernetes:yaml:ConfigFile");
        assert.equal(resourceNamed(plan, "kubernetes:core/v1:Namespace", "apps").inputs.kind, "Namespace");
    });

    it("renders several statements in order, merging overrides by Sid and writing a lone wildcard principal bare", () => {
        const rendered = renderPolicyDocument({
            statements: [
                {
                    sid: "Read",
                    actions: ["s3:GetObject", "s3:ListBucket"],
                    resources: ["*"],
                    principals: [{ type: "*", identifiers: ["*"] }],
                },
                { sid: "Deny", effect: "Deny", actions: ["s3:DeleteObject"], resources: ["arn:aws:s3:::b/*"] },
            ],
            overridePolicyDocuments: [JSON.stringify({ Statement: [{ Sid: "Deny", Effect: "Deny", Action: "s3:*", Resource: "*" }] })],
        });
        assert.deepEqual(JSON.parse(rendered.minifiedJson), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*", Principal: "*" },
                { Sid: "Deny", Effect: "Deny", Action: "s3:*", Resource: "*" },
            ],
        });
        assert.equal(rendered.json, JSON.stringify(JSON.parse(rendered.minifiedJson), null, 2));
    });
});

describe("conformance: Kubernetes yaml/v2 components expand from local files as the provider expands them", function () {
    this.timeout(120_000);
    let plan: StackPlan;
    before(async () => {
        plan = await planConformance("engine-yaml-expansion");
    });

    it("registers a ConfigFile's objects under it, named <prefix>-<namespace>/<name> with the component's name as prefix", () => {
        const deployment = resourceNamed(plan, "kubernetes:apps/v1:Deployment", "app-apps/web");
        assert.equal(parentOf(plan, deployment)?.type, "kubernetes:yaml/v2:ConfigFile");
        assert.equal((deployment.inputs.spec as { replicas: number }).replicas, 2);
    });

    it("marks a Secret's stringData secret, as the provider does for raw YAML", () => {
        assert.equal(resourceNamed(plan, "kubernetes:core/v1:Secret", "app-apps/web-credentials").inputs.stringData, SECRET_MARKER);
    });

    it("reads a ConfigGroup's inline yaml, then its globbed files, flattening List kinds into their items", () => {
        const children = plan.resources.filter((resource) => parentOf(plan, resource)?.type === "kubernetes:yaml/v2:ConfigGroup");
        assert.deepEqual(
            children.map((child) => `${child.type} ${child.name}`),
            ["kubernetes:core/v1:Namespace policies-apps", "kubernetes:networking.k8s.io/v1:NetworkPolicy policies-apps/default-deny"],
        );
        assert.equal(resourcesOfType(plan, "kubernetes:core/v1:List").length, 0);
    });
});

describe("conformance: remote content", function () {
    this.timeout(120_000);

    it("fails a chart from a repository, naming the resource and the chart, since nothing can be fetched offline", async () => {
        await assertPlanFails(
            planConformance("engine-remote-chart"),
            1,
            'kubernetes:helm.sh/v4:Chart "ingress": chart "ingress-nginx" cannot be fetched by the offline planner',
        );
    });

    it("fails a yaml.ConfigFile whose file is a URL, naming the resource and the URL, once: not with the SDK's bare fetch failure too", async () => {
        const message = await assertPlanFails(
            planConformance("engine-remote-chart", { "engine-remote-chart:content": "manifest-url" }),
            1,
            'kubernetes:yaml:ConfigFile "operator": manifest "https://manifests.invalid/operator/bundle.yaml" cannot be fetched by the offline planner',
        );
        assert.doesNotMatch(message, /fetch failed/);
    });
});

describe("conformance: each stack's program in its own process", function () {
    this.timeout(120_000);

    it("fails a program by its download that fails after the program returned, not the stack planned next", async () => {
        // Answers 503 a while after it is asked: longer than the program runs.
        const server = http.createServer((_request, response) => {
            setTimeout(() => response.writeHead(503).end(), 300);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle.yaml`;
            await assertPlanFails(
                planConformance("late-download", { "late-download:url": url }),
                1,
                "the download answered 503 after the program returned",
            );
            await planConformance("engine-resource-inputs");
        } finally {
            server.close();
        }
    });
});

describe("conformance: analyzer requests as the engine marshals them", function () {
    this.timeout(180_000);

    it("turns a resource reference into its id, or its URN when it has none", () => {
        assert.equal(engineProperties({ [specialSigKey]: specialResourceSig, urn: "urn:a", id: "role-1" }), "role-1");
        assert.equal(engineProperties({ [specialSigKey]: specialResourceSig, urn: "urn:component" }), "urn:component");
    });

    it("unwraps output values, keeping secrecy and unknowns, and drops internal keys", () => {
        assert.deepEqual(
            engineProperties({
                known: { [specialSigKey]: specialOutputValueSig, value: "v", dependencies: ["urn:x"] },
                unknownSecret: { [specialSigKey]: specialOutputValueSig, secret: true },
                __internal: 1,
            }),
            { known: "v", unknownSecret: { [specialSigKey]: specialSecretSig, value: unknownValue } },
        );
    });

    it("reads a pack's answer for its diagnostics, skipping the not-applicable entries only the engine's summaries use", () => {
        const diagnostic = new analyzerProto.AnalyzeDiagnostic();
        diagnostic.setPolicyname("s3-encrypted");
        diagnostic.setMessage("the bucket is not encrypted");
        diagnostic.setEnforcementlevel(analyzerProto.EnforcementLevel.MANDATORY);
        const notApplicable = new analyzerProto.PolicyNotApplicable();
        notApplicable.setPolicyName("kms-rotation");
        notApplicable.setReason("Policy only applies to resources of type 'aws:kms/key:Key'");
        const answer = new analyzerProto.AnalyzeResponse();
        answer.setDiagnosticsList([diagnostic]);
        answer.setNotApplicableList([notApplicable, notApplicable]);
        const read = diagnosticsOnly(answer.serializeBinary());
        assert.deepEqual(
            read.getDiagnosticsList().map((each) => each.toObject()),
            [diagnostic.toObject()],
        );
        assert.equal(read.getNotApplicableList().length, 0);
    });

    it("writes properties byte for byte as google-protobuf's Struct.fromJavaScript serializes them, and refuses what it refuses", () => {
        const properties = {
            zeta: [null, 0, -1.5, "", false, [], {}, { nested: [true, "é"] }],
            alpha: null,
            Émoji: "🔑",
            "": { [specialSigKey]: specialSecretSig, value: unknownValue },
            count: 3,
        };
        assert.deepEqual(Buffer.from(structBytes(properties)), Buffer.from(Struct.fromJavaScript(properties as never).serializeBinary()));
        assert.throws(() => structBytes({ tags: { team: undefined } }), /Unexpected struct type/);
        assert.throws(() => Struct.fromJavaScript({ tags: { team: undefined } } as never), /Unexpected struct type/);
    });

    it("sends Analyze a resource's inputs and its provider's, and AnalyzeStack its outputs, parent and dependencies", () => {
        const provider: PlannedResource = {
            ...handMadeBucket("primary"),
            urn: "urn:pulumi:fixture::crypto-beacon::pulumi:providers:aws::primary",
            type: "pulumi:providers:aws",
            analyzerInputs: { region: "eu-west-1", skipCredentialsValidation: null },
        };
        const bucket: PlannedResource = {
            ...handMadeBucket("logs"),
            provider: provider.urn,
            parent: "urn:pulumi:fixture::crypto-beacon::beacon:aws:Logs::logs",
            analyzerInputs: { bucket: "logs", tags: { team: "platform" }, __defaults: [] },
            analyzerOutputs: { bucket: "logs", arn: "arn:aws:s3:::logs", acl: null },
            dependencies: [provider.urn],
            propertyDependencies: { bucket: [provider.urn] },
        };
        const requests = AnalysisRequests.of([provider, bucket]);
        const analyze = analyzerProto.AnalyzeRequest.deserializeBinary(requests.resources[1].bytes);
        assert.deepEqual(
            [analyze.getType(), analyze.getUrn(), analyze.getName(), analyze.getProperties()?.toJavaScript()],
            [bucket.type, bucket.urn, "logs", { bucket: "logs", tags: { team: "platform" } }],
        );
        assert.deepEqual(
            [analyze.getProvider()?.getUrn(), analyze.getProvider()?.getProperties()?.toJavaScript()],
            [provider.urn, { region: "eu-west-1", skipCredentialsValidation: null }],
        );
        assert.deepEqual(requests.resources[1].bytes, AnalysisRequests.analyzeRequest(bucket, provider));
        const [, entry] = analyzerProto.AnalyzeStackRequest.deserializeBinary(requests.stack).getResourcesList();
        assert.deepEqual(
            [
                entry.getUrn(),
                entry.getProperties()?.toJavaScript(),
                entry.getProvider()?.getName(),
                entry.getParent(),
                entry.getDependenciesList(),
                entry.getPropertydependenciesMap().get("bucket")?.getUrnsList(),
                entry.getOptions()?.getProtect(),
            ],
            [bucket.urn, bucket.analyzerOutputs, "primary", bucket.parent, [provider.urn], [provider.urn], false],
        );
    });

    it("runs an outside pack over a program that passes a resource as an input, which sees the resource's id", async () => {
        const plan = await planConformance("engine-resource-inputs");
        const runner = await PolicyRunner.start([path.join(CONFORMANCE, "engine-resource-inputs", "pack")]);
        try {
            const check = await runner.check(plan.stack, plan.resources, undefined);
            const roleName = String(one(plan, "aws:iam/role:Role").inputs.name);
            assert.match(roleName, /^app-[0-9a-f]{7}$/);
            assert.deepEqual(check.violations.map((violation) => violation.message).sort(), [
                `role is "${roleName}"`,
                `role is "${roleName}"`,
            ]);
        } finally {
            runner.close();
        }
    });
});

describe("conformance: stack policies read outputs, resource policies inputs", function () {
    this.timeout(180_000);

    it("hands AnalyzeStack what the provider answers (no azure-native path parameters, a component's registered outputs) and Analyze the inputs", async () => {
        const plan = await planConformance("engine-stack-outputs");
        const runner = await PolicyRunner.start([path.join(CONFORMANCE, "engine-stack-outputs", "pack")]);
        try {
            const check = await runner.check(plan.stack, plan.resources, undefined);
            assert.deepEqual(check.violations.map((violation) => violation.message).sort(), [
                "azure-native:network:Subnet inputs " +
                    "addressPrefix,privateEndpointNetworkPolicies,privateLinkServiceNetworkPolicies,resourceGroupName,subnetName,virtualNetworkName",
                "azure-native:network:Subnet outputs " +
                    "addressPrefix,name,privateEndpointNetworkPolicies,privateLinkServiceNetworkPolicies,provisioningState,type",
                "conformance:index:Site inputs purpose",
                "conformance:index:Site outputs subnets",
            ]);
        } finally {
            runner.close();
        }
    });

    it("answers an aws resource with every attribute its schema has, unset and write-only ones null, as the Terraform bridge does", () => {
        const version = providerOutputs("aws:secretsmanager/secretVersion:SecretVersion", {
            secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:token",
            secretStringWo: "value",
            secretStringWoVersion: 2,
            notAnAttribute: true,
        });
        assert.deepEqual(version, {
            secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:token",
            secretStringWo: null,
            secretStringWoVersion: 2,
            secretBinary: null,
            secretString: null,
        });
        // A member declared over several lines (an object type) counts too.
        assert.deepEqual(providerOutputs("aws:ec2/subnet:Subnet", { tags: { tier: "private" } }).tags, { tier: "private" });
    });

    it("answers an azure-native resource with its response's properties: no path parameters", () => {
        assert.deepEqual(
            providerOutputs("azure-native:keyvault:Secret", {
                resourceGroupName: "site",
                vaultName: "vault",
                secretName: "token",
                name: "token",
                properties: { contentType: "text/plain" },
                tags: { owner: "platform" },
            }),
            { name: "token", properties: { contentType: "text/plain" }, tags: { owner: "platform" } },
        );
    });

    it("keeps an output secret when its input was secret or additionalSecretOutputs names it, as the engine does", async () => {
        const group = one(await planConformance("engine-stack-outputs"), "azure-native:resources:ResourceGroup");
        assert.deepEqual(group.analyzerOutputs?.tags, { [specialSigKey]: specialSecretSig, value: { owner: "platform" } });
        assert.deepEqual(group.analyzerOutputs?.location, { [specialSigKey]: specialSecretSig, value: "eastus2" });
    });
});

describe("conformance: packs started and configured as the engine starts them", function () {
    this.timeout(180_000);

    it("starts a pack for the planned stack with its organization, project, stack and config, which pulumi.getStack() and pulumi.Config read", async () => {
        const program = path.join(CONFORMANCE, "engine-pack-stack");
        const plan = await planStack({ program, configFile: path.join(program, "Pulumi.dev.yaml"), organization: "acme" });
        const runner = await PolicyRunner.start([path.join(program, "pack")]);
        try {
            const check = await runner.check(plan.stack, plan.resources, undefined, analyzedPlan(plan));
            assert.deepEqual(
                check.violations.map((violation) => JSON.parse(violation.message.split("\n").pop()!)),
                [
                    {
                        organization: "acme",
                        project: "engine-pack-stack",
                        stack: "dev",
                        dryRun: true,
                        region: "eu-west-1",
                        configKeys: ["engine-pack-stack:apiToken", "engine-pack-stack:region"],
                    },
                ],
            );
        } finally {
            runner.close();
        }
    });

    it("builds the environment the Node.js language host gives a pack: PULUMI_NODEJS_* and PULUMI_CONFIG", () => {
        const environment = packEnvironment({
            stack: "prod",
            project: "crypto-beacon",
            configuration: { organization: "acme", config: { "crypto-beacon:region": "eu-west-1" }, secretKeys: [] },
        });
        assert.deepEqual(environment, {
            PULUMI_NODEJS_ORGANIZATION: "acme",
            PULUMI_NODEJS_PROJECT: "crypto-beacon",
            PULUMI_NODEJS_STACK: "prod",
            PULUMI_NODEJS_DRY_RUN: "true",
            PULUMI_CONFIG: '{"crypto-beacon:region":"eu-west-1"}',
        });
    });
});
