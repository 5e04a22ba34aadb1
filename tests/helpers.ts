import * as assert from "node:assert/strict";
import * as path from "node:path";
import { planStack, type PlanOptions, type PlannedResource, type StackPlan } from "../tools/plan/planner";

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
 * file that asks: planning is most of the suite's time, and a plan is a pure function of the
 * program, its stack file and the config overrides (as in `planStack`, by stack name then full
 * key). The plan is deep-frozen, so a test that needs a changed plan works on a copy
 * (`structuredClone`, or `mutate` in tests/policy/helpers.ts) and cannot change what the next
 * test reads.
 */
export function sharedPlan(stack: string, configOverrides: ConfigOverrides = {}): Promise<StackPlan> {
    const key = sharedPlanKey(stack, configOverrides);
    let plan = sharedPlans.get(key);
    if (!plan) {
        plan = planStack({ stack, configOverrides }).then((planned) => {
            // An edge's plan holds the plans of the sites it reads, each from its own stack file
            // and its own overrides: exactly what `sharedPlan(site, ...)` would plan again, as
            // long as the site reads no stack itself (the edge's plan does not nest what a site
            // reads, so a site with a StackReference of its own is planned on its own).
            const readsNoStack = (site: StackPlan) => !site.resources.some((resource) => resource.type === "pulumi:pulumi:StackReference");
            for (const referenced of planned.referencedStacks.filter(readsNoStack)) {
                const referencedKey = sharedPlanKey(referenced.stack, { [referenced.stack]: configOverrides[referenced.stack] ?? {} });
                if (!sharedPlans.has(referencedKey)) {
                    sharedPlans.set(referencedKey, Promise.resolve(deepFreeze(referenced)));
                }
            }
            return deepFreeze(planned);
        });
        sharedPlans.set(key, plan);
    }
    return plan;
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
