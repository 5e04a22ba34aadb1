import * as fs from "node:fs";
import * as path from "node:path";
import { planStack, type StackPlan } from "../plan/planner";
import { CommandError, parseFlags, runCommand } from "../command";
import { loadExemptions } from "../../policies/lib/exemptions";
import { checkPlannedStack, stacksOf } from "./check";
import { evaluateStacks, renderIntentReport } from "./reports/intent";
import { policyListing, renderListing } from "./list";
import { PolicyRunner, DEFAULT_PACKS } from "./runner";

const USAGE = `Usage: npm run policy -- --stack <name> [--json <file>] [--sarif <file>] [--markdown <file>] [--evidence <dir>] [--intent <dir>]
       npm run policy -- --program <dir|file> --config <Pulumi.<stack>.yaml> [...]
       npm run policy -- --list [--json <file>]

Plans the stack offline, then runs CrossGuard policy packs over it as the Pulumi engine does:
each pack in its own process, spoken to over the Analyzer gRPC protocol.

  --stack <name>          plan and check Pulumi.<name>.yaml of this project
  --program <path>        plan another Pulumi TypeScript program (with --config)
  --config <file>         the stack file to plan it with
  --policy-pack <dir>     run this pack instead of ours (repeatable; any pack directory)
  --policy-config <file>  policy config in the CLI's --policy-pack-config format
                          (default: policies/config/<stack>.json when it exists)
  --list                  list every policy of every pack instead of checking a stack
  --json <file>           write the violations (with --list: the policies) as JSON
  --sarif <file>          write SARIF 2.1.0 for GitHub code scanning
  --markdown <file>       write a summary for a pull-request comment
  --evidence <dir>        write the evidence report per framework (PCI DSS 4.0, SOC 2,
                          GDPR, CCPA) as Markdown and HTML: each control, its rules, and
                          their verdict per resource; controls no rule covers are listed
  --intent <dir>          write the intent report (intent.md with Mermaid, intent.html): each
                          intended flow and access need of model/intent.ts, allowed or not and
                          by which rule or grant, the openings and grants beyond them, capacity
  --timeout-sec <n>       seconds one pack call may take before the pack counts as hung (default 60)
  --help                  show this help

Exit status: 0 clean or advisory only, 1 a mandatory violation, an expired exemption or a failed
pack, 2 bad usage or bad config.`;

function writeIntentReport(directory: string, stacks: readonly StackPlan[]): void {
    const report = renderIntentReport(evaluateStacks(stacks), new Date());
    fs.mkdirSync(directory, { recursive: true });
    for (const [file, content] of [
        ["intent.md", report.markdown],
        ["intent.html", report.html],
    ] as const) {
        fs.writeFileSync(path.join(directory, file), content);
        process.stdout.write(`Wrote ${path.join(directory, file)}\n`);
    }
}

runCommand("the policy runner", async () => {
    const values = parseFlags(
        {
            stack: { type: "string" },
            program: { type: "string" },
            config: { type: "string" },
            "policy-pack": { type: "string", multiple: true },
            "policy-config": { type: "string" },
            list: { type: "boolean" },
            json: { type: "string" },
            sarif: { type: "string" },
            markdown: { type: "string" },
            evidence: { type: "string" },
            intent: { type: "string" },
            "timeout-sec": { type: "string" },
            help: { type: "boolean" },
        },
        USAGE,
    );
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const timeout = values["timeout-sec"] === undefined ? undefined : Number(values["timeout-sec"]);
    if (timeout !== undefined && !(timeout > 0)) {
        throw new CommandError("--timeout-sec must be a positive number of seconds", 2);
    }
    const packs = values["policy-pack"] ?? DEFAULT_PACKS;
    for (const pack of packs) {
        if (!fs.existsSync(pack) || !fs.statSync(pack).isDirectory()) {
            throw new CommandError(`--policy-pack ${pack}: no such directory`, 2);
        }
    }
    // Every pack reads the exemptions file as it loads: a bad file is bad config (exit 2), said once, not three pack crashes.
    try {
        loadExemptions();
    } catch (error) {
        throw new CommandError((error as Error).message, 2);
    }

    if (values.list) {
        const runner = await PolicyRunner.start(packs, { callTimeoutSec: timeout });
        try {
            process.stdout.write(`${renderListing(runner.packs)}\n`);
            if (values.json) {
                fs.writeFileSync(values.json, `${JSON.stringify(policyListing(runner.packs), null, 2)}\n`);
                process.stdout.write(`Wrote ${values.json}\n`);
            }
        } finally {
            runner.close();
        }
        return 0;
    }

    if (!values.stack && !values.config) {
        throw new CommandError(`name a stack with --stack, or a stack file with --config\n\n${USAGE}`, 2);
    }
    // Packs start (from their JavaScript build) while the stack is planned in this process.
    const starting = PolicyRunner.start(packs, { callTimeoutSec: timeout });
    let plan: StackPlan;
    try {
        plan = await planStack({ stack: values.stack, program: values.program, configFile: values.config });
    } catch (error) {
        await starting.then(
            (runner) => runner.close(),
            () => undefined,
        );
        throw error;
    }
    const runner = await starting;
    try {
        const root = values.program ? path.dirname(path.resolve(values.config ?? ".")) : path.resolve(__dirname, "..", "..");
        const { exitCode } = await checkPlannedStack(runner, plan, values["policy-config"], values, root);
        if (values.intent) {
            writeIntentReport(values.intent, stacksOf(plan));
        }
        return exitCode;
    } finally {
        runner.close();
    }
});
