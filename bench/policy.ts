/**
 * `npm run bench:policy`: pushes synthetic stacks of 5,000 and 10,000 resources through all three
 * packs over the Analyzer protocol and reports resources per second. The stacks are copies of
 * the planned prod AWS and Azure sites with renamed URNs, so every rule, stack rules included,
 * sees realistic resources and references. Pack start-up (from their JavaScript build) is
 * reported on its own line and not counted.
 *
 * Then, side by side in alternating runs so that load from other work on a shared machine falls
 * on both: `npm run policy -- --stack prod` against the plan alone (`npm run plan -- --stack prod
 * --skip-policy`), both as fresh processes the way a user runs them.
 *
 * Both against a floor: the same check with packs that serve the same policies through
 * `@pulumi/policy` and check nothing (bench/policyFloor.ts), the cost no rule of ours adds to.
 * Last line: `policy-5000-sec=<s> scale-ratio=<t10000/t5000> policy-vs-plan=<x>
 * floor-5000-sec=<s> floor-vs-plan=<x>`.
 */
// First: what this loads after it is compiled once, then read from the cache (tools/compileCache.ts).
import "../tools/compileCache";
import * as fs from "node:fs";
import * as path from "node:path";
import { planStack, type PlannedResource } from "../tools/plan/planner";
import { readPolicyConfigFile, type PolicyConfigFile } from "../tools/policy/config";
import { DEFAULT_PACKS, PolicyRunner } from "../tools/policy/runner";
import { command, parseCommandLine, runMain, wholeNumberFlag, type CommandSpec, type FlagSpec } from "../tools/cli";
import { median, measureSideBySide } from "./measure";
import { writeFloorPacks } from "./policyFloor";

const SIZES = [5000, 10000] as const;

/** `copies` copies of the resources, each copy's URNs (and references to them) suffixed. */
function replicate(resources: readonly PlannedResource[], count: number): PlannedResource[] {
    const copies: PlannedResource[] = [];
    for (let copy = 0; copies.length < count; copy++) {
        const rename = (urn: string) => `${urn}-copy${copy}`;
        for (const resource of resources) {
            if (copies.length === count) {
                break;
            }
            copies.push({
                ...resource,
                urn: rename(resource.urn),
                name: `${resource.name}-copy${copy}`,
                parent: resource.parent && rename(resource.parent),
                provider: resource.provider && rename(resource.provider),
                dependencies: resource.dependencies.map(rename),
                propertyDependencies: Object.fromEntries(
                    Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, urns.map(rename)]),
                ),
            });
        }
    }
    return copies;
}

/**
 * `npm run policy -- --stack prod` and the same with the floor packs, against the plan alone,
 * alternating; returns each check's ratio of medians to the plan's.
 */
function policyAgainstPlan(runs: number, floorPacks: readonly string[]): { policy: number; floor: number } {
    const tool = (script: string, ...args: string[]) => ({ command: process.execPath, args: ["--require", "tsx/cjs", script, ...args] });
    const [plan, policy, floor] = measureSideBySide(runs, [
        { label: "plan --stack prod --skip-policy", ...tool("tools/plan/cli.ts", "--stack", "prod", "--skip-policy") },
        // Exit status 1 is findings: the check ran.
        { label: "policy --stack prod", ...tool("tools/policy/cli.ts", "--stack", "prod"), succeeds: [0, 1] },
        {
            label: "floor: policy --stack prod, floor packs",
            ...tool("tools/policy/cli.ts", "--stack", "prod", ...floorPacks.flatMap((pack) => ["--policy-pack", pack])),
        },
    ]);
    return { policy: policy / plan, floor: floor / plan };
}

