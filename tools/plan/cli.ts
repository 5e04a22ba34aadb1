import * as fs from "node:fs";
import * as path from "node:path";
import { CommandError, parseFlags, runCommand } from "../command";
import type { PolicyRunner } from "../policy/runner";
import { planStack } from "./planner";
import { planJson, renderPlan } from "./report";

/** A module of this tool loaded when first needed, so that a plan alone never loads the policy runner or its reports. */
function lazily<Module>(specifier: string): Module {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand
    return require(specifier) as Module;
}

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

const USAGE = `Usage: npm run plan -- --stack <name> [--json <file>] [--diagram <file>] [--skip-policy]
       npm run plan -- --program <dir|file> --config <Pulumi.<stack>.yaml> [--json <file>]

Runs a stack's program offline under the Pulumi runtime's mocks and shows what
'pulumi preview' would create, then checks it with this repository's policy packs
as 'npm run policy' does. No Pulumi CLI, cloud account or network needed.

  --stack <name>        plan Pulumi.<name>.yaml of this project
  --program <path>      plan another Pulumi TypeScript program (directory or entry file)
  --config <file>       the stack file to plan it with
  --organization <org>  organization the program sees (default: organization)
  --json <file>         also write the plan as JSON: { project, stack, stackFile,
                        resources (each with its options), outputs, stacks (the
                        stacks it reads through StackReference, in the same form) }
  --diagram <file>      also write a Mermaid diagram of the topology as Markdown
                        (edge and all-in-one stacks)
  --skip-policy         plan only; skip the policy check
  --help                show this help

Exit status: 0 planned (and no mandatory policy violation), 1 the program failed or a
mandatory policy violation, 2 bad usage, bad config, a bad Pulumi.yaml or a
StackReference to another project's stack.`;

runCommand("the planner", async () => {
    const flags = parseFlags(
        {
            stack: { type: "string" },
            program: { type: "string" },
            config: { type: "string" },
            organization: { type: "string" },
            json: { type: "string" },
            diagram: { type: "string" },
            "skip-policy": { type: "boolean" },
            help: { type: "boolean" },
        },
        USAGE,
    );
    if (flags.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (flags.stack && flags.config) {
        throw new CommandError(`--stack and --config both name a stack; give one\n\n${USAGE}`, 2);
    }
    // Packs start (ts-node type-checks them) while the stack is planned in this process.
    // The policy runner and its reports are loaded only when a check runs: a plan alone never needs them.
    const policy = flags["skip-policy"] ? undefined : lazily<typeof import("../policy/runner")>("../policy/runner");
    const starting: Promise<PolicyRunner> | undefined = policy?.PolicyRunner.start(policy.DEFAULT_PACKS);
    starting?.catch(() => undefined);
    try {
        const plan = await planStack({
            program: flags.program,
            stack: flags.stack,
            configFile: flags.config,
            organization: flags.organization,
        });
        process.stdout.write(`${renderPlan(plan)}\n`);
        if (flags.json) {
            fs.writeFileSync(flags.json, `${JSON.stringify(planJson(plan), null, 2)}\n`);
            process.stdout.write(`\nWrote ${flags.json}\n`);
        }
        if (flags.diagram) {
            const { diagramDocument } = lazily<typeof import("./diagram")>("./diagram");
            fs.writeFileSync(flags.diagram, diagramDocument(plan));
            process.stdout.write(`\nWrote ${flags.diagram}\n`);
        }
        if (!starting) {
            return 0;
        }
        process.stdout.write("\n");
        const runner = await starting;
        try {
            const { checkPlannedStack } = lazily<typeof import("../policy/check")>("../policy/check");
            return (await checkPlannedStack(runner, plan, undefined, {}, REPOSITORY_ROOT)).exitCode;
        } finally {
            runner.close();
        }
    } catch (error) {
        await starting?.then(
            (runner) => runner.close(),
            () => undefined,
        );
        throw error;
    }
});
