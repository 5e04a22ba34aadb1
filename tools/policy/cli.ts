import * as fs from "node:fs";
import * as path from "node:path";
import type { StackPlan } from "../plan/planner";
import { command, CommandError, parseCommandLine, runMain, type CommandSpec, type FlagSpec, type Terminal } from "../cli";
import { PLAN_TARGET_FLAGS, planTarget, planWithProgress } from "../cli/progress";
import { loadExemptions } from "../../policies/lib/exemptions";
import { checkPlannedStack, PackStarter, stacksOf } from "./check";
import { evaluateStacks, renderIntentReport } from "./reports/intent";
import { policyListing, renderListing } from "./list";
import { DEFAULT_PACKS } from "./runner";

export const POLICY_COMMAND = {
    command: "npm run policy",
    synopsis: [
        "--stack <name> [--new-stack] [--json <file>] [--sarif <file>] [--markdown <file>] [--evidence <dir>] [--intent <dir>]",
        "--program <dir|file> --config <Pulumi.<stack>.yaml> [...]",
        "--list [--json <file>]",
    ],
    description: `Plans the stack offline, then runs CrossGuard policy packs over it as the Pulumi engine does:
each pack in its own process, spoken to over the Analyzer gRPC protocol.
Progress goes to stderr; stdout carries the report alone.`,
    flags: {
        ...PLAN_TARGET_FLAGS,
        "policy-pack": {
            type: "string",
            multiple: true,
            value: "<dir>",
            help: "run this pack instead of ours (repeatable; any pack directory)",
        },
        "policy-config": {
            type: "string",
            value: "<file>",
            help: "policy config in the CLI's --policy-pack-config format\n(default: policies/config/<stack>.json when it exists)",
        },
        list: { type: "boolean", help: "list every policy of every pack instead of checking a stack" },
        json: { type: "string", value: "<file>", help: "write the violations (with --list: the policies) as JSON" },
        sarif: { type: "string", value: "<file>", help: "write SARIF 2.1.0 for GitHub code scanning" },
        markdown: { type: "string", value: "<file>", help: "write a summary for a pull-request comment" },
        evidence: {
            type: "string",
            value: "<dir>",
            help: "write the evidence report per framework (PCI DSS 4.0, SOC 2,\nGDPR, CCPA) as Markdown and HTML: each control, its rules, and\ntheir verdict per resource; controls no rule covers are listed",
        },
        intent: {
            type: "string",
            value: "<dir>",
            help: "write the intent report (intent.md with Mermaid, intent.html): each\nintended flow and access need of model/intent.ts, allowed or not and\nby which rule or grant, the openings and grants beyond them, capacity",
        },
        "timeout-sec": { type: "string", value: "<n>", help: "seconds one pack call may take before the pack counts as hung (default 60)" },
    },
    exitStatus: `0 clean or advisory only, 1 a mandatory violation, an expired exemption or a failed
pack, 2 bad usage or bad config.`,
} as const satisfies CommandSpec<Record<string, FlagSpec>>;

function writeIntentReport(directory: string, stacks: readonly StackPlan[], terminal: Terminal): void {
    const report = renderIntentReport(evaluateStacks(stacks), new Date());
    fs.mkdirSync(directory, { recursive: true });
    for (const [file, content] of [
        ["intent.md", report.markdown],
        ["intent.html", report.html],
    ] as const) {
        fs.writeFileSync(path.join(directory, file), content);
        terminal.wrote(path.join(directory, file));
    }
}

export const main = command("the policy runner", async (argv, terminal) => {
    const values = parseCommandLine(POLICY_COMMAND, argv, terminal);
    if (!values) {
        return 0;
    }
    const timeout = values["timeout-sec"] === undefined ? undefined : Number(values["timeout-sec"]);
    if (timeout !== undefined && !(timeout > 0)) {
        throw new CommandError(`--timeout-sec "${values["timeout-sec"]}" is not allowed; allowed: a positive number of seconds`, 2);
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

    const packStarter = new PackStarter(terminal, packs, { callTimeoutSec: timeout });
    if (values.list) {
        try {
            const runner = await packStarter.runner();
            terminal.out(renderListing(runner.packs));
            if (values.json) {
                fs.writeFileSync(values.json, `${JSON.stringify(policyListing(runner.packs), null, 2)}\n`);
                terminal.wrote(values.json);
            }
        } finally {
            await packStarter.close();
        }
        return 0;
    }

    const target = planTarget(values);
    // Each stack's packs start (from their JavaScript build) as the planner starts the stack.
    try {
        const plan = await planWithProgress({ ...target, onStack: packStarter.onStack }, terminal);
        const runner = await packStarter.runner();
        const root = values.program ? path.dirname(path.resolve(values.config ?? ".")) : path.resolve(__dirname, "..", "..");
        const { exitCode } = await checkPlannedStack(runner, plan, values["policy-config"], values, root, terminal);
        if (values.intent) {
            writeIntentReport(values.intent, stacksOf(plan), terminal);
        }
        return exitCode;
    } finally {
        await packStarter.close();
    }
});

runMain(module, main);
