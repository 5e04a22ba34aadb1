/**
 * Our policy packs run as JavaScript compiled from their TypeScript sources, so that neither the
 * offline runner nor `pulumi preview --policy-pack policies/<pack>` waits for a pack to type-check
 * itself. The Pulumi CLI starts a Node.js pack with `@pulumi/pulumi/cmd/run-policy-pack`, which
 * always registers ts-node with type-checking on (`cmd/run-policy-pack/run.ts` in pulumi/pulumi;
 * the engine side, `pkg/resource/plugin/analyzer_plugin.go`, runs it with the pack directory as
 * working directory and "." as the program). ts-node only compiles `.ts` files, so a pack whose
 * `main` is JavaScript starts without type-checking anything.
 *
 * The build transpiles, file by file, every TypeScript module the packs import (the repository
 * sets `isolatedModules`, so each file compiles on its own), into `out/policy-packs/`, keeping the
 * repository's layout so that paths relative to a module (`policies/exemptions.yaml`) still hold:
 * the packs' data files are linked into the build, never copied, and an edit to them needs no
 * rebuild. `npm run typecheck` type-checks the same sources.
 *
 * A stale build is never used silently: the build records a hash of every input, each pack's entry
 * refuses to start when one changed, and the runner rebuilds before it starts our packs.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CommandError } from "../command";

/** Where the build lives, relative to the repository root; ignored by git. */
export const PACK_BUILD_DIRECTORY = path.join("out", "policy-packs");
/** Each pack's `main`: the build's entry for the pack, which checks the build before loading it. */
export const PACK_ENTRY = "main.js";
const MANIFEST = "manifest.json";
const POLICIES = "policies";
/** Compiler options come from here, so the build emits what `npm run typecheck` checks. */
const TSCONFIG = "tsconfig.json";
/** Files of a pack directory that describe it to the CLI; the build needs none of them. */
const PACK_DESCRIPTORS = new Set(["package.json", "PulumiPolicy.yaml"]);

/** A build that could not be made; exit status 1, with the compiler's own message. */
export class PackBuildError extends CommandError {
    constructor(message: string) {
        super(message, 1);
    }
}

interface Manifest {
    /** Every file the build read, relative to the root, with the SHA-256 of its content. */
    readonly inputs: Record<string, string>;
    /** Every `.ts` file under policies/ at build time, so that a new rule file makes it stale. */
    readonly policySources: readonly string[];
}

/** The repository root of the sources (this module runs both from them and from the build). */
export const SOURCE_ROOT = path.resolve(__dirname, "..", "..");

const toPosix = (relative: string) => relative.split(path.sep).join("/");

function sha256(file: string): string {
    return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Every file under `directory`, relative to `root`, skipping node_modules and dot-directories. */
function filesUnder(root: string, directory: string): string[] {
    const found: string[] = [];
    const walk = (absolute: string) => {
        for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
            const full = path.join(absolute, entry.name);
            if (entry.isDirectory()) {
                if (entry.name !== "node_modules" && !entry.name.startsWith(".")) {
                    walk(full);
                }
            } else {
                found.push(toPosix(path.relative(root, full)));
            }
        }
    };
    walk(path.join(root, directory));
    return found.sort();
}

/** The directories under policies/ that are packs (they have a PulumiPolicy.yaml and an index.ts). */
export function packNames(root: string = SOURCE_ROOT): string[] {
    return fs
        .readdirSync(path.join(root, POLICIES), { withFileTypes: true })
        .filter(
            (entry) =>
                entry.isDirectory() &&
                fs.existsSync(path.join(root, POLICIES, entry.name, "PulumiPolicy.yaml")) &&
                fs.existsSync(path.join(root, POLICIES, entry.name, "index.ts")),
        )
        .map((entry) => entry.name)
        .sort();
}

function readManifest(root: string): Manifest | undefined {
    try {
        return JSON.parse(fs.readFileSync(path.join(root, PACK_BUILD_DIRECTORY, MANIFEST), "utf8")) as Manifest;
    } catch {
        return undefined;
    }
}

