/**
 * `npm run bench`: how much the offline plan and the type-check cost beyond what the Pulumi SDKs
 * cost on their own. Reports medians and ratios against two floors:
 *
 *  - plan: `npm run plan -- --stack prod --skip-policy` (prod-aws, prod-azure, then the edge, in
 *    one process) against bench/sdkFloor.ts, which loads the same `@pulumi/*` files and registers
 *    the same resources (types, names, parents, providers, inputs) through the provider SDKs'
 *    classes under `@pulumi/pulumi`'s mocks, with no component code, config or planner. Loading
 *    the files alone is reported too, to show what the per-resource SDK cost adds;
 *  - typecheck: `npm run typecheck` (tsgo, TypeScript 7's native compiler) against tsgo checking
 *    a one-file program that imports every package module the files it checks import (the
 *    program, tools, tests and the fixture programs tests plan: the provider SDKs, and zod, yaml,
 *    ajv and the rest), with the same compiler options: what no change to our code can save.
 *    TypeScript 5.9's tsc on the whole repository is measured once, for comparison.
 *
 * Runs alternate between a command and its floor, so that load from other work on a shared
 * machine falls on both; this is a benchmark to read, never a test that fails.
 * Last line: `plan-ratio=<x> typecheck-ratio=<y>`.
 */
// First: what this loads after it is compiled once, then read from the cache (tools/compileCache.ts).
import "../tools/compileCache";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { planStack, type StackPlan } from "../tools/plan/planner";
import { measureSideBySide } from "./measure";
import type { FloorStack } from "./sdkFloor";
import { command, parseCommandLine, runMain, wholeNumberFlag, type CommandSpec, type FlagSpec } from "../tools/cli";

const ROOT = path.resolve(__dirname, "..");
interface TsConfig {
    readonly compilerOptions: Record<string, unknown>;
    readonly include: readonly string[];
    readonly exclude?: readonly string[];
}

/** The package modules (not relative, not `node:`) the TypeScript files under these directories import. */
export function packageModules(directories: readonly string[], excluded: readonly string[] = []): string[] {
    const specifiers = new Set<string>();
    const skipped = new Set(excluded.map((directory) => path.join(ROOT, directory)));
    const walk = (directory: string) => {
        if (skipped.has(directory) || path.basename(directory) === "node_modules") {
            return;
        }
        for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
            const full = path.join(directory, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.name.endsWith(".ts")) {
                for (const { fileName } of ts.preProcessFile(fs.readFileSync(full, "utf8"), true, false).importedFiles) {
                    if (!fileName.startsWith(".") && !fileName.startsWith("node:")) {
                        specifiers.add(fileName);
                    }
                }
            }
        }
    };
    directories.forEach((directory) => walk(path.join(ROOT, directory)));
    return [...specifiers].sort();
}

/**
 * Plans prod in this process and returns what the SDK floor registers: the `@pulumi/*` files the
 * plan loaded and, per stack the plan ran (the sites it references first), its resources.
 */
async function floorOfPlan(): Promise<FloorStack[]> {
    const plan = await planStack({ stack: "prod" });
    const sdkFiles = Object.keys(require.cache).filter((file) => file.includes(`${path.sep}node_modules${path.sep}@pulumi${path.sep}`));
    const stacks: StackPlan[] = [...plan.referencedStacks, plan];
    return stacks.map((stack) => ({
        project: stack.project,
        stack: stack.stack,
        sdkFiles,
        resources: stack.resources.map(({ type, name, urn, parent, provider, custom, inputs }) => ({
            type,
            name,
            urn,
            parent,
            provider,
            custom,
            inputs,
        })),
    }));
}

