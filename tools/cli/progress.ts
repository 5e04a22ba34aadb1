import { planStack, type PlanOptions, type StackPlan } from "../plan/planner";
import { requireStack } from "../stacks";
import { CommandError, type FlagSpec, type Terminal } from "./index";

/** The flags by which a command names the stack it plans: one of this project's, or a stack file of any program. */
export const PLAN_TARGET_FLAGS = {
    stack: { type: "string", value: "<name>", help: "plan Pulumi.<name>.yaml of this project" },
    program: { type: "string", value: "<path>", help: "plan another Pulumi TypeScript program (directory or entry file)" },
    config: { type: "string", value: "<file>", help: "the stack file to plan it with" },
    "new-stack": {
        type: "boolean",
        help: "plan as the first `pulumi up` previews it: nothing exists yet, so ids,\nARNs and what is built from them are unknown",
    },
} as const satisfies Record<string, FlagSpec>;

/**
 * The planner's options for the stack that `PLAN_TARGET_FLAGS` name. Refuses with exit 2, before
 * anything starts, flags that name no stack or two, and a stack of this project that has no file.
 */
export function planTarget(flags: {
    readonly stack?: string;
    readonly program?: string;
    readonly config?: string;
    readonly "new-stack"?: boolean;
}): Pick<PlanOptions, "stack" | "program" | "configFile" | "newStack"> {
    if (flags.stack && flags.config) {
        throw new CommandError("--stack and --config both name a stack; give one", 2);
    }
    if (!flags.stack && !flags.config) {
        throw new CommandError("name a stack with --stack, or a stack file with --config", 2);
    }
    if (flags.stack && !flags.program) {
        requireStack(flags.stack);
    }
    return { stack: flags.stack, program: flags.program, configFile: flags.config, newStack: flags["new-stack"] ?? false };
}

/**
 * Plans a stack with a progress line as each stack's program starts, the stacks it reads through
 * StackReference included, and a line when all are planned.
 */
export async function planWithProgress(options: PlanOptions, terminal: Terminal): Promise<StackPlan> {
    const planned = new Set<string>();
    const plan = await planStack({
        ...options,
        onStack: (start) => {
            options.onStack?.(start);
            planned.add(start.stack);
            const name = terminal.styleErr("bold", start.stack);
            terminal.progress(
                start.phase === "plan"
                    ? `planning stack ${name}`
                    : `planning stack ${name} again, with the outputs of ${start.readStacks.join(", ")}`,
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
