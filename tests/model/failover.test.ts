import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
    CLOUDFLARE_PLANS,
    detectionTimeProblem,
    FAILOVER_DETECTION_LIMIT_SEC,
    FAILOVER_DETECTION_MARGIN_SEC,
    FAILOVER_DETECTION_TARGET_SEC,
    failoverDetectionSec,
    HEALTH_PROPAGATION_ALLOWANCE_SEC,
    type HealthMonitorTiming,
} from "../../model/failover";
import { ENVIRONMENTS } from "../../model/stacks";
import { roleSchemas } from "../../stacks/config/schema";
import { EDGE_CONFIG } from "./schemaSamples";

const timing = fc.record({
    intervalSec: fc.integer({ min: 10, max: 3600 }),
    timeoutSec: fc.integer({ min: 1, max: 10 }),
    retries: fc.integer({ min: 0, max: 5 }),
    consecutiveDown: fc.integer({ min: 1, max: 10 }),
});
const settings = ["intervalSec", "timeoutSec", "retries", "consecutiveDown"] as const;

describe("model: failover detection", () => {
    it("never gets faster when any monitor setting grows", () => {
        fc.assert(
            fc.property(timing, fc.constantFrom(...settings), fc.integer({ min: 1, max: 100 }), (monitor, setting, step) => {
                const slower: HealthMonitorTiming = { ...monitor, [setting]: monitor[setting] + step };
                assert.ok(failoverDetectionSec(slower) > failoverDetectionSec(monitor), `${setting} + ${step}`);
            }),
        );
    });

    it("always includes the propagation allowance on top of the slowest probe", () => {
        fc.assert(
            fc.property(timing, (monitor) => {
                assert.ok(
                    failoverDetectionSec(monitor) >= monitor.intervalSec * monitor.consecutiveDown + HEALTH_PROPAGATION_ALLOWANCE_SEC,
                );
            }),
        );
    });

    it("the schema accepts a monitor exactly when the one detection rule does, keeping the margin under each environment's limit", () => {
        fc.assert(
            fc.property(timing, fc.constantFrom(...ENVIRONMENTS), fc.constantFrom(...CLOUDFLARE_PLANS), (monitor, environment, plan) => {
                const parsed = roleSchemas.edge.safeParse({
                    ...EDGE_CONFIG,
                    environment,
                    cloudflarePlan: plan,
                    healthMonitorIntervalSec: monitor.intervalSec,
                    healthMonitorTimeoutSec: monitor.timeoutSec,
                    healthMonitorRetries: monitor.retries,
                    healthMonitorConsecutiveDown: monitor.consecutiveDown,
                });
                const limitSec = FAILOVER_DETECTION_LIMIT_SEC[environment];
                const detectionIssue = parsed.error?.issues.some((issue) => /worst-case failover detection/.test(issue.message)) ?? false;
                assert.equal(detectionIssue, detectionTimeProblem(monitor, limitSec) !== undefined);
                if (parsed.success) {
                    assert.ok(failoverDetectionSec(monitor) + FAILOVER_DETECTION_MARGIN_SEC <= limitSec);
                }
            }),
            { numRuns: 300 },
        );
    });

    it("holds prod and staging to the 35 s target, less the margin, and spells out the arithmetic when a monitor is too slow", () => {
        assert.equal(FAILOVER_DETECTION_LIMIT_SEC.prod, FAILOVER_DETECTION_TARGET_SEC);
        assert.equal(FAILOVER_DETECTION_LIMIT_SEC.staging, FAILOVER_DETECTION_TARGET_SEC);
        const justFits = { intervalSec: 15, consecutiveDown: 1, timeoutSec: 5, retries: 1 };
        assert.equal(failoverDetectionSec(justFits), FAILOVER_DETECTION_TARGET_SEC - FAILOVER_DETECTION_MARGIN_SEC);
        assert.equal(detectionTimeProblem(justFits, FAILOVER_DETECTION_TARGET_SEC), undefined);
        assert.equal(
            detectionTimeProblem({ ...justFits, retries: 2 }, FAILOVER_DETECTION_TARGET_SEC, "prod's"),
            "worst-case failover detection is 35 s (interval 15 s x consecutiveDown 1 + timeout 5 s x (retries 2 + 1) + propagation 5 s);" +
                " at most 30 s allowed (prod's 35 s limit less a 5 s margin)",
        );
    });
});
