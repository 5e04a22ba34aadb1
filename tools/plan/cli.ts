import * as fs from "node:fs";
import * as path from "node:path";
import { command, parseCommandLine, runMain, type CommandSpec, type FlagSpec, type Terminal } from "../cli";
import { PLAN_TARGET_FLAGS, planTarget, planWithProgress } from "../cli/progress";
import { diffPlans, readPlanJson, renderDiff } from "./diff";
import type { StackPlan } from "./planner";
import { planJson, renderPlan } from "./report";

/** A module of this tool loaded when first needed, so that a plan alone never loads the policy runner, its reports or the diagram. */
function lazily<Module>(specifier: string): Module {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand
    return require(specifier) as Module;
}

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

export const PLAN_COMMAND = {
    command: "npm run plan",
    synopsis: [
        "--stack <name> [--new-stack] [--json <file>] [--diagram <file>] [--diff <plan.json>] [--skip-policy]",
        "--program <dir|file> --config <Pulumi.<stack>.yaml> [--json <file>]",
    ],
    description: `Runs a stack's program offline under the Pulumi runtime's mocks and shows what
'pulumi preview' would create, then checks it with this repository's policy packs
as 'npm run policy' does. No Pulumi CLI, cloud account or network needed.
Progress goes to stderr; stdout carries the plan alone.`,
    flags: {
        ...PLAN_TARGET_FLAGS,
        organization: { type: "string", value: "<org>", help: "organization the program sees (default: organization)" },
        json: {
            type: "string",
            value: "<file>",
            help: "also write the plan as JSON: { project, stack, stackFile,\nresources (each with its options), outputs, stacks (the\nstacks it reads through StackReference, in the same form) }",
        },
        diagram: {
            type: "string",
            value: "<file>",
            help: "also write a Mermaid diagram of the topology as Markdown\n(edge and all-in-one stacks)",
        },
        diff: {
            type: "string",
            value: "<plan.json>",
            help: "instead of the full plan, show what would be created, updated or\ndeleted compared with a plan --json wrote earlier, with the\nchanged inputs, stack by stack, as 'pulumi preview --diff' does",
        },
        "skip-policy": { type: "boolean", help: "plan only; skip the policy check" },
    },
    exitStatus: `0 planned (and no mandatory policy violation), 1 the program failed or a
mandatory policy violation, 2 bad usage, bad config, a bad Pulumi.yaml or a
StackReference to another project's stack.`,
} as const satisfies CommandSpec<Record<string, FlagSpec>>;

export const main = command("the planner", async (argv, terminal) => {
    const flags = parseCommandLine(PLAN_COMMAND, argv, terminal);
    if (!flags) {
        return 0;
    }
    const target = planTarget(flags);
    // Read the earlier plan before planning: a bad file is bad usage, said before minutes of work.
    const earlier = flags.diff === undefined ? undefined : readPlanJson(flags.diff);
    // The policy runner and its reports are loaded only when a check runs; each stack's packs
    // start as the planner starts the stack.
    const policy = flags["skip-policy"] ? undefined : lazily<typeof import("../policy/check")>("../policy/check");
    const packStarter = policy && new policy.PackStarter(terminal);
    try {
        const plan = await planWithProgress({ ...target, organization: flags.organization, onStack: packStarter?.onStack }, terminal);
        if (earlier && flags.diff) {
            terminal.out(renderDiff(diffPlans(earlier, planJson(plan)), flags.diff, terminal.styleOut));
        } else {
            terminal.out(renderPlan(plan, terminal.styleOut));
        }
        writeFiles(plan, flags, terminal);
        if (!policy || !packStarter) {
            return 0;
        }
        const runner = await packStarter.runner();
        terminal.out("");
        return (await policy.checkPlannedStack(runner, plan, undefined, {}, REPOSITORY_ROOT, terminal)).exitCode;
    } finally {
        await packStarter?.close();
    }
});

function writeFiles(plan: StackPlan, flags: { json?: string; diagram?: string }, terminal: Terminal): void {
    if (flags.json) {
        fs.writeFileSync(flags.json, `${JSON.stringify(planJson(plan), null, 2)}\n`);
        terminal.wrote(flags.json);
    }
    if (flags.diagram) {
        const { diagramDocument } = lazily<typeof import("./diagram")>("./diagram");
        fs.writeFileSync(flags.diagram, diagramDocument(plan));
        terminal.wrote(flags.diagram);
    }
}

runMain(module, main);
