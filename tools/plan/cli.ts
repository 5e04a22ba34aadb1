import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { planStack, type PlanOptions } from "./planner";
import { planJson, renderPlan } from "./report";
import { checkPlannedStack } from "../policy/check";
import { DEFAULT_PACKS, PolicyRunner } from "../policy/runner";
import * as path from "node:path";

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

const USAGE = `Usage: npm run plan -- --stack <name> [--json <file>] [--skip-policy]
       npm run plan -- --program <dir|file> --config <Pulumi.<stack>.yaml> [--json <file>]

Runs a stack's program offline under the Pulumi runtime's mocks and shows what
'pulumi preview' would create, then checks it with this repository's policy packs
as 'npm run policy' does. No Pulumi CLI, cloud account or network needed.

  --stack <name>        plan Pulumi.<name>.yaml of this project
  --program <path>      plan another Pulumi TypeScript program (directory or entry file)
  --config <file>       the stack file to plan it with
  --organization <org>  organization the program sees (default: organization)
  --json <file>         also write { stack, resources, outputs } as JSON
  --skip-policy         plan only; skip the policy check
  --help                show this help

Exit status: 0 planned (and no mandatory policy violation), 1 the program failed or a
mandatory policy violation, 2 bad usage or bad config.`;

async function main(): Promise<number> {
    let values;
    try {
        ({ values } = parseArgs({
            options: {
                stack: { type: "string" },
                program: { type: "string" },
                config: { type: "string" },
                organization: { type: "string" },
                json: { type: "string" },
                "skip-policy": { type: "boolean" },
                help: { type: "boolean" },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (error) {
        process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (values.stack && values.config) {
        process.stderr.write(`--stack and --config both name a stack; give one\n\n${USAGE}\n`);
        return 2;
    }
    const options: PlanOptions = {
        program: values.program,
        stack: values.stack,
        configFile: values.config,
        organization: values.organization,
    };
    // Packs start (ts-node type-checks them) while the stack is planned in this process.
    const starting = values["skip-policy"] ? undefined : PolicyRunner.start(DEFAULT_PACKS);
    starting?.catch(() => undefined);
    try {
        const plan = await planStack(options);
        process.stdout.write(`${renderPlan(plan)}\n`);
        if (values.json) {
            fs.writeFileSync(values.json, `${JSON.stringify(planJson(plan), null, 2)}\n`);
            process.stdout.write(`\nWrote ${values.json}\n`);
        }
        if (!starting) {
            return 0;
        }
        process.stdout.write("\n");
        const runner = await starting;
        try {
            return (await checkPlannedStack(runner, plan, undefined, {}, REPOSITORY_ROOT)).exitCode;
        } finally {
            runner.close();
        }
    } catch (error) {
        await starting?.then((runner) => runner.close(), () => undefined);
        // Bad input (2) and failed programs or packs (1) carry their exit status; anything else is a bug.
        const exitCode = (error as { exitCode?: number }).exitCode;
        if (exitCode === 1 || exitCode === 2) {
            process.stderr.write(`error: ${(error as Error).message}\n`);
            return exitCode;
        }
        throw error;
    }
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        process.stderr.write(`error: the planner itself failed: ${(error as Error).stack ?? String(error)}\n`);
        process.exit(1);
    },
);