export const BENCH_POLICY_COMMAND = {
    command: "npm run bench:policy",
    synopsis: ["[--runs <n>] [--cli-runs <n>]"],
    description: `Times 5,000 and 10,000 resources (prod's sites, replicated) through all three packs, then
'npm run policy -- --stack prod' against the plan alone.
Each against a floor: the same with packs that serve the same policies and check nothing.
Last line: policy-5000-sec=… scale-ratio=… policy-vs-plan=… floor-5000-sec=… floor-vs-plan=…`,
    flags: {
        runs: { type: "string", value: "<n>", help: "runs of each size through the packs (default 3)" },
        "cli-runs": { type: "string", value: "<n>", help: "runs of the policy and plan commands, alternating (default 3)" },
    },
    exitStatus: "0 measured, 1 a measured command failed, 2 bad usage.",
} as const satisfies CommandSpec<Record<string, FlagSpec>>;

export const main = command("the policy benchmark", async (argv, terminal) => {
    const flags = parseCommandLine(BENCH_POLICY_COMMAND, argv, terminal);
    if (!flags) {
        return 0;
    }
    await measure(wholeNumberFlag("--runs", flags.runs, 3), wholeNumberFlag("--cli-runs", flags["cli-runs"], 3));
    return 0;
});

async function measure(runs: number, cliRuns: number): Promise<void> {
    const startedAt = Date.now();
    const [runner, aws, azure] = await Promise.all([
        PolicyRunner.start(DEFAULT_PACKS),
        planStack({ stack: "prod-aws" }),
        planStack({ stack: "prod-azure" }),
    ]);
    console.log(`packs started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (not counted)`);
    // The floor packs live inside the repository so that they resolve its node_modules.
    const floorDirectory = fs.mkdtempSync(path.join(__dirname, ".policy-floor-"));
    try {
        const site = [...aws.resources, ...azure.resources];
        const config = readPolicyConfigFile("policies/config/prod-aws.json");
        const seconds: Record<number, number> = {};
        for (const size of SIZES) {
            seconds[size] = await timeChecks(
                runner,
                `${String(size).padStart(5)} resources x 3 packs`,
                replicate(site, size),
                config,
                runs,
            );
        }
        runner.close();
        const floorPacks = writeFloorPacks(floorDirectory);
        const floorRunner = await PolicyRunner.start(floorPacks);
        let floorSeconds: number;
        try {
            floorSeconds = await timeChecks(floorRunner, "floor:  5000 resources x 3 floor packs", replicate(site, 5000), config, runs);
        } finally {
            floorRunner.close();
        }
        const againstPlan = policyAgainstPlan(cliRuns, floorPacks);
        console.log(
            `policy-5000-sec=${seconds[5000].toFixed(2)} scale-ratio=${(seconds[10000] / seconds[5000]).toFixed(2)} policy-vs-plan=${againstPlan.policy.toFixed(2)} ` +
                `floor-5000-sec=${floorSeconds.toFixed(2)} floor-vs-plan=${againstPlan.floor.toFixed(2)}`,
        );
    } finally {
        runner.close();
        fs.rmSync(floorDirectory, { recursive: true, force: true });
    }
}

/** Checks the resources `runs` times after a warm-up of 200 of them; prints and returns the median in seconds. */
async function timeChecks(
    runner: PolicyRunner,
    label: string,
    resources: readonly PlannedResource[],
    config: PolicyConfigFile,
    runs: number,
): Promise<number> {
    await runner.check("bench", resources.slice(0, 200), config); // warm the packs' code paths
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
        const started = process.hrtime.bigint();
        const check = await runner.check("bench", resources, config);
        times.push(Number(process.hrtime.bigint() - started) / 1e9);
        if (check.resourceCount !== resources.length) {
            throw new Error(`checked ${check.resourceCount} resources, expected ${resources.length}`);
        }
    }
    const seconds = median(times);
    console.log(
        `${label}: median ${seconds.toFixed(2)} s, ${Math.round(resources.length / seconds)} resources/s (runs: ${times.map((time) => time.toFixed(2)).join(", ")})`,
    );
    return seconds;
}

runMain(module, main);
