// First: what this loads after it is compiled once, then read from the cache (tools/compileCache.ts).
import "../compileCache";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { command, CommandError, parseCommandLine, runMain, type CommandSpec, type FlagSpec } from "../cli";

/**
 * Plans public Pulumi TypeScript programs (a checkout of pulumi/examples, or any directory of
 * programs) through the offline planner, as a user would with `npm run plan -- --program <dir>`,
 * and reports which plan. Their code is read where it lies and never copied here.
 */

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");
const PLAN_TIMEOUT_MS = 180_000;

const PUBLIC_PROGRAMS_COMMAND = {
    command: "npm run conformance:public",
    synopsis: ["--examples <dir> [--examples <dir> ...] [--only <name,...>] [--json <file>]"],
    description: `Finds every Pulumi TypeScript/JavaScript program under each <dir> (a pulumi/examples or
pulumi/templates checkout), sorts out those whose dependencies are all installed here, and
plans each one as 'npm run plan -- --program <program> --config <stack file> --skip-policy'
would, with a generated stack file holding the config the program requires (a template is
first made a project as 'pulumi new <template> --yes' makes it). Prints a table and the
fraction that planned.`,
    flags: {
        examples: {
            type: "string",
            multiple: true,
            value: "<dir>",
            help: "a directory to search for programs (Pulumi.yaml with runtime nodejs); repeatable",
        },
        only: { type: "string", value: "<names>", help: "plan only these programs (comma-separated, as the table names them)" },
        json: { type: "string", value: "<file>", help: "also write the results as JSON" },
    },
    exitStatus: `0 at least 95 % of the eligible programs planned, 1 fewer, 2 bad usage.
Programs fetching a chart or manifest from the network are set apart; a StackReference to
another project's stack counts as not planned.`,
} as const satisfies CommandSpec<Record<string, FlagSpec>>;

/** Why a program is or is not planned, and how its plan went. */
export type Verdict =
    | { readonly kind: "planned"; readonly resources: number }
    | { readonly kind: "failed"; readonly reason: string }
    | { readonly kind: "fails-as-cli"; readonly reason: string }
    | { readonly kind: "needs-network"; readonly reason: string }
    | { readonly kind: "needs-other-stack"; readonly reason: string }
    | { readonly kind: "older-major"; readonly reason: string }
    | { readonly kind: "missing-packages"; readonly reason: string };

export interface ProgramResult {
    readonly program: string;
    readonly verdict: Verdict;
    /** The config keys the generated stack file set, and where each value came from. */
    readonly config: Readonly<Record<string, string>>;
}

/**
 * Programs the real CLI fails too, with why and the error the planner must give for them: a
 * program here that plans, or fails otherwise, is reported as a failure of the planner.
 */
const FAILS_AS_CLI: Readonly<Record<string, { readonly why: string; readonly error: RegExp }>> = {
    "kubernetes-ts-staged-rollout-with-prometheus": {
        why:
            "uses k8s.helm.v2.Chart, which @pulumi/kubernetes removed in 4.0.0; the 4.28.0 it pins has no helm.v2 " +
            "either, so the CLI fails it (ts-node type-checks it first)",
        error: /reading 'Chart'/,
    },
};

/** A program found under the examples directory. */
interface FoundProgram {
    readonly name: string;
    readonly directory: string;
    readonly manifest?: string;
}

/** Our installed packages by name, with their versions: what a program may depend on. */
function installedPackages(): Map<string, string> {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
        devDependencies: Record<string, string>;
    };
    return new Map(Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }));
}

export function findPrograms(examplesDirectory: string): FoundProgram[] {
    const found: FoundProgram[] = [];
    const visit = (directory: string) => {
        const entries = fs.readdirSync(directory, { withFileTypes: true });
        const projectFile = entries.find((entry) => entry.isFile() && entry.name === "Pulumi.yaml");
        if (projectFile && isNodeProject(path.join(directory, "Pulumi.yaml"))) {
            found.push({
                name: path.relative(examplesDirectory, directory),
                directory,
                manifest: nearestManifest(directory, examplesDirectory),
            });
        }
        for (const entry of entries) {
            if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) {
                visit(path.join(directory, entry.name));
            }
        }
    };
    visit(path.resolve(examplesDirectory));
    return found.sort((a, b) => a.name.localeCompare(b.name));
}

