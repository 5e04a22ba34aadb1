/**
 * `npm run bench`: how much the offline plan and the type-check cost beyond the provider SDKs
 * they cannot avoid loading. Reports medians and ratios against two floors:
 *
 *  - plan: `npm run plan -- --stack prod` (prod-aws, prod-azure, then the edge, in one process)
 *    against a bare node process that only loads the same provider modules. The provider
 *    packages load their resource classes lazily, so "the same modules" means the same files:
 *    the floor requires exactly the `@pulumi/*` files that a real plan of prod loaded;
 *  - typecheck: `npm run typecheck` against type-checking a one-file program that imports the
 *    same provider modules, with the same compiler options.
 *
 * Timings on a shared machine are noisy, so this is a benchmark to read, never a test that fails.
 * Last line: `plan-ratio=<x> typecheck-ratio=<y>`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { planStack } from "../tools/plan/planner";

const ROOT = path.resolve(__dirname, "..");
const SOURCE_DIRECTORIES = ["stacks", "components"];

function providerModules(): string[] {
    const specifiers = new Set<string>(["@pulumi/pulumi"]);
    const walk = (directory: string) => {
        for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
            const full = path.join(directory, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.name.endsWith(".ts")) {
                for (const match of fs.readFileSync(full, "utf8").matchAll(/from "(@pulumi\/[^"]+)"/g)) {
                    specifiers.add(match[1]);
                }
            }
        }
    };
    SOURCE_DIRECTORIES.forEach((directory) => walk(path.join(ROOT, directory)));
    return [...specifiers].sort();
}

function timeCommand(command: string, args: string[]): number {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
    }
    return seconds;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function measure(label: string, runs: number, command: string, args: string[]): number {
    const times = Array.from({ length: runs }, () => timeCommand(command, args));
    const result = median(times);
    console.log(`${label.padEnd(34)} median ${result.toFixed(2)} s  (runs: ${times.map((time) => time.toFixed(2)).join(", ")})`);
    return result;
}

/** The `@pulumi/*` files a plan of prod loads, found by planning it in this process. */
async function providerFilesLoadedByPlan(): Promise<string[]> {
    await planStack({ stack: "prod" });
    return Object.keys(require.cache).filter((file) => file.includes(`${path.sep}node_modules${path.sep}@pulumi${path.sep}`));
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, "typecheck-runs": { type: "string", default: "3" } } });
    const runs = Number(values.runs);
    const typecheckRuns = Number(values["typecheck-runs"]);
    const modules = providerModules();
    console.log(`Provider modules the program imports: ${modules.join(", ")}`);
    const node = process.execPath;
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

    const providerFiles = await providerFilesLoadedByPlan();
    console.log(`Provider files a plan of prod loads: ${providerFiles.length}`);
    const planFloor = measure("floor: node loads those files", runs, node, ["-e", `for (const file of ${JSON.stringify(providerFiles)}) require(file);`]);
    const plan = measure("plan --stack prod (3 stacks)", runs, node, ["--require", "tsx/cjs", "tools/plan/cli.ts", "--stack", "prod", "--skip-policy"]);

    // The floor program lives inside the repository so that it resolves the same node_modules.
    const floorDirectory = fs.mkdtempSync(path.join(ROOT, "bench", ".typecheck-floor-"));
    try {
        fs.writeFileSync(
            path.join(floorDirectory, "index.ts"),
            modules.map((module, index) => `import * as module${index} from "${module}";`).join("\n") +
                `\nexport const used = [${modules.map((_, index) => `module${index}`).join(", ")}];\n`,
        );
        const repositoryOptions = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
        fs.writeFileSync(
            path.join(floorDirectory, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { ...repositoryOptions.compilerOptions, types: ["node"] }, files: ["index.ts"] }),
        );
        const typecheckFloor = measure("floor: tsc one file, same imports", typecheckRuns, node, [tsc, "-p", floorDirectory]);
        const typecheck = measure("npm run typecheck (whole repo)", typecheckRuns, node, [tsc, "-p", "tsconfig.json"]);
        console.log(`plan-ratio=${(plan / planFloor).toFixed(2)} typecheck-ratio=${(typecheck / typecheckFloor).toFixed(2)}`);
    } finally {
        fs.rmSync(floorDirectory, { recursive: true, force: true });
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
