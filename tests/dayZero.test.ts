import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ALL_KEYS, DEPLOY_STAGES } from "../stacks/config/schema";
import { HUB_SERVICES } from "../stacks/services";
import { type StackPlan } from "../tools/plan/planner";
import { listStacks } from "../tools/stacks";
import { REPOSITORY_ROOT, resourcesOfType, sharedPlan } from "./helpers";

const RUNBOOK = path.join(REPOSITORY_ROOT, "docs", "runbooks", "new-stack.md");

/** Kubernetes resources go through the cluster's private API: only a deploy runner reaches it. */
const throughTheClusterApi = (plan: StackPlan) =>
    plan.resources.filter((resource) => resource.type.startsWith("kubernetes:") && !resource.type.startsWith("pulumi:providers:"));

describe("day 0 of a new site", () => {
    const foundation = (stack: string) => sharedPlan(stack, { [stack]: { "crypto-beacon:deployStage": "foundation" } });

    it("first creates the AWS site's network, cluster, registries, secret stores and deploy runner, and nothing through the cluster's API", async () => {
        const plan = await foundation("prod-aws");
        assert.deepEqual(
            throughTheClusterApi(plan).map((resource) => resource.type),
            [],
        );
        assert.equal(resourcesOfType(plan, "beacon:aws:DeployRunner").length, 1);
        assert.ok(resourcesOfType(plan, "aws:ecr/repository:Repository").length > 0, "registries, for the images");
        assert.ok(resourcesOfType(plan, "aws:secretsmanager/secret:Secret").length > 0, "secret stores, for the values");
        assert.equal(
            resourcesOfType(plan, "aws:secretsmanager/secretVersion:SecretVersion").length,
            1,
            "the Redis AUTH token is set by the stack itself",
        );
        assert.equal(resourcesOfType(plan, "beacon:aws:Origin").length, 1, "the origin's certificate comes from config");
        const workloads = await sharedPlan("prod-aws");
        assert.ok(throughTheClusterApi(workloads).length > 0, "deployStage workloads adds them");
    });

    it("first creates the Azure site's vaults, registry and deploy runner, without the gateway, which has nothing to serve yet", async () => {
        const plan = await foundation("prod-azure");
        assert.deepEqual(
            throughTheClusterApi(plan).map((resource) => resource.type),
            [],
        );
        assert.equal(resourcesOfType(plan, "beacon:azure:DeployRunner").length, 1);
        // The site's own vault and one per service, each service's secret in a scope of its own.
        assert.equal(resourcesOfType(plan, "azure-native:keyvault:Vault").length, 1 + HUB_SERVICES.length);
        assert.equal(resourcesOfType(plan, "azure-native:containerregistry:Registry").length, 1);
        assert.deepEqual(resourcesOfType(plan, "azure-native:network:ApplicationGateway"), []);
        assert.equal(plan.outputs.siteIdentity, undefined, "no edge can point at a site without its origin");
        const workloads = await sharedPlan("prod-azure");
        assert.equal(resourcesOfType(workloads, "azure-native:network:ApplicationGateway").length, 1);
        assert.ok(throughTheClusterApi(workloads).length > 0);
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
