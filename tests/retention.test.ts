import * as assert from "node:assert/strict";
import type { StackPlan } from "../tools/plan/planner";
import { resourcesOfType, sharedPlan } from "./helpers";

/**
 * Every resource type that holds data, on both clouds and in Atlas. Each must be retained when
 * the stack is destroyed, and protected in prod, on the resource itself: a component's
 * `retainOnDelete` never reaches its children.
 */
const DATA_STORE_TYPES = [
    "aws:s3/bucket:Bucket",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:ecr/repository:Repository",
    "aws:secretsmanager/secret:Secret",
    "aws:backup/vault:Vault",
    "azure-native:storage:StorageAccount",
    "azure-native:keyvault:Vault",
    "azure-native:containerregistry:Registry",
    "azure-native:redisenterprise:RedisEnterprise",
    "azure-native:redisenterprise:Database",
    "azure-native:dataprotection:BackupVault",
    "mongodbatlas:index/advancedCluster:AdvancedCluster",
] as const;

describe("data stores are retained everywhere and protected in prod, on the resources themselves", () => {
    const plans: Record<string, StackPlan> = {};
    before(async () => {
        for (const stack of ["dev", "prod-aws", "prod-azure", "prod"]) {
            plans[stack] = await sharedPlan(stack);
        }
    });

    it("dev holds every kind of data store, each retained on delete and not protected", () => {
        for (const type of DATA_STORE_TYPES) {
            const stores = resourcesOfType(plans.dev, type);
            assert.ok(stores.length > 0, `dev plans a ${type}`);
            for (const store of stores) {
                assert.deepEqual([store.retainOnDelete, store.protect], [true, false], `${type} ${store.name}`);
            }
        }
    });

    it("the prod stacks hold every kind of data store, each retained on delete and protected", () => {
        const prodStores = ["prod-aws", "prod-azure", "prod"].flatMap((stack) =>
            DATA_STORE_TYPES.flatMap((type) => resourcesOfType(plans[stack], type)),
        );
        assert.deepEqual([...new Set(prodStores.map((store) => store.type))].sort(), [...DATA_STORE_TYPES].sort());
        for (const store of prodStores) {
            assert.deepEqual([store.retainOnDelete, store.protect], [true, true], `${store.type} ${store.name}`);
        }
    });

    it("retains the CloudTrail, access-log, trust-store and assets buckets in both regions", () => {
        const buckets = resourcesOfType(plans["prod-aws"], "aws:s3/bucket:Bucket");
        assert.deepEqual(buckets.map((bucket) => bucket.name).sort(), [
            "aws-assets",
            "aws-assets-replica",
            "aws-monitoring-trail",
            "aws-origin-trust-store",
            "aws-site-access-logs",
        ]);
        assert.ok(buckets.every((bucket) => bucket.retainOnDelete));
    });
});