function isNodeProject(projectFile: string): boolean {
    try {
        const project = parseYaml(fs.readFileSync(projectFile, "utf8")) as { runtime?: unknown };
        const runtime =
            typeof project.runtime === "object" && project.runtime !== null
                ? (project.runtime as { name?: unknown }).name
                : project.runtime;
        return runtime === "nodejs";
    } catch {
        return false;
    }
}

function nearestManifest(directory: string, root: string): string | undefined {
    for (let current = directory; current.startsWith(path.resolve(root)); current = path.dirname(current)) {
        const manifest = path.join(current, "package.json");
        if (fs.existsSync(manifest)) {
            return manifest;
        }
    }
    return undefined;
}

/**
 * Whether the program can run on our packages as `npm install` would give it them: every runtime
 * dependency must be one of ours (type-only `@types/*` packages aside: the planner strips types),
 * and each Pulumi provider's major version must be ours. A provider's major carries its schema:
 * the real CLI with our plugin versions fails an older major's program too, so those are reported
 * apart, not planned.
 */
export function dependencyVerdict(manifestPath: string | undefined, installed: ReadonlyMap<string, string>): Verdict | undefined {
    if (!manifestPath) {
        return { kind: "missing-packages", reason: "no package.json: its dependencies are unknown" };
    }
    const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { dependencies?: Record<string, string> };
    const dependencies = Object.entries(manifest.dependencies ?? {}).filter(([name]) => !name.startsWith("@types/"));
    const missing = dependencies.filter(([name]) => !installed.has(name) && !builtinModules.includes(name)).map(([name]) => name);
    if (missing.length > 0) {
        return { kind: "missing-packages", reason: `not installed here: ${missing.join(", ")}` };
    }
    const olderMajors = dependencies
        .filter(([name]) => installed.has(name) && name.startsWith("@pulumi/"))
        .filter(([name, range]) => majorOf(range) !== undefined && majorOf(range) !== majorOf(installed.get(name)!))
        .map(([name, range]) => `${name}@${range} (ours ${installed.get(name)})`);
    if (olderMajors.length > 0) {
        return { kind: "older-major", reason: olderMajors.join(", ") };
    }
    return undefined;
}

function majorOf(range: string): number | undefined {
    const match = /(\d+)/.exec(range);
    return match ? Number(match[1]) : undefined;
}

