import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { ENTRY_POINT_RULESETS, type RulesetPhase } from "../../components/cloudflare/edgeZone";
import { CommandError, parseFlags, runCommand } from "../command";
import { preflightSteps, type PreflightObservations } from "./steps";
import { readStackConfig } from "./stackConfig";
import { type StackConfig } from "../../stacks/config/schema";

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

const USAGE = `Usage: npm run preflight -- --stack <name> [--check]

Lists what must hold in the cloud accounts before the stack's first 'pulumi up', which the
program cannot do itself, with the exact command that checks each step and the commands that
fix it: the EncryptionAtHost feature and the region's Network Watcher (Azure site), and zone
entry-point rulesets that already exist (edge).

  --stack <name>  the stack, Pulumi.<name>.yaml of this project
  --check         run the read-only checks: 'az' signed in to the stack's subscription, and
                  the Cloudflare API with CLOUDFLARE_API_TOKEN (read access to the zone's rulesets)
  --help          show this help

Exit status: 0 nothing to do (or, without --check, the list printed), 1 a check found
something to fix, 2 bad usage or bad config.`;

const run = promisify(execFile);

runCommand("preflight", async () => {
    const flags = parseFlags({ stack: { type: "string" }, check: { type: "boolean" }, help: { type: "boolean" } }, USAGE);
    if (flags.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (!flags.stack) {
        throw new CommandError(`--stack is required\n\n${USAGE}`, 2);
    }
    const config = readStackConfig(REPOSITORY_ROOT, flags.stack);
    const observed = flags.check ? await observe(config) : {};
    const steps = preflightSteps(config, flags.stack, observed);
    for (const step of steps) {
        process.stdout.write(`[${step.status}] ${step.title}\n  why: ${step.why}\n  check: ${step.check}\n`);
        for (const command of step.status === "ok" ? [] : step.fix) {
            process.stdout.write(`  fix: ${command}\n`);
        }
    }
    if (steps.length === 0) {
        process.stdout.write(`Stack ${flags.stack} (${config.role}) needs no preflight step.\n`);
    }
    return steps.some((step) => step.status === "action") ? 1 : 0;
});

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
