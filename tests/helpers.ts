import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { planStack, type PlanOptions, type PlannedResource, type StackPlan } from "../tools/plan/planner";
import { SHARED_PLANS_VARIABLE } from "./runEnd";

export const REPOSITORY_ROOT = path.resolve(__dirname, "..");
export const FIXTURES = path.join(__dirname, "fixtures");

const sharedPlans = new Map<string, Promise<StackPlan>>();

type ConfigOverrides = Readonly<Record<string, Readonly<Record<string, string>>>>;

function sharedPlanKey(stack: string, configOverrides: ConfigOverrides): string {
    const canonical = Object.entries(configOverrides)
        .filter(([, values]) => Object.keys(values).length > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([overridden, values]) => [overridden, Object.entries(values).sort(([a], [b]) => a.localeCompare(b))]);
    return JSON.stringify([stack, canonical]);
}

/**
 * The plan of one of this project's stacks, planned once per test run and shared by every test
 * file that asks, in every process of the run: planning is most of the suite's time, and a plan is
 * a pure function of the program, its stack file and the config overrides (as in `planStack`, by
 * stack name then full key). The run's processes (mocha's parallel workers) share plans as JSON
 * files in the run's directory (tests/runEnd.ts): the first to need a plan plans it, the others
 * wait for its file. Every plan handed out has been through JSON, in whichever process planned
 * it, and is deep-frozen, so a test that needs a changed plan works on a copy (`structuredClone`,
 * or `mutate` in tests/policy/helpers.ts) and cannot change what the next test reads.
 */
export function sharedPlan(stack: string, configOverrides: ConfigOverrides = {}): Promise<StackPlan> {
    const key = sharedPlanKey(stack, configOverrides);
    let plan = sharedPlans.get(key);
    if (!plan) {
        // Read when asked: mocha without --parallel loads the test files before the run's global setup.
        const runPlans = process.env[SHARED_PLANS_VARIABLE];
        plan = planOnceInRun(runPlans, key, async () => {
            const planned = await planStack({ stack, configOverrides });
            // An edge's plan holds the plans of the sites it reads, each from its own stack file
            // and its own overrides: exactly what `sharedPlan(site, ...)` would plan again, as
            // long as the site reads no stack itself (the edge's plan does not nest what a site
            // reads, so a site with a StackReference of its own is planned on its own).
            const readsNoStack = (site: StackPlan) => !site.resources.some((resource) => resource.type === "pulumi:pulumi:StackReference");
            for (const referenced of planned.referencedStacks.filter(readsNoStack)) {
                const referencedKey = sharedPlanKey(referenced.stack, { [referenced.stack]: configOverrides[referenced.stack] ?? {} });
                if (!sharedPlans.has(referencedKey) && offerToRun(runPlans, referencedKey, referenced)) {
                    sharedPlans.set(referencedKey, Promise.resolve(deepFreeze(throughJson(referenced))));
                }
            }
            return planned;
        }).then(deepFreeze);
        sharedPlans.set(key, plan);
    }
    return plan;
}

function runPlanFile(directory: string, key: string, suffix: string): string {
    return path.join(directory, `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.${suffix}`);
}

function throughJson(plan: StackPlan): StackPlan {
    return JSON.parse(JSON.stringify(plan)) as StackPlan;
}

/**
 * The plan for `key`: from the run's directory when another process planned it or is planning
 * it, else planned here and written there. A failed plan is written as its error, so that the
 * processes waiting for it fail the same way instead of waiting. When the process planning it
 * dies first (a crashed worker), the one waiting plans it itself.
 */