const REQUIRE_CALL =
    /\.(require|requireSecret|requireNumber|requireSecretNumber|requireBoolean|requireSecretBoolean|requireObject|requireSecretObject)\s*(?:<[^>(]*>)?\(\s*["'`]([\w:.-]+)["'`]/g;
const CONFIG_SET = /pulumi\s+config\s+set\s+((?:--(?:secret|plaintext|path)\s+)*)([\w:.-]+)\s+(?:"([^"]*)"|'([^']*)'|([^\s`<>|&;]+))/g;

/** A config value the program requires, as the generated stack file gives it. */
interface RequiredValue {
    readonly secret: boolean;
    readonly value: unknown;
    readonly source: string;
}

/**
 * The config a user following the program's README would set: each `pulumi config set` command
 * the README shows, with its value, then each key the program's code requires
 * (`config.require*("key")`) or its Pulumi.yaml declares without a default, which the README did
 * not set, with a value of the kind the call asks for. The CLI reads them from the stack file;
 * `secure:` values stand for `pulumi config set --secret` (the planner never decrypts them).
 */
export function requiredConfig(directory: string, examplesDirectory: string, projectName: string): Map<string, RequiredValue> {
    const values = new Map<string, RequiredValue>();
    const qualify = (key: string) => (key.includes(":") ? key : `${projectName}:${key}`);
    // A README beside the program, else the nearest above it (examples holding several programs
    // document them together); a nearer one wins.
    for (const readme of readmesAbove(directory, examplesDirectory)) {
        for (const match of fs.readFileSync(readme, "utf8").matchAll(CONFIG_SET)) {
            const [, flags, key, doubleQuoted, singleQuoted, bare] = match;
            if (flags.includes("--path")) {
                continue;
            }
            const value = doubleQuoted ?? singleQuoted ?? bare;
            if (!values.has(qualify(key))) {
                values.set(qualify(key), { secret: flags.includes("--secret"), value, source: "README" });
            }
        }
    }
    for (const file of sourceFiles(directory)) {
        for (const match of fs.readFileSync(file, "utf8").matchAll(REQUIRE_CALL)) {
            const [, method, key] = match;
            const fullKey = qualify(key);
            if (!values.has(fullKey)) {
                values.set(fullKey, { secret: method.includes("Secret"), value: valueFor(method, key), source: "code" });
            }
        }
    }
    const project = parseYaml(fs.readFileSync(path.join(directory, "Pulumi.yaml"), "utf8")) as { config?: unknown };
    if (project.config && typeof project.config === "object") {
        for (const [key, declaration] of Object.entries(project.config as Record<string, unknown>)) {
            const declared = (declaration ?? {}) as { type?: string; default?: unknown; value?: unknown; secret?: boolean };
            const fullKey = qualify(key);
            if (typeof declaration === "object" && declared.default === undefined && declared.value === undefined && !values.has(fullKey)) {
                const method = { integer: "requireNumber", boolean: "requireBoolean", object: "requireObject", array: "requireObject" }[
                    declared.type ?? ""
                ];
                values.set(fullKey, {
                    secret: declared.secret === true,
                    value: declared.type === "array" ? [] : valueFor(method ?? "require", key),
                    source: "Pulumi.yaml",
                });
            }
        }
    }
    return values;
}

function readmesAbove(directory: string, root: string): string[] {
    const readmes: string[] = [];
    for (let current = directory; current.startsWith(path.resolve(root)); current = path.dirname(current)) {
        const readme = path.join(current, "README.md");
        if (fs.existsSync(readme)) {
            readmes.push(readme);
        }
    }
    return readmes;
}

function valueFor(method: string, key: string): unknown {
    if (method.endsWith("Number")) {
        return "1";
    }
    if (method.endsWith("Boolean")) {
        return "true";
    }
    if (method.endsWith("Object")) {
        return {};
    }
    return `example-${key.replace(/[^A-Za-z0-9]/g, "").toLowerCase()}`;
}

function sourceFiles(directory: string): string[] {
    const files: string[] = [];
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) {
            files.push(...sourceFiles(full));
        } else if (entry.isFile() && /\.[cm]?[jt]s$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
            files.push(full);
        }
    }
    return files;
}

/** Writes the stack file a user would have after `pulumi config set` of each required value. */
function writeStackFile(stackDirectory: string, config: ReadonlyMap<string, RequiredValue>): string {
    const stackFile = path.join(stackDirectory, "Pulumi.conformance.yaml");
    const entries = [...config].map(([key, required]) => [key, required.secret ? { secure: "v1:conformance:ciphertext" } : required.value]);
    fs.writeFileSync(stackFile, stringifyYaml({ config: Object.fromEntries(entries) }));
    return stackFile;
}

/** Plans one program in its own process, exactly as `npm run plan` would. */
function planProgram(program: FoundProgram, stackFile: string): Verdict {
    const jsonFile = path.join(path.dirname(stackFile), "plan.json");
    const run = spawnSync(
        process.execPath,
        [
            "--require",
            "tsx/cjs",
            path.join(REPOSITORY_ROOT, "tools", "plan", "cli.ts"),
            "--program",
            program.directory,
            "--config",
            stackFile,
            "--skip-policy",
            "--json",
            jsonFile,
        ],
        {
            cwd: REPOSITORY_ROOT,
            encoding: "utf8",
            timeout: PLAN_TIMEOUT_MS,
            // `npm install` in the program would give it our packages: resolve its imports from ours.
            env: { ...process.env, NODE_PATH: path.join(REPOSITORY_ROOT, "node_modules") },
        },
    );
    if (run.status === 0) {
        const plan = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as { resources: unknown[] };
        return { kind: "planned", resources: plan.resources.length };
    }
    const output = `${run.stderr}`.trim() || `${run.stdout}`.trim() || `exit ${run.status ?? run.signal}`;
    const reason = output
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("at "))
        .slice(0, 3)
        .join(" | ");
    if (/cannot be fetched by the offline planner/.test(output)) {
        return { kind: "needs-network", reason };
    }
    // A StackReference to another project's stack reads that stack's deployed state.
    if (/names a stack outside project/.test(output)) {
        return { kind: "needs-other-stack", reason };
    }
    return { kind: "failed", reason };
}

