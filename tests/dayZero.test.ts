import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackOutputs } from "../model/contracts";
import { DEPLOY_STAGES } from "../model/stacks";
import { ALL_KEYS, serviceSecretKey } from "../stacks/config/schema";
import { HUB_SERVICES } from "../stacks/services";
import { planStack, type StackPlan } from "../tools/plan/planner";
import { listStacks } from "../tools/stacks";
import { assertPlanFails, FIXTURES, parentOf, REPOSITORY_ROOT, resourceNamed, resourcesOfType, sharedPlan } from "./helpers";

const RUNBOOK = path.join(REPOSITORY_ROOT, "docs", "runbooks", "new-stack.md");

/** Kubernetes resources go through the cluster's private API: only a deploy runner reaches it. */
/**
 * Plans a stack and returns the SDK's "Undefined value (<key>) will not show as a stack output"
 * warnings (pulumi/pulumi sdk/nodejs/runtime/stack.ts), which it prints with console.warn when no
 * engine is attached, as under the planner's mocks.
 */
async function undefinedOutputWarnings(plan: () => Promise<StackPlan>): Promise<{ plan: StackPlan; warnings: string[] }> {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        if (/Undefined value \(/.test(text)) {
            warnings.push(text);
        } else {
            original(...args);
        }
    };
    try {
        return { plan: await plan(), warnings };
    } finally {
        console.warn = original;
    }
}

const throughTheClusterApi = (plan: StackPlan) =>
    plan.resources.filter((resource) => resource.type.startsWith("kubernetes:") && !resource.type.startsWith("pulumi:providers:"));