/** Why the build at `root` does not match its sources, or undefined when it does. */
export function staleness(root: string = SOURCE_ROOT): string | undefined {
    const manifest = readManifest(root);
    if (!manifest) {
        return `${PACK_BUILD_DIRECTORY} has not been built`;
    }
    for (const [input, hash] of Object.entries(manifest.inputs)) {
        const file = path.join(root, input);
        if (!fs.existsSync(file)) {
            return `${input} was deleted since the build`;
        }
        if (sha256(file) !== hash) {
            return `${input} changed since the build`;
        }
    }
    const built = new Set(manifest.policySources);
    const added = filesUnder(root, POLICIES).find((file) => file.endsWith(".ts") && !built.has(file));
    return added ? `${added} is new since the build` : undefined;
}

/**
 * Called by each pack's entry before it loads the pack: a stale build stops the pack with one
 * line saying what changed and what to run. Pulumi's RunError prints its message without a stack.
 */
export function refuseStaleBuild(root: string, pack: string): void {
    const why = staleness(root);
    if (why) {
        const message = `policy pack ${POLICIES}/${pack} runs from ${PACK_BUILD_DIRECTORY}, which is stale: ${why}. Run \`npm run build:policies\` (npm install runs it too).`;
        throw Object.assign(new Error(message), { __pulumiRunError: true });
    }
}

/** Links a data file into the build; where links are not allowed, copies it and says it must be watched. */
function linkOrCopy(source: string, target: string): "linked" | "copied" {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    try {
        fs.symlinkSync(path.relative(path.dirname(target), source), target);
        return "linked";
    } catch {
        fs.copyFileSync(source, target);
        return "copied";
    }
}

/** The entry each pack's package.json names: check the build, then load the compiled pack. */
function packEntry(pack: string): string {
    const rootFromEntry = path.relative(path.join(PACK_BUILD_DIRECTORY, POLICIES, pack), ".");
    const checker = toPosix(path.relative(path.join(POLICIES, pack), path.join("tools", "policy", "packBuild.js")));
    return [
        `"use strict";`,
        `// Written by tools/policy/packBuild.ts: refuses to run a build older than its sources.`,
        `require(${JSON.stringify(`./${checker}`)}).refuseStaleBuild(require("node:path").resolve(__dirname, ${JSON.stringify(toPosix(rootFromEntry))}), ${JSON.stringify(pack)});`,
        `module.exports = require("./index.js");`,
        "",
    ].join("\n");
}

/**
 * Builds the packs at `root` into `out/policy-packs`: every module under policies/, and every
 * relative import reachable from them and from this module (which the entries use), is
 * transpiled with the repository's compiler options. The new build replaces the old one in one
 * rename.
 */