function projectNameOf(directory: string): string {
    const project = parseYaml(fs.readFileSync(path.join(directory, "Pulumi.yaml"), "utf8")) as { name?: unknown };
    return typeof project.name === "string" ? project.name : path.basename(directory);
}

/**
 * A template (pulumi/templates) made a project as `pulumi new <template> --yes` makes it: copied,
 * `${PROJECT}` and `${DESCRIPTION}` replaced in every file, and the template's config prompts
 * answered with their defaults, which `pulumi new` writes into the new stack's file.
 */
function newProjectFrom(
    program: FoundProgram,
    workspace: string,
): { readonly program: FoundProgram; readonly templateConfig: Map<string, RequiredValue> } | undefined {
    const project = parseYaml(fs.readFileSync(path.join(program.directory, "Pulumi.yaml"), "utf8")) as {
        template?: { description?: string; config?: Record<string, { default?: unknown; secret?: boolean }> };
    };
    if (!project.template) {
        return undefined;
    }
    const projectName = path.basename(program.directory);
    const directory = path.join(fs.mkdtempSync(path.join(workspace, "new-")), projectName);
    fs.cpSync(program.directory, directory, { recursive: true });
    for (const file of fs.readdirSync(directory, { recursive: true, withFileTypes: true })) {
        if (file.isFile()) {
            const full = path.join(file.parentPath, file.name);
            const text = fs.readFileSync(full, "utf8");
            fs.writeFileSync(
                full,
                text.replaceAll("${PROJECT}", projectName).replaceAll("${DESCRIPTION}", project.template.description ?? ""),
            );
        }
    }
    const templateConfig = new Map<string, RequiredValue>();
    for (const [key, prompt] of Object.entries(project.template.config ?? {})) {
        if (prompt?.default !== undefined) {
            const fullKey = key.includes(":") ? key : `${projectName}:${key}`;
            templateConfig.set(fullKey, { secret: prompt.secret === true, value: prompt.default, source: "template" });
        }
    }
    return { program: { ...program, directory, manifest: path.join(directory, "package.json") }, templateConfig };
}

export function runPrograms(
    examplesDirectories: readonly string[],
    only: readonly string[] | undefined,
    log: (line: string) => void,
): ProgramResult[] {
    const installed = installedPackages();
    const results: ProgramResult[] = [];
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "conformance-public-"));
    try {
        const found = examplesDirectories.flatMap((examplesDirectory) =>
            findPrograms(examplesDirectory).map((program) => ({
                examplesDirectory,
                program:
                    examplesDirectories.length > 1 ? { ...program, name: `${path.basename(examplesDirectory)}/${program.name}` } : program,
            })),
        );
        for (const { examplesDirectory, program: foundProgram } of found) {
            if (only && !only.includes(foundProgram.name)) {
                continue;
            }
            const dependencyProblem = dependencyVerdict(foundProgram.manifest, installed);
            if (dependencyProblem) {
                results.push({ program: foundProgram.name, verdict: dependencyProblem, config: {} });
                continue;
            }
            const created = newProjectFrom(foundProgram, workspace);
            const program = created?.program ?? foundProgram;
            // What `pulumi new` wrote into the stack file, then what the README and code ask for besides.
            const config = new Map([
                ...requiredConfig(foundProgram.directory, examplesDirectory, projectNameOf(program.directory)),
                ...(created?.templateConfig ?? []),
            ]);
            const stackDirectory = fs.mkdtempSync(path.join(workspace, "stack-"));
            log(`planning ${program.name} ...`);
            const planned = planProgram(program, writeStackFile(stackDirectory, config));
            const expected = Object.entries(FAILS_AS_CLI).find(([name]) => program.name === name || program.name.endsWith(`/${name}`))?.[1];
            const verdict: Verdict =
                expected && planned.kind === "failed" && expected.error.test(planned.reason)
                    ? { kind: "fails-as-cli", reason: expected.why }
                    : planned;
            results.push({
                program: program.name,
                verdict,
                config: Object.fromEntries([...config].map(([key, required]) => [key, required.source])),
            });
        }
    } finally {
        fs.rmSync(workspace, { recursive: true, force: true });
    }
    return results;
}