describe("day 0 of a new site", () => {
    // Planned afresh, not shared: the SDK warns about undefined outputs while the program runs, so a
    // plan taken from the cache would show no warning whatever the program does.
    const foundation = (stack: string) => planStack({ stack, configOverrides: { [stack]: { "crypto-beacon:deployStage": "foundation" } } });

    it("first creates the AWS site's network, cluster, registries, secret stores and deploy runner, and nothing through the cluster's API", async () => {
        const { plan, warnings } = await undefinedOutputWarnings(() => foundation("prod-aws"));
        assert.deepEqual(warnings, [], "outputs that do not exist yet are left out, not exported as undefined");
        assert.deepEqual(
            throughTheClusterApi(plan).map((resource) => resource.type),
            [],
        );
        assert.doesNotThrow(() => readStackOutputs(plan.stack, plan.outputs, ["aws-site"]), "day 0's outputs keep the site's contract");
        assert.equal(resourcesOfType(plan, "beacon:aws:DeployRunner").length, 1);
        assert.ok(resourcesOfType(plan, "aws:ecr/repository:Repository").length > 0, "registries, for the images");
        assert.ok(resourcesOfType(plan, "aws:secretsmanager/secret:Secret").length > 0, "secret stores, for the values");
        const versions = resourcesOfType(plan, "aws:secretsmanager/secretVersion:SecretVersion");
        assert.deepEqual(
            versions.map((version) => version.name).sort(),
            ["aws-redis-auth-token", ...HUB_SERVICES.map((service) => `aws-registry-${service}`)].sort(),
            "the Redis AUTH token and every service's secret value (from the stack's ESC config) are set by the stack itself",
        );
        for (const version of versions) {
            assert.equal(version.inputs.secretString, undefined, `${version.name}: never in state`);
            assert.equal(version.inputs.secretStringWo, "[secret]", `${version.name}: through the write-only input`);
            assert.equal(version.inputs.secretStringWoVersion, 1);
        }
        assert.equal(resourcesOfType(plan, "beacon:aws:Origin").length, 1, "the origin's certificate comes from config");
        const workloads = await sharedPlan("prod-aws");
        assert.ok(throughTheClusterApi(workloads).length > 0, "deployStage workloads adds them");
    });

    it("first creates the Azure site's vaults, registry and deploy runner, without the gateway, which has nothing to serve yet", async () => {
        const { plan, warnings } = await undefinedOutputWarnings(() => foundation("prod-azure"));
        assert.deepEqual(warnings, [], "outputs that do not exist yet are left out, not exported as undefined");
        assert.deepEqual(
            throughTheClusterApi(plan).map((resource) => resource.type),
            [],
        );
        assert.equal(resourcesOfType(plan, "beacon:azure:DeployRunner").length, 1);
        // The site's own vault and one per service, each service's secret in a scope of its own.
        assert.equal(resourcesOfType(plan, "azure-native:keyvault:Vault").length, 1 + HUB_SERVICES.length);
        assert.equal(resourcesOfType(plan, "azure-native:containerregistry:Registry").length, 1);
        for (const service of HUB_SERVICES) {
            const secret = resourceNamed(plan, "azure-native:keyvault:Secret", `hub-${service}-hub-${service}`);
            assert.equal(secret.inputs.secretName, `hub-${service}`, "the object the service's pods mount");
            assert.deepEqual(secret.inputs.properties, { value: "[secret]" });
            assert.equal(parentOf(plan, secret)?.name, `hub-${service}`, "in the service's own vault");
        }
        assert.deepEqual(resourcesOfType(plan, "azure-native:network:ApplicationGateway"), []);
        assert.equal(
            readStackOutputs(plan.stack, plan.outputs, ["azure-site"]).siteIdentity,
            undefined,
            "no edge can point at a site without its origin",
        );
        const workloads = await sharedPlan("prod-azure");
        assert.equal(resourcesOfType(workloads, "azure-native:network:ApplicationGateway").length, 1);
        assert.ok(throughTheClusterApi(workloads).length > 0);
    });

    it("takes the services' secret values only as secrets, and sends a changed one again when its version rises", async () => {
        await assertPlanFails(
            planStack({ configFile: path.join(FIXTURES, "stacks", "Pulumi.plaintext-service-secret.yaml") }),
            2,
            `crypto-beacon:${serviceSecretKey("web")}: holds a plaintext value`,
        );
        const raised = await planStack({
            stack: "prod-aws",
            configOverrides: { "prod-aws": { "crypto-beacon:serviceSecretsVersion": "2" } },
        });
        assert.equal(
            resourceNamed(raised, "aws:secretsmanager/secretVersion:SecretVersion", "aws-registry-web").inputs.secretStringWoVersion,
            2,
        );
    });

    it("is walked through by docs/runbooks/new-stack.md with the schema's keys and stages, in order", () => {
        const runbook = fs.readFileSync(RUNBOOK, "utf8");
        const keys = [...runbook.matchAll(/crypto-beacon:([A-Za-z]+)/g)].map(([, key]) => key);
        assert.ok(keys.length > 0);
        for (const key of keys) {
            assert.ok(key in ALL_KEYS, `new-stack.md names crypto-beacon:${key}, which the schema does not declare`);
        }
        const stages = [...runbook.matchAll(/crypto-beacon:deployStage (\w+)/g)].map(([, stage]) => stage);
        assert.deepEqual(stages, [...DEPLOY_STAGES], "the runbook sets each stage once, in the schema's order");
        for (const [, stack] of runbook.matchAll(/--stack ([a-z0-9-]+)/g)) {
            assert.ok(
                /^perf(-aws|-azure)?$/.test(stack) || listStacks().some((entry) => entry.stack === stack),
                `new-stack.md names stack ${stack}`,
            );
        }
        for (const [, file] of runbook.matchAll(/`((?:\.github|docs|policies|stacks|components|tools)\/[^`*<> ]+)`/g)) {
            assert.ok(fs.existsSync(path.join(REPOSITORY_ROOT, file)), `new-stack.md names ${file}`);
        }
    });
});

describe("the first preview of a stack (--new-stack)", function () {
    this.timeout(120_000);
    const vpcOf = (plan: StackPlan) => plan.resources.find((resource) => resource.type === "aws:ec2/vpc:Vpc")!;

    it("leaves ids and computed outputs unknown for the stack asked for, and plans the stacks it reads as existing", async () => {
        const site = await planStack({ stack: "prod-aws", newStack: true });
        // No id, no ARN: the provider answered the checked inputs alone.
        assert.equal(vpcOf(site).analyzerOutputs?.arn, undefined);
        assert.equal(vpcOf(site).analyzerOutputs?.cidrBlock, vpcOf(site).analyzerInputs.cidrBlock);
        const edge = await planStack({ stack: "prod", newStack: true });
        const readSite = edge.referencedStacks.find((plan) => plan.stack === "prod-aws")!;
        assert.match(String(vpcOf(readSite).analyzerOutputs?.arn), /^arn:aws:ec2:/, "a stack the edge reads exists already");
    });
});
