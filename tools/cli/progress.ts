import { planStack, type PlanOptions, type StackPlan } from "../plan/planner";
import type { Terminal } from "./index";

/**
 * Plans a stack with a progress line as each stack's program starts, the stacks it reads through
 * StackReference included, and a line when all are planned.
 *
 * The planner reads a stack's config overrides once as it starts that stack's program (and again
 * when it reruns the program with the outputs of the stacks it read), so a view of the overrides
 * that reports each read is where the progress comes from, with no change to what is planned.
 */
export async function planWithProgress(options: PlanOptions, terminal: Terminal): Promise<StackPlan> {
    const started: string[] = [];
    const overrides = new Proxy(options.configOverrides ?? {}, {
        get(target, key, receiver) {
            if (typeof key === "string") {
                const first = started.indexOf(key);
                if (first === -1) {
                    terminal.progress(`planning stack ${terminal.styleErr("bold", key)}`);
                } else {
                    const read = [...new Set(started.slice(first + 1))].filter((stack) => stack !== key);
                    terminal.progress(`planning stack ${terminal.styleErr("bold", key)} again, with the outputs of ${read.join(", ")}`);
                }
                started.push(key);
            }
            return Reflect.get(target, key, receiver);
        },
    });
    const plan = await planStack({ ...options, configOverrides: overrides });
    const stacks = [...new Set(started)];
    const resources = countResources(plan);
    terminal.progress(`planned ${resources} resources in ${stacks.length} ${stacks.length === 1 ? "stack" : "stacks"}`);
    return plan;
}

function countResources(plan: StackPlan): number {
    return plan.resources.length + plan.referencedStacks.reduce((sum, referenced) => sum + countResources(referenced), 0);
}
