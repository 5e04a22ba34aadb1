import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { OFFLINE_ESC_PLACEHOLDER_MARK, OFFLINE_ESC_PLACEHOLDER_PREFIX } from "../../stacks/config/offline";
import { CommandError } from "../command";

/** Bad input to the planner: a missing or malformed file, a bad flag. Exit status 2. */
export class PlanInputError extends CommandError {
    constructor(message: string) {
        super(message, 2);
    }
}

/** A project config declaration in `Pulumi.yaml`, as far as the planner applies it. */
interface Declaration {
    default?: unknown;
    secret?: boolean;
    description?: string;
}

/** What the planner needs of a Pulumi project. */
export interface Project {
    readonly directory: string;
    readonly name: string;
    /** The program's entry file, resolved as the Node.js language host resolves it. */
    readonly entry: string;
    readonly declarations: Readonly<Record<string, Declaration>>;
}

/** A stack's config, as the CLI hands it to the program. */
export interface StackSettings {
    readonly stack: string;
    readonly path: string;
    readonly file: string;
    /** Full keys (`namespace:key`) to their string form: scalars as text, arrays and maps as JSON. */
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    /** Pulumi ESC environments the stack imports; not resolved offline. */
    readonly environments: string[];
}

/** Offline stand-in for a `secure:` value: clearly marked, never decrypted. */
export function securePlaceholder(key: string): string {
    return `${OFFLINE_ESC_PLACEHOLDER_PREFIX}secure value ${key}; not decrypted]`;
}

/** Offline stand-in for a secret that the stack's ESC environment provides. */
export function environmentPlaceholder(key: string, environments: readonly string[]): string {
    return `${OFFLINE_ESC_PLACEHOLDER_PREFIX}${key}${OFFLINE_ESC_PLACEHOLDER_MARK}${environments.join(", ")}; not resolved]`;
}

/** Reads `Pulumi.yaml` from a program directory (or the directory of a program file). */
export function readProject(program: string): Project {
    const resolved = path.resolve(program);
    if (!fs.existsSync(resolved)) {
        throw new PlanInputError(`--program ${program}: no such file or directory`);
    }
    const directory = findProjectDirectory(fs.statSync(resolved).isDirectory() ? resolved : path.dirname(resolved));
    const projectFile = path.join(directory, "Pulumi.yaml");
    const project = readYaml(projectFile) as { name?: unknown; main?: unknown; runtime?: unknown; config?: unknown };
    if (typeof project.name !== "string" || project.name === "") {
        throw new PlanInputError(`${projectFile}: "name" is missing; a Pulumi project needs a name`);
    }
    const runtime = typeof project.runtime === "string" ? project.runtime : (project.runtime as { name?: unknown } | undefined)?.name;
    if (runtime !== "nodejs") {
        throw new PlanInputError(`${projectFile}: runtime is ${JSON.stringify(runtime)}; the offline planner runs only nodejs programs`);
    }
    const explicitEntry = fs.statSync(resolved).isFile() ? resolved : undefined;
    const entry = explicitEntry ?? resolveEntry(directory, typeof project.main === "string" ? project.main : undefined, projectFile);
    const declarations: Record<string, Declaration> = {};
    for (const [key, value] of Object.entries((project.config ?? {}) as Record<string, unknown>)) {
        declarations[key.includes(":") ? key : `${project.name}:${key}`] =
            typeof value === "object" && value !== null ? (value as Declaration) : { default: value };
    }
    return { directory, name: project.name, entry, declarations };
}

/**
 * Reads a stack file and builds the config the CLI would give the program: stack values, then
 * the project's declared defaults for keys the stack does not set. `secure:` values become
 * marked placeholders; declared secrets that an ESC environment supplies do too.
 */
