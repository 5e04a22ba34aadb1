// First: what this loads after it is compiled once, then read from the cache (tools/compileCache.ts).
import "../compileCache";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { ENTRY_POINT_RULESETS, type RulesetPhase } from "../../components/cloudflare/edgeZone";
import { command, CommandError, parseCommandLine, runMain, type CommandSpec, type FlagSpec } from "../cli";
import { requireStack } from "../stacks";
import { preflightSteps, type PreflightObservations } from "./steps";
import { readStackConfig } from "./stackConfig";
import { type StackConfig } from "../../stacks/config/schema";

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

export const PREFLIGHT_COMMAND = {
    command: "npm run preflight",
    synopsis: ["--stack <name> [--check]"],
    description: `Lists what must hold in the cloud accounts before the stack's first 'pulumi up', which the
program cannot do itself, with the exact command that checks each step and the commands that
fix it: the EncryptionAtHost feature and the region's Network Watcher (Azure site), and zone
entry-point rulesets that already exist (edge).`,
    flags: {
        stack: { type: "string", value: "<name>", help: "the stack, Pulumi.<name>.yaml of this project" },
        check: {
            type: "boolean",
            help: "run the read-only checks: 'az' signed in to the stack's subscription, and\nthe Cloudflare API with CLOUDFLARE_API_TOKEN (read access to the zone's rulesets)",
        },
    },
    exitStatus: `0 nothing to do (or, without --check, the list printed), 1 a check found
something to fix, 2 bad usage or bad config.`,
} as const satisfies CommandSpec<Record<string, FlagSpec>>;

const run = promisify(execFile);

export const main = command("preflight", async (argv, terminal) => {
    const flags = parseCommandLine(PREFLIGHT_COMMAND, argv, terminal);
    if (!flags) {
        return 0;
    }
    if (!flags.stack) {
        throw new CommandError("--stack is required", 2);
    }
    requireStack(flags.stack);
    const config = readStackConfig(REPOSITORY_ROOT, flags.stack);
    if (flags.check) {
        terminal.progress(`checking the accounts of stack ${flags.stack}`);
    }
    const observed = flags.check ? await observe(config) : {};
    const steps = preflightSteps(config, flags.stack, observed);
    for (const step of steps) {
        terminal.out(`[${step.status}] ${step.title}\n  why: ${step.why}\n  check: ${step.check}`);
        for (const fix of step.status === "ok" ? [] : step.fix) {
            terminal.out(`  fix: ${fix}`);
        }
    }
    if (steps.length === 0) {
        terminal.out(`Stack ${flags.stack} (${config.role}) needs no preflight step.`);
    }
    return steps.some((step) => step.status === "action") ? 1 : 0;
});

runMain(module, main);

async function observe(config: StackConfig): Promise<PreflightObservations> {
    const observed: { -readonly [K in keyof PreflightObservations]: PreflightObservations[K] } = {};
    if (config.role === "azure-site" || config.role === "all-in-one") {
        observed.encryptionAtHostState = await az([
            "feature",
            "show",
            "--namespace",
            "Microsoft.Compute",
            "--name",
            "EncryptionAtHost",
            "--query",
            "properties.state",
            "-o",
            "tsv",
        ]);
        const watchers = await az(["network", "watcher", "list", "--query", `[?location=='${config.azureLocation}'].id`, "-o", "tsv"]);
        observed.networkWatcherIds = watchers.split("\n").filter((line) => line.trim() !== "");
    }
    if (config.role === "edge" || config.role === "all-in-one") {
        observed.entryPointRulesets = await existingEntryPoints(config.cloudflareZoneId);
    }
    return observed;
}

async function az(args: string[]): Promise<string> {
    try {
        return (await run("az", args)).stdout;
    } catch (error) {
        throw new CommandError(
            `'az ${args.join(" ")}' failed (is the Azure CLI installed and signed in to the stack's subscription?): ${(error as Error).message}`,
            1,
        );
    }
}

/** The zone's entry-point rulesets, by phase: Cloudflare answers 404 for a phase without one. */
async function existingEntryPoints(zoneId: string): Promise<Partial<Record<RulesetPhase, string>>> {
    const token = process.env.CLOUDFLARE_API_TOKEN;
    if (!token) {
        throw new CommandError("--check needs CLOUDFLARE_API_TOKEN, a token that may read the zone's rulesets", 2);
    }
    const found: Partial<Record<RulesetPhase, string>> = {};
    for (const phase of Object.keys(ENTRY_POINT_RULESETS) as RulesetPhase[]) {
        const response = await fetch(`https://api.cloudflare.com/client/v4/zones/${zoneId}/rulesets/phases/${phase}/entrypoint`, {
            headers: { Authorization: `Bearer ${token}` },
        });
        if (response.status === 404) {
            continue;
        }
        const body = (await response.json()) as { success?: boolean; result?: { id?: string }; errors?: { message: string }[] };
        if (!response.ok || !body.success || !body.result?.id) {
            throw new CommandError(
                `Cloudflare answered ${response.status} for the ${phase} entry point of zone ${zoneId}: ${(body.errors ?? []).map((error) => error.message).join("; ")}`,
                1,
            );
        }
        found[phase] = body.result.id;
    }
    return found;
}
