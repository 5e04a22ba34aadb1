import { planStack, type PlanOptions, type StackPlan } from "../plan/planner";
import type { Terminal } from "./index";

/**
 * Plans a stack with a progress line as each stack's program starts, the stacks it reads through
 * StackReference included, and a line when all are planned.
 */
export async function planWithProgress(options: PlanOptions, terminal: Terminal): Promise<StackPlan> {
    const planned = new Set<string>();
    const plan = await planStack({
        ...options,
        onStack: (stack, phase, readStacks) => {
            options.onStack?.(stack, phase, readStacks);
            planned.add(stack);
            const name = terminal.styleErr("bold", stack);
            terminal.progress(
                phase === "plan" ? `planning stack ${name}` : `planning stack ${name} again, with the outputs of ${readStacks.join(", ")}`,
            );
        },
    });
    const resources = countResources(plan);
    terminal.progress(`planned ${resources} resources in ${planned.size} ${planned.size === 1 ? "stack" : "stacks"}`);
    return plan;
}

function countResources(plan: StackPlan): number {
    return plan.resources.length + plan.referencedStacks.reduce((sum, referenced) => sum + countResources(referenced), 0);
}
