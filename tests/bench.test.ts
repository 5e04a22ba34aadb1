import * as assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageModules } from "../bench/plan-and-typecheck";
import { writeFloorPacks } from "../bench/policyFloor";
import type { FloorStack } from "../bench/sdkFloor";
import { PolicyRunner } from "../tools/policy/runner";
import { FIXTURES, REPOSITORY_ROOT } from "./helpers";
import { handMadeBucket, sharedPolicyRunner } from "./policy/helpers";

describe("benchmark floors", () => {
    it("the type-check's floor imports every package module the checked files import, and nothing else", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, "tsconfig.json"), "utf8")) as {
            include: string[];
            exclude: string[];
        };
        const modules = packageModules(tsconfig.include, tsconfig.exclude);
        // The providers, and the libraries besides them that our code imports.
        for (const module of ["@pulumi/pulumi", "@pulumi/aws/s3", "zod", "yaml", "ajv", "typescript"]) {
            assert.ok(modules.includes(module), module);
        }
        // Never a relative path, a Node builtin, or a string passed to `config.require`.
        assert.deepEqual(
            modules.filter(
                (module) =>
                    module.startsWith(".") ||
                    module.startsWith("node:") ||
                    !/^(@[\w.-]+\/)?[\w.-]+(\/[\w.-]+)*$/.test(module) ||
                    module === "region",
            ),
            [],
        );
    });

    describe("the plan's floor", () => {
        let floor: SpawnSyncReturns<string>;
        before(() => {
            // The fixture's resources, with the SDK files that define their classes loaded first.
            const directory = fs.mkdtempSync(path.join(os.tmpdir(), "beacon-floor-"));
            const stacks = JSON.parse(fs.readFileSync(path.join(FIXTURES, "bench", "floor-stacks.json"), "utf8")) as FloorStack[];
            const sdkFiles = [require.resolve("@pulumi/aws/provider"), require.resolve("@pulumi/aws/s3/bucketV2")];
            fs.writeFileSync(path.join(directory, "stacks.json"), JSON.stringify(stacks.map((stack) => ({ ...stack, sdkFiles }))));
            const preload = (file: string) => ["--require", path.join(FIXTURES, "bench", file)];
            floor = spawnSync(
                process.execPath,
                [
                    ...preload("countPromiseTraces.cjs"),
                    ...preload("recordRegistrations.cjs"),
                    "--require",
                    "tsx/cjs",
                    "bench/sdkFloor.ts",
                    path.join(directory, "stacks.json"),
                ],
                { cwd: REPOSITORY_ROOT, encoding: "utf8", env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "" } },
            );
            fs.rmSync(directory, { recursive: true, force: true });
            assert.equal(floor.status, 0, floor.stderr);
        });

        it("runs the SDK as the planner does, keeping no stack trace on its promises", () => {
            assert.match(floor.stderr, /^promise traces formatted: 0$/m);
        });

        it("registers each resource through its provider SDK's class, as a program does", () => {
            assert.deepEqual(floor.stderr.match(/^registered .*$/gm), [
                "registered pulumi:pulumi:Stack floor-dev as Stack",
                "registered pulumi:providers:aws primary as Provider",
                "registered beacon:storage:Bucket assets as FloorComponent",
                "registered aws:s3/bucketV2:BucketV2 assets as BucketV2",
            ]);
        });
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
