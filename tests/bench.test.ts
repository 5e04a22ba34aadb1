import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFloorPacks } from "../bench/policyFloor";
import { PolicyRunner } from "../tools/policy/runner";
import { FIXTURES, REPOSITORY_ROOT } from "./helpers";
import { handMadeBucket, sharedPolicyRunner } from "./policy/helpers";

describe("benchmark floors", () => {
    it("the plan's floor runs the SDK as the planner does, keeping no stack trace on its promises", () => {
        const floor = spawnSync(
            process.execPath,
            [
                "--require",
                path.join(FIXTURES, "bench", "countPromiseTraces.cjs"),
                "--require",
                "tsx/cjs",
                "bench/sdkFloor.ts",
                path.join(FIXTURES, "bench", "floor-stacks.json"),
            ],
            { cwd: REPOSITORY_ROOT, encoding: "utf8", env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "" } },
        );
        assert.equal(floor.status, 0, floor.stderr);
        assert.match(floor.stderr, /^promise traces formatted: 0$/m);
    });

    describe("the policy floor", () => {
        let directory: string;
        let floor: PolicyRunner;
        before(async () => {
            directory = fs.mkdtempSync(path.join(REPOSITORY_ROOT, "bench", ".policy-floor-"));
            const ours = await sharedPolicyRunner(); // our packs' build exists once they run
            floor = await PolicyRunner.start(writeFloorPacks(directory, ["security"]));
            assert.ok(ours.packs.length > 0);
        });
        after(() => {
            floor?.close();
            fs.rmSync(directory, { recursive: true, force: true });
        });

        it("serves the policies our pack serves: names, kinds, levels, severities, config schemas", async () => {
            const security = (await sharedPolicyRunner()).packs.find((pack) => pack.name === "crypto-beacon-security");
            const described = (pack: (typeof floor.packs)[number] | undefined) =>
                pack?.policies.map(({ name, kind, enforcementLevel, severity, configSchema }) => ({
                    name,
                    kind,
                    enforcementLevel,
                    severity,
                    configSchema,
                }));
            assert.ok(security);
            assert.deepEqual(described(floor.packs[0]), described(security));
        });

        it("finds nothing where our pack finds violations", async () => {
            const bucket = handMadeBucket("bare");
            const ours = await (await sharedPolicyRunner()).check("fixture", [bucket], undefined);
            assert.ok(ours.violations.some((violation) => violation.pack === "crypto-beacon-security"));
            assert.deepEqual((await floor.check("fixture", [bucket], undefined)).violations, []);
        });
    });
});