export function readStackFile(project: Project, stackFilePath: string): StackSettings {
    const file = path.basename(stackFilePath);
    const match = /^Pulumi\.(.+)\.ya?ml$/.exec(file);
    if (!match) {
        throw new PlanInputError(`${stackFilePath}: a stack file is named Pulumi.<stack>.yaml`);
    }
    if (!fs.existsSync(stackFilePath)) {
        const known = listStacks(project.directory);
        throw new PlanInputError(`${file}: no such stack file in ${project.directory}; stacks here: ${known.join(", ") || "none"}`);
    }
    const document = (readYaml(stackFilePath) ?? {}) as { config?: unknown; environment?: unknown };
    const environments = readEnvironments(file, document.environment);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const problems: string[] = [];

    for (const [key, value] of Object.entries((document.config ?? {}) as Record<string, unknown>)) {
        const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
        const { text, secret } = toConfigString(fullKey, value);
        config[fullKey] = text;
        if (secret) {
            secretKeys.push(fullKey);
        } else if (project.declarations[fullKey]?.secret) {
            problems.push(`${fullKey}: must be encrypted, Pulumi.yaml declares it secret; set it with pulumi config set --secret ${fullKey}`);
        }
    }
    for (const [fullKey, declaration] of Object.entries(project.declarations)) {
        if (fullKey in config) {
            continue;
        }
        if (declaration.secret && environments.length > 0) {
            config[fullKey] = environmentPlaceholder(fullKey, environments);
            secretKeys.push(fullKey);
        } else if (declaration.default !== undefined) {
            config[fullKey] = typeof declaration.default === "string" ? declaration.default : JSON.stringify(declaration.default);
        } else {
            const about = declaration.description ? `: ${declaration.description}` : "";
            problems.push(`${fullKey}: missing; Pulumi.yaml declares it with no default, so every stack must set it${about}`);
        }
    }
    if (problems.length > 0) {
        throw new PlanInputError(`${file}: invalid stack config\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
    return { stack: match[1], path: stackFilePath, file, config, secretKeys, environments };
}

/** The stacks that have a stack file in the project directory. */
export function listStacks(directory: string): string[] {
    return fs
        .readdirSync(directory)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

function toConfigString(fullKey: string, value: unknown): { text: string; secret: boolean } {
    if (isSecure(value)) {
        return { text: securePlaceholder(fullKey), secret: true };
    }
    if (typeof value === "string") {
        return { text: value, secret: false };
    }
    if (value === null || typeof value !== "object") {
        return { text: String(value), secret: false };
    }
    // Structured values travel as JSON; a secure leaf makes the whole value secret, as in the CLI.
    let secret = false;
    const text = JSON.stringify(value, (_, leaf: unknown) => {
        if (isSecure(leaf)) {
            secret = true;
            return securePlaceholder(fullKey);
        }
        return leaf;
    });
    return { text, secret };
}

function isSecure(value: unknown): value is { secure: string } {
    return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}

function readEnvironments(file: string, environment: unknown): string[] {
    if (environment === undefined || environment === null) {
        return [];
    }
    const imports = Array.isArray(environment) ? environment : (environment as { imports?: unknown }).imports;
    if (!Array.isArray(imports) || !imports.every((name) => typeof name === "string")) {
        throw new PlanInputError(`${file}: environment must be a list of ESC environment names, e.g. [crypto-beacon/prod]`);
    }
    return imports as string[];
}

function readYaml(file: string): unknown {
    const document = parseDocument(fs.readFileSync(file, "utf8"), { prettyErrors: true });
    if (document.errors.length > 0) {
        const [first] = document.errors;
        const where = first.linePos ? `:${first.linePos[0].line}:${first.linePos[0].col}` : "";
        throw new PlanInputError(`${path.basename(file)}${where}: not valid YAML: ${first.message.split("\n")[0]}`);
    }
    return document.toJS();
}

function findProjectDirectory(start: string): string {
    for (let directory = start; ; directory = path.dirname(directory)) {
        if (fs.existsSync(path.join(directory, "Pulumi.yaml"))) {
            return directory;
        }
        if (path.dirname(directory) === directory) {
            throw new PlanInputError(`no Pulumi.yaml in ${start} or any directory above it`);
        }
    }
}

function resolveEntry(directory: string, main: string | undefined, projectFile: string): string {
    const base = main ? path.resolve(directory, main) : directory;
    const candidates = fs.existsSync(base) && fs.statSync(base).isDirectory()
        ? [path.join(base, "index.ts"), path.join(base, "index.js")]
        : [base];
    const entry = candidates.find((candidate) => fs.existsSync(candidate));
    if (!entry) {
        throw new PlanInputError(`${projectFile}: no program entry at ${candidates.join(" or ")}`);
    }
    return entry;
}