export const BENCH_COMMAND = {
    command: "npm run bench",
    synopsis: ["[--runs <n>] [--typecheck-runs <n>]"],
    description: `Times the offline plan of prod and the whole-repo type-check against their floors (the SDKs'
own cost, the same imports in one file), alternating each command with its floor so that load
from other work falls on both. Last line: plan-ratio=… typecheck-ratio=…`,
    flags: {
        runs: { type: "string", value: "<n>", help: "runs of the plan and its floors (default 5)" },
        "typecheck-runs": { type: "string", value: "<n>", help: "runs of the type-check and its floor (default 3)" },
    },
    exitStatus: "0 measured, 1 a measured command failed, 2 bad usage.",
} as const satisfies CommandSpec<Record<string, FlagSpec>>;

export const main = command("the plan and type-check benchmark", async (argv, terminal) => {
    const flags = parseCommandLine(BENCH_COMMAND, argv, terminal);
    if (!flags) {
        return 0;
    }
    await measure(wholeNumberFlag("--runs", flags.runs, 5), wholeNumberFlag("--typecheck-runs", flags["typecheck-runs"], 3));
    return 0;
});

async function measure(runs: number, typecheckRuns: number): Promise<void> {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as TsConfig;
    // `npm run typecheck` checks every file tsconfig.json includes (tests and their fixture programs
    // too), so its floor imports every package module those files import.
    const modules = packageModules(tsconfig.include, tsconfig.exclude);
    console.log(`Package modules the type-checked files import: ${modules.join(", ")}`);
    const node = process.execPath;
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const tsgo = path.join(ROOT, "node_modules", ".bin", "tsgo");

    const floorStacks = await floorOfPlan();
    const sdkFiles = floorStacks[0].sdkFiles;
    console.log(
        `SDK files a plan of prod loads: ${sdkFiles.length}; resources it registers: ${floorStacks.map((stack) => `${stack.stack} ${stack.resources.length}`).join(", ")}`,
    );
    const floorFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "beacon-sdk-floor-")), "stacks.json");
    fs.writeFileSync(floorFile, JSON.stringify(floorStacks));
    const [, planFloor, plan] = measureSideBySide(runs, [
        {
            label: "node loads those SDK files",
            command: node,
            args: ["-e", `for (const file of ${JSON.stringify(sdkFiles)}) require(file);`],
        },
        { label: "floor: SDK registers the same resources", command: node, args: ["--require", "tsx/cjs", "bench/sdkFloor.ts", floorFile] },
        {
            label: "plan --stack prod --skip-policy",
            command: node,
            args: ["--require", "tsx/cjs", "tools/plan/cli.ts", "--stack", "prod", "--skip-policy"],
        },
    ]);
    fs.rmSync(path.dirname(floorFile), { recursive: true, force: true });

    // The floor program lives inside the repository so that it resolves the same node_modules.
    const floorDirectory = fs.mkdtempSync(path.join(ROOT, "bench", ".typecheck-floor-"));
    try {
        fs.writeFileSync(
            path.join(floorDirectory, "index.ts"),
            // Type-only imports: some packages (sarif) declare types and no value.
            modules.map((module, index) => `import type * as module${index} from "${module}";`).join("\n") +
                `\nexport type { ${modules.map((_, index) => `module${index}`).join(", ")} };\n`,
        );
        fs.writeFileSync(
            path.join(floorDirectory, "tsconfig.json"),
            JSON.stringify({ compilerOptions: tsconfig.compilerOptions, files: ["index.ts"] }),
        );
        const [typecheckFloor, typecheck] = measureSideBySide(typecheckRuns, [
            { label: "floor: tsgo one file, same imports", command: tsgo, args: ["-p", floorDirectory] },
            { label: "npm run typecheck (tsgo, whole repo)", command: tsgo, args: ["-p", "tsconfig.json"] },
        ]);
        measureSideBySide(1, [{ label: "tsc 5.9, whole repo (for comparison)", command: node, args: [tsc, "-p", "tsconfig.json"] }]);
        console.log(`plan-ratio=${(plan / planFloor).toFixed(2)} typecheck-ratio=${(typecheck / typecheckFloor).toFixed(2)}`);
    } finally {
        fs.rmSync(floorDirectory, { recursive: true, force: true });
    }
}

runMain(module, main);
