/**
 * What test files share for the whole run and the run stops at its end (mocha root hooks and
 * global fixtures, loaded through `.mocharc.json`'s `require`). Kept to Node's own modules so that
 * every run, and every parallel worker, loads it cheaply.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The environment variable naming the run's directory of shared plans (tests/helpers.ts). */
export const SHARED_PLANS_VARIABLE = "BEACON_TEST_RUN_PLANS";

const closers: (() => void)[] = [];

/**
 * Registers something started once per process of the run (a shared pack process, say) to be
 * stopped when the run ends. A parallel worker runs root hooks around each file it runs, so there
 * it is stopped when the worker exits, after its last file.
 */
export function closeAtEndOfRun(close: () => void): void {
    if (process.env.MOCHA_WORKER_ID !== undefined) {
        process.once("exit", close);
    } else {
        closers.push(close);
    }
}

export const mochaHooks = {
    afterAll() {
        // Empty in a parallel worker, whose closers run at its exit.
        for (const close of closers.splice(0)) {
            close();
        }
    },
};

let runPlans: string | undefined;

/** Before any worker starts: the run's directory of shared plans, which the workers inherit by environment. */
export function mochaGlobalSetup(): void {
    runPlans = fs.mkdtempSync(path.join(os.tmpdir(), "beacon-test-plans-"));
    process.env[SHARED_PLANS_VARIABLE] = runPlans;
}

export function mochaGlobalTeardown(): void {
    if (runPlans) {
        fs.rmSync(runPlans, { recursive: true, force: true });
        delete process.env[SHARED_PLANS_VARIABLE];
    }
}