/**
 * Of the programs whose dependencies are all ours: how many plan. A program that fetches a chart
 * or a manifest from the network is set apart, as issue 13 sets remote charts apart: no offline
 * run can fetch them, and the planner refuses them naming the resource. A StackReference to
 * another project's stack counts as not planned. Programs the CLI fails too count either way.
 */
export function summarize(results: readonly ProgramResult[]): {
    eligible: number;
    planned: number;
    needsNetwork: number;
    failsAsCli: number;
} {
    const count = (...kinds: Verdict["kind"][]) => results.filter((result) => kinds.includes(result.verdict.kind)).length;
    return {
        eligible: count("planned", "failed", "needs-other-stack"),
        planned: count("planned"),
        needsNetwork: count("needs-network"),
        failsAsCli: count("fails-as-cli"),
    };
}

function renderTable(results: readonly ProgramResult[]): string {
    const detail = (verdict: Verdict) => (verdict.kind === "planned" ? `${verdict.resources} resources` : verdict.reason);
    const order: Verdict["kind"][] = [
        "planned",
        "failed",
        "needs-network",
        "needs-other-stack",
        "fails-as-cli",
        "older-major",
        "missing-packages",
    ];
    const sorted = [...results].sort((a, b) => order.indexOf(a.verdict.kind) - order.indexOf(b.verdict.kind));
    const width = Math.max(...sorted.map((result) => result.program.length), 7);
    return [
        `${"program".padEnd(width)}  ${"result".padEnd(17)}  detail`,
        ...sorted.map((result) => `${result.program.padEnd(width)}  ${result.verdict.kind.padEnd(17)}  ${detail(result.verdict)}`),
    ].join("\n");
}

export const main = command("the public-program conformance run", async (argv, terminal) => {
    const flags = parseCommandLine(PUBLIC_PROGRAMS_COMMAND, argv, terminal);
    if (!flags) {
        return 0;
    }
    const examples = flags.examples ?? [];
    const notDirectory = examples.find((directory) => !fs.existsSync(directory) || !fs.statSync(directory).isDirectory());
    if (examples.length === 0 || notDirectory !== undefined) {
        throw new CommandError(
            `--examples ${notDirectory ?? ""}: give the directory of a pulumi/examples (or pulumi/templates) checkout; run '${PUBLIC_PROGRAMS_COMMAND.command} -- --help' for usage`,
            2,
        );
    }
    const results = runPrograms(examples, flags.only?.split(","), (line) => terminal.progress(line));
    const summary = summarize(results);
    const { eligible, planned, needsNetwork, failsAsCli } = summary;
    const share = eligible === 0 ? 0 : planned / eligible;
    const apart = (kind: Verdict["kind"]) => results.filter((result) => result.verdict.kind === kind).length;
    terminal.out(`${renderTable(results)}\n`);
    terminal.out(
        `planned ${planned} of ${eligible} programs whose dependencies are all installed here (${(share * 100).toFixed(1)} %).\n` +
            `Set apart: ${needsNetwork} fetch a chart or manifest from the network (refused offline, naming the resource), ` +
            `${failsAsCli} the CLI fails too (each verified to fail the same way), ` +
            `${apart("older-major")} target an older major of our providers (the CLI with our plugins fails them too), ` +
            `${apart("missing-packages")} need packages not installed here.`,
    );
    if (flags.json) {
        fs.writeFileSync(flags.json, `${JSON.stringify({ ...summary, results }, null, 2)}\n`);
    }
    return share >= 0.95 ? 0 : 1;
});

runMain(module, main);