export async function planOnceInRun(directory: string | undefined, key: string, plan: () => Promise<StackPlan>): Promise<StackPlan> {
    if (!directory) {
        return throughJson(await plan());
    }
    if (claim(directory, key)) {
        let shared: SharedPlan;
        try {
            shared = { plan: await plan() };
        } catch (error) {
            const { name, message } = error as Error;
            shared = { error: { name, message, exitCode: (error as { exitCode?: number }).exitCode } };
        }
        return unpack(publish(directory, key, shared));
    }
    const file = runPlanFile(directory, key, "json");
    for (let waited = 0; !fs.existsSync(file); waited += 100) {
        if (!claimantAlive(directory, key)) {
            // Written just before it exited, or never: then plan it here.
            return fs.existsSync(file) ? unpack(fs.readFileSync(file, "utf8")) : throughJson(await plan());
        }
        if (waited > 600_000) {
            throw new Error(`no process of this test run wrote the shared plan ${key} (${file}) within 10 minutes`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return unpack(fs.readFileSync(file, "utf8"));
}

/** A shared plan as its file holds it: the plan, or the error planning it ended in. */
interface SharedPlan {
    readonly plan?: StackPlan;
    readonly error?: { readonly name: string; readonly message: string; readonly exitCode?: number };
}

/** Writes a shared plan for the other processes (whole, by rename) and returns its JSON. */
function publish(directory: string, key: string, shared: SharedPlan): string {
    const file = runPlanFile(directory, key, "json");
    const json = JSON.stringify(shared);
    fs.writeFileSync(`${file}.partial`, json);
    fs.renameSync(`${file}.partial`, file);
    return json;
}

function unpack(json: string): StackPlan {
    const shared = JSON.parse(json) as SharedPlan;
    if (shared.error) {
        throw Object.assign(new Error(shared.error.message), { name: shared.error.name, exitCode: shared.error.exitCode });
    }
    return shared.plan!;
}

/** Makes this process the one that plans `key` in this run; false when another already is. */
function claim(directory: string, key: string): boolean {
    try {
        const claimFile = fs.openSync(runPlanFile(directory, key, "claim"), "wx");
        fs.writeFileSync(claimFile, String(process.pid));
        fs.closeSync(claimFile);
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") {
            return false;
        }
        throw error;
    }
}

/** Whether the process that claimed `key` still runs; true while its claim has no pid written yet. */
function claimantAlive(directory: string, key: string): boolean {
    const pid = Number(fs.readFileSync(runPlanFile(directory, key, "claim"), "utf8"));
    if (!pid) {
        return true;
    }
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Shares a plan made as part of another (a site's, inside its edge's) unless some process has claimed it. */
function offerToRun(directory: string | undefined, key: string, plan: StackPlan): boolean {
    if (!directory) {
        return true;
    }
    if (!claim(directory, key)) {
        return false;
    }
    publish(directory, key, { plan });
    return true;
}

/** `planStack` for code that takes a planner: this project's stacks come from `sharedPlan`. */
export function sharedPlanner(options: PlanOptions): Promise<StackPlan> {
    const ownStack = options.stack !== undefined && !options.program && !options.configFile && !options.organization;
    return ownStack ? sharedPlan(options.stack!, options.configOverrides) : planStack(options);
}

function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        Object.values(value).forEach(deepFreeze);
    }
    return value;
}

/** Plans a stack file under tests/fixtures/stacks with this repository's program. */
export function planFixtureStack(name: string): Promise<StackPlan> {
    return planStack({ configFile: path.join(FIXTURES, "stacks", `Pulumi.${name}.yaml`) });
}

/** Asserts that planning rejects with an error whose message contains every fragment. */
export async function assertPlanFails(plan: Promise<unknown>, exitCode: number, ...fragments: string[]): Promise<string> {
    const error = await plan.then(
        () => assert.fail("expected the plan to fail"),
        (reason: unknown) => reason as Error & { exitCode?: number },
    );
    assert.equal(error.exitCode, exitCode, `exit code of: ${error.message}`);
    for (const fragment of fragments) {
        assert.ok(error.message.includes(fragment), `expected ${JSON.stringify(fragment)} in:\n${error.message}`);
    }
    return error.message;
}

export function resourcesOfType(plan: StackPlan, type: string): PlannedResource[] {
    return plan.resources.filter((resource) => resource.type === type);
}

export function resourceNamed(plan: StackPlan, type: string, name: string): PlannedResource {
    const found = plan.resources.find((resource) => resource.type === type && resource.name === name);
    assert.ok(found, `no ${type} named ${name} in the plan of ${plan.stack}`);
    return found;
}

/** The one resource of a type in the plan; fails when there are none or several. */
export function one(plan: StackPlan, type: string): PlannedResource {
    const found = resourcesOfType(plan, type);
    assert.equal(found.length, 1, `one ${type} in ${plan.stack}`);
    return found[0];
}

export function parentOf(plan: StackPlan, resource: PlannedResource): PlannedResource | undefined {
    return plan.resources.find((candidate) => candidate.urn === resource.parent);
}

export function providerOf(plan: StackPlan, resource: PlannedResource): PlannedResource | undefined {
    return plan.resources.find((candidate) => candidate.urn === resource.provider);
}