export async function buildPolicyPacks(root: string = SOURCE_ROOT): Promise<void> {
    const ts = await import("typescript");
    const configFile = ts.readConfigFile(path.join(root, TSCONFIG), ts.sys.readFile);
    if (configFile.error) {
        throw new PackBuildError(`${TSCONFIG}: ${ts.flattenDiagnosticMessageText(configFile.error.messageText, "\n")}`);
    }
    const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
    // The repository's package.json has no "type", so nodenext means CommonJS for every file here.
    const compilerOptions = {
        ...options,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        noEmit: false,
        sourceMap: true,
    };

    const packs = packNames(root);
    // Every module under policies/ is built, imported or not, so that a pack that finds its rule
    // modules by walking a folder finds them built too; beyond it, what they import.
    const policyFiles = filesUnder(root, POLICIES);
    const pending = [...policyFiles.filter((file) => file.endsWith(".ts")), "tools/policy/packBuild.ts"];
    const sources = new Set<string>();
    // Data modules imported from outside policies/ (`import ranges from "./ip-ranges.json"`).
    const importedData = new Set<string>();
    while (pending.length > 0) {
        const source = pending.pop()!;
        if (sources.has(source)) {
            continue;
        }
        sources.add(source);
        for (const imported of ts.preProcessFile(fs.readFileSync(path.join(root, source), "utf8"), true, true).importedFiles) {
            if (!imported.fileName.startsWith(".")) {
                continue; // a package: resolved from node_modules at run time
            }
            const base = path.join(path.dirname(path.join(root, source)), imported.fileName);
            if (base.endsWith(".json") && fs.existsSync(base)) {
                importedData.add(toPosix(path.relative(root, base)));
                continue;
            }
            const resolved = [`${base}.ts`, path.join(base, "index.ts"), base.replace(/\.js$/, ".ts")].find(
                (candidate) => candidate.endsWith(".ts") && fs.existsSync(candidate),
            );
            if (!resolved) {
                throw new PackBuildError(`${source}: cannot find the module "${imported.fileName}" it imports`);
            }
            pending.push(toPosix(path.relative(root, resolved)));
        }
    }

    const staging = path.join(root, `${PACK_BUILD_DIRECTORY}.${process.pid}.tmp`);
    fs.rmSync(staging, { recursive: true, force: true });
    const inputs: Record<string, string> = { [TSCONFIG]: sha256(path.join(root, TSCONFIG)) };
    for (const source of [...sources].sort()) {
        const text = fs.readFileSync(path.join(root, source), "utf8");
        const output = ts.transpileModule(text, { compilerOptions, fileName: path.join(root, source), reportDiagnostics: true });
        const syntaxError = output.diagnostics?.find((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
        if (syntaxError) {
            const where =
                syntaxError.file && syntaxError.start !== undefined
                    ? syntaxError.file.getLineAndCharacterOfPosition(syntaxError.start)
                    : undefined;
            throw new PackBuildError(
                `${source}${where ? `:${where.line + 1}:${where.character + 1}` : ""}: ${ts.flattenDiagnosticMessageText(syntaxError.messageText, "\n")}`,
            );
        }
        const target = path.join(staging, source.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        // transpileModule already ends the output with a link to <name>.js.map.
        fs.writeFileSync(target, output.outputText);
        const map = JSON.parse(output.sourceMapText!) as { sources: string[]; file: string };
        map.sources = [toPosix(path.relative(path.dirname(target), path.join(root, source)))];
        map.file = path.basename(target);
        fs.writeFileSync(`${target}.map`, JSON.stringify(map));
        inputs[source] = sha256(path.join(root, source));
    }
    const dataFiles = new Set([
        ...policyFiles.filter((file) => !file.endsWith(".ts") && !PACK_DESCRIPTORS.has(path.basename(file))),
        ...importedData,
    ]);
    for (const data of [...dataFiles].sort()) {
        // Data from outside policies/ is an input like a source: a copy of the sources needs it.
        if (linkOrCopy(path.join(root, data), path.join(staging, data)) === "copied" || importedData.has(data)) {
            inputs[data] = sha256(path.join(root, data));
        }
    }
    for (const pack of packs) {
        fs.writeFileSync(path.join(staging, POLICIES, pack, PACK_ENTRY), packEntry(pack));
    }
    const manifest: Manifest = { inputs, policySources: policyFiles.filter((file) => file.endsWith(".ts")) };
    fs.writeFileSync(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);

    const target = path.join(root, PACK_BUILD_DIRECTORY);
    const previous = `${target}.${process.pid}.old`;
    if (fs.existsSync(target)) {
        fs.renameSync(target, previous);
    }
    try {
        fs.renameSync(staging, target);
    } catch (error) {
        // Another process put an equally fresh build in place meanwhile.
        if (!fs.existsSync(target)) {
            throw error;
        }
    }
    fs.rmSync(previous, { recursive: true, force: true });
    fs.rmSync(staging, { recursive: true, force: true });
}

/** Rebuilds the packs when their build is missing or stale; returns why it rebuilt, if it did. */
export async function ensurePolicyPacksBuilt(root: string = SOURCE_ROOT): Promise<string | undefined> {
    const why = staleness(root);
    if (why) {
        await buildPolicyPacks(root);
    }
    return why;
}
