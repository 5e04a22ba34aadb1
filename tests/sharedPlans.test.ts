import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { StackPlan } from "../tools/plan/planner";
import { planOnceInRun, REPOSITORY_ROOT } from "./helpers";

const PLAN: StackPlan = {
    project: "crypto-beacon",
    stack: "prod-aws",
    stackFile: "Pulumi.prod-aws.yaml",
    resources: [],
    outputs: { vpcId: "vpc-0123" },
    referencedStacks: [],
    organization: "organization",
    config: {},
    secretKeys: [],
};

describe("plans shared by the processes of a test run", () => {
    let directory: string;
    beforeEach(() => {
        directory = fs.mkdtempSync(path.join(os.tmpdir(), "shared-plans-"));
    });
    afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

    it("plans a stack once: whoever asks while it is planned waits for its file and reads the same plan", async () => {
        let planned = 0;
        let finish!: (plan: StackPlan) => void;
        const first = planOnceInRun(directory, "prod-aws", () => {
            planned += 1;
            return new Promise<StackPlan>((resolve) => (finish = resolve));
        });
        const second = planOnceInRun(directory, "prod-aws", async () => {
            planned += 1;
            return PLAN;
        });
        await new Promise((resolve) => setTimeout(resolve, 250));
        finish(PLAN);
        assert.deepEqual(await first, PLAN);
        assert.deepEqual(await second, PLAN);
        assert.equal(planned, 1);
        const third = await planOnceInRun(directory, "prod-aws", () => assert.fail("planned again"));
        assert.deepEqual(third, PLAN);
    });

    it("gives everyone waiting for a plan that failed the same error and exit code, instead of a wait", async () => {
        const failure = Object.assign(new Error("Pulumi.prod-aws.yaml: awsRegion must be a region"), {
            name: "PlanInputError",
            exitCode: 2,
        });
        const first = planOnceInRun(directory, "prod-aws", () => Promise.reject(failure));
        const second = planOnceInRun(directory, "prod-aws", () => assert.fail("planned again"));
        for (const attempt of [first, second]) {
            await assert.rejects(attempt, (error: Error & { exitCode?: number }) => {
                assert.equal(error.message, failure.message);
                assert.equal(error.name, "PlanInputError");
                assert.equal(error.exitCode, 2);
                return true;
            });
        }
    });

    it("plans here what a process that died while planning it never wrote, instead of waiting for it", async function () {
        this.timeout(30_000);
        // A worker claims the plan and hangs in it, as one that is planning; then it dies.
        const worker = spawn(
            process.execPath,
            [
                "--require",
                "tsx/cjs",
                "-e",
                `require("./tests/helpers").planOnceInRun(${JSON.stringify(directory)}, "prod-aws", () => new Promise(() => {}))`,
            ],
            { cwd: REPOSITORY_ROOT, stdio: "ignore" },
        );
        const exited = new Promise((resolve) => worker.once("exit", resolve));
        while (
            !fs.readdirSync(directory).some((file) => file.endsWith(".claim") && fs.readFileSync(path.join(directory, file), "utf8") !== "")
        ) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        worker.kill("SIGKILL");
        await exited;
        assert.deepEqual(await planOnceInRun(directory, "prod-aws", async () => PLAN), PLAN);
    });

    it("hands out plans that have been through JSON, wherever they were planned", async () => {
        const withUndefined = { ...PLAN, outputs: { vpcId: "vpc-0123", notYet: undefined } };
        const alone = await planOnceInRun(undefined, "prod-aws", async () => withUndefined);
        const shared = await planOnceInRun(directory, "prod-aws", async () => withUndefined);
        assert.deepEqual(alone, PLAN);
        assert.deepEqual(shared, PLAN);
    });
});
