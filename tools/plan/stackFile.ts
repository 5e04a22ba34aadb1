import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { OFFLINE_ESC_PLACEHOLDER_MARK, OFFLINE_ESC_PLACEHOLDER_PREFIX } from "../../stacks/config/offline";
import { CommandError } from "../command";
import { PROJECT, SECRET_KEYS } from "../../stacks/config/schema";

/** Bad input to the planner: a missing or malformed file, a bad flag. Exit status 2. */
export class PlanInputError extends CommandError {
    constructor(message: string) {
        super(message, 2);
    }
}

/** The element type of a declared array, as `Pulumi.yaml` writes it (`items:`). */
interface ItemsType {
    readonly type: string;
    readonly items?: ItemsType;
}

/**
 * A project config declaration in `Pulumi.yaml`, after the CLI's shorthand rewrite: a bare value
 * of a project key is its `default`, of another namespace's key its `value`.
 */
interface Declaration {
    readonly type?: string;
    readonly items?: ItemsType;
    readonly default?: unknown;
    readonly value?: unknown;
    readonly secret?: boolean;
    readonly description?: string;
}

/** What the planner needs of a Pulumi project. */
export interface Project {
    readonly directory: string;
    readonly name: string;
    /** The program's entry file, resolved as the Node.js language host resolves it. */
    readonly entry: string;
    /** Declarations by full key (`namespace:key`). */
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

/**
 * Reads `Pulumi.yaml` from a program directory (or the directory of a program file) and checks
 * its config declarations as the CLI does when it loads a project.
 */
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
    return { directory, name: project.name, entry, declarations: readDeclarations(projectFile, project.name, project.config) };
}

/**
 * The project's `config:` block, checked as the CLI checks it on load. Upstream:
 * pulumi/pulumi `sdk/go/common/workspace/project.go` (`RewriteShorthandConfigValues`,
 * `Project.Validate`) and `project.json` (`configTypeDeclaration`, `configItemsType`).
 */
function readDeclarations(projectFile: string, projectName: string, config: unknown): Record<string, Declaration> {
    // A string `config:` is the deprecated spelling of `stackConfigDir`, not declarations.
    if (config === undefined || config === null || typeof config === "string") {
        return {};
    }
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new PlanInputError(`${projectFile}: config must be a map of keys to declarations`);
    }
    const declarations: Record<string, Declaration> = {};
    const problems: string[] = [];
    for (const [key, raw] of Object.entries(config as Record<string, unknown>)) {
        const ownNamespace = isProjectNamespaced(projectName, key);
        const isShorthand = typeof raw !== "object" || raw === null || Array.isArray(raw);
        const declaration: Declaration = isShorthand ? (ownNamespace ? { default: raw } : { value: raw }) : (raw as Declaration);
        problems.push(...declarationProblems(key, declaration, ownNamespace));
        declarations[key.includes(":") ? key : `${projectName}:${key}`] = declaration;
    }
    if (problems.length > 0) {
        throw new PlanInputError(
            `${projectFile}: invalid config declarations (the CLI refuses this project)\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
        );
    }
    return declarations;
}

const DECLARATION_FIELDS = ["type", "items", "description", "secret", "default", "value"];
const CONFIG_TYPES = ["string", "integer", "boolean", "array", "object"];

function declarationProblems(key: string, declaration: Declaration, ownNamespace: boolean): string[] {
    const problems: string[] = [];
    const unknownFields = Object.keys(declaration).filter((field) => !DECLARATION_FIELDS.includes(field));
    if (unknownFields.length > 0) {
        problems.push(`${key}: unknown field ${unknownFields.join(", ")}; allowed: ${DECLARATION_FIELDS.join(", ")}`);
    }
    if (declaration.type !== undefined && !CONFIG_TYPES.includes(declaration.type)) {
        problems.push(`${key}: type ${JSON.stringify(declaration.type)} is not allowed; allowed: ${CONFIG_TYPES.join(", ")}`);
    }
    if (declaration.default !== undefined && declaration.value !== undefined) {
        problems.push(`${key}: has both default and value; give one`);
    }
    if (ownNamespace) {
        if (declaration.type === "array" && declaration.items === undefined) {
            problems.push(`${key}: type array needs items: { type: ... } naming the element type`);
        }
        if (
            declaration.type !== undefined &&
            declaration.default !== undefined &&
            !matchesType(declaration.type, declaration.items, declaration.default)
        ) {
            problems.push(
                `${key}: the default ${JSON.stringify(declaration.default)} is not of the declared type ${fullTypeName(declaration.type, declaration.items)}`,
            );
        }
    } else if (declaration.type !== undefined || declaration.default !== undefined) {
        problems.push(`${key}: a key of another namespace takes only a value; type and default are for keys of this project`);
    } else if (declaration.value === undefined) {
        problems.push(`${key}: a key of another namespace must give a value`);
    }
    return problems;
}

/** A key without a namespace, or in the project's own, is the project's (project.go). */
function isProjectNamespaced(projectName: string, key: string): boolean {
    return !key.includes(":") || key.startsWith(`${projectName}:`);
}

/** How the CLI names a declared type in its messages: `array<string>`. */
function fullTypeName(type: string, items: ItemsType | undefined): string {
    return items ? `array<${fullTypeName(items.type, items.items)}>` : type;
}

/**
 * Whether a value has the declared type, by the CLI's rule (`ValidateConfigValue` in
 * `sdk/go/common/workspace/project.go`): a scalar stack value is a string, so an integer or a
 * boolean may be its text; an array must be a real list, so a quoted JSON array is a string and
 * fails; elements of a list keep their JSON types.
 */
function matchesType(type: string, items: ItemsType | undefined, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        case "object":
            return typeof value === "object" && value !== null && !Array.isArray(value);
        default:
            return Array.isArray(value) && items !== undefined && value.every((item) => matchesType(items.type, items.items, item));
    }
}

/** What a declared type allows, in the words of a stack file's author. */
function allowedFor(type: string, items: ItemsType | undefined): string {
    switch (type) {
        case "string":
            return "a string";
        case "integer":
            return "a whole number";
        case "boolean":
            return "true or false";
        case "object":
            return "a YAML map";
        default:
            return items ? `a YAML list of ${allowedFor(items.type, items.items).replace(/^an? /, "")} values` : "a YAML list";
    }
}

/**
 * Reads a stack file and builds the config the CLI would give the program, validating it as the
 * CLI does before it runs anything. Upstream: pulumi/pulumi `pkg/workspace/config.go`
 * (`mergeConfig`, `validateStackConfigValues`, `validateStackConfigValue`):
 *
 *  1. the stack's ESC environments are merged in first. Offline their values are unknown: each key
 *     declared secret with no default (which must come from somewhere) and each `offlineEscSecrets`
 *     key (those the project documents its environments to hold), if the file does not set it, is
 *     stood in for by a marked secret placeholder;
 *  2. a declared key of the project's namespace that the stack does not set, with no default or
 *     value, is missing; otherwise the declared default (or value) is injected as plaintext;
 *  3. every explicitly typed declaration is checked: a `secret: true` key must hold a secure value
 *     (an injected plaintext default fails too), and the value must have the declared type.
 *
 * The CLI stops at the first problem; this lists them all, each naming the key and what is allowed.
 */
export function readStackFile(project: Project, stackFilePath: string, offlineEscSecrets: readonly string[] = []): StackSettings {
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
    const values = new Map<string, StackValue>();
    for (const [key, value] of Object.entries((document.config ?? {}) as Record<string, unknown>)) {
        const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
        values.set(fullKey, fromStackFile(fullKey, value));
    }
    const problems: string[] = [];
    const fullKeys = Object.keys(project.declarations).sort();
    const paths = new Map<string, ConfigPath>();
    for (const fullKey of fullKeys) {
        const parsed = parseConfigPath(fullKey);
        if (typeof parsed === "string") {
            problems.push(parsed);
        } else {
            paths.set(fullKey, parsed);
        }
    }
    const setInFile = new Set([...paths].filter(([, configPath]) => lookUp(values, configPath).found).map(([fullKey]) => fullKey));
    if (environments.length > 0) {
        // A required secret must come from somewhere: with an environment imported, that is it.
        const requiredSecrets = Object.keys(project.declarations).filter((key) => {
            const declaration = project.declarations[key];
            return (
                declaration.secret &&
                declaration.default === undefined &&
                declaration.value === undefined &&
                paths.get(key)?.path.length === 1
            );
        });
        for (const fullKey of new Set([...requiredSecrets, ...offlineEscSecrets])) {
            if (!values.has(fullKey)) {
                values.set(fullKey, { secure: true, content: environmentPlaceholder(fullKey, environments) });
            }
        }
    }

    // A declared key may be a path into a structured value (`key.field`, `key[0]`), read and
    // injected as `pulumi config set --path` writes it: the CLI looks every declaration up and
    // sets its default with path semantics (`stackConfig.Get(key, true)`/`Set(key, value, true)`).
    for (const [fullKey, configPath] of paths) {
        const declaration = project.declarations[fullKey];
        const declared = declaration.default ?? declaration.value;
        const existing = lookUp(values, configPath);
        if (existing.problem) {
            problems.push(existing.problem);
            continue;
        }
        if (existing.found) {
            continue;
        }
        if (declared !== undefined) {
            const problem = setAt(values, configPath, declared);
            if (problem) {
                problems.push(problem);
            }
        } else if (fullKey.startsWith(`${project.name}:`)) {
            const about = declaration.description ? ` (${declaration.description})` : "";
            const pathFlag = configPath.path.length > 1 ? "--path " : "";
            const hint = declaration.secret
                ? `pulumi config set ${pathFlag}--secret ${fullKey}, or an ESC environment`
                : `pulumi config set ${pathFlag}${fullKey}`;
            problems.push(
                `${fullKey}: missing; Pulumi.yaml declares it with no default, so every stack must set it${about}; set it with ${hint}`,
            );
        }
    }
    for (const [fullKey, configPath] of paths) {
        const declaration = project.declarations[fullKey];
        const { value } = lookUp(values, configPath);
        if (declaration.type === undefined || value === undefined) {
            continue;
        }
        if (declaration.secret && !value.secure) {
            problems.push(
                `${fullKey}: must be encrypted, Pulumi.yaml declares it secret` +
                    (setInFile.has(fullKey)
                        ? `; set it with pulumi config set ${configPath.path.length > 1 ? "--path " : ""}--secret ${fullKey}`
                        : "; the stack does not set it, so the CLI injects the declared default as plaintext and refuses that " +
                          "(unless an ESC environment sets it, which cannot be read offline): declare a secret without a default"),
            );
        } else if (!value.secure && !matchesType(declaration.type, declaration.items, value.content)) {
            problems.push(typeProblem(fullKey, declaration, value.content));
        }
    }
    if (problems.length > 0) {
        throw new PlanInputError(`${file}: invalid stack config\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }

    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [fullKey, value] of values) {
        config[fullKey] = typeof value.content === "string" ? value.content : JSON.stringify(value.content);
        if (value.secure) {
            secretKeys.push(fullKey);
        }
    }
    return { stack: match[1], path: stackFilePath, file, config, secretKeys, environments };
}

/** A config value as the CLI holds it: scalars as text, lists and maps as structure. */
interface StackValue {
    readonly secure: boolean;
    readonly content: unknown;
}

/**
 * A `secure:` leaf inside a list or map: its placeholder where the program reads it, and secret
 * wherever a path reaches it or a value containing it.
 */
class SecureLeaf {
    constructor(readonly placeholder: string) {}

    toJSON(): string {
        return this.placeholder;
    }
}

/** A declared key split as the CLI splits it: the root key the stack file holds, then the path inside. */
interface ConfigPath {
    readonly rootKey: string;
    /** The segments after the namespace: the root's name first, then map keys and list indexes. */
    readonly path: readonly (string | number)[];
}

/**
 * Parses the name of a key as a property path, as the CLI does for `--path` and for every
 * declaration (`parseKeyPath` in pulumi/pulumi `sdk/go/common/resource/config/map.go`, with
 * `resource.ParsePropertyPathStrict`): `a.b`, `a[0]`, `a["b.c"]`. A problem is returned as text.
 */
export function parseConfigPath(fullKey: string): ConfigPath | string {
    const colon = fullKey.indexOf(":");
    const namespace = fullKey.slice(0, colon);
    const name = fullKey.slice(colon + 1);
    const path: (string | number)[] = [];
    // A name runs to the next "." or "["; a quoted field may hold either.
    const segment = /^(?:\.([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/;
    for (let rest = `.${name}`; rest !== ""; ) {
        const match = segment.exec(path.length === 0 && rest.startsWith(".[") ? rest.slice(1) : rest);
        if (!match) {
            return `${fullKey}: not a valid config key path at "${rest.replace(/^\./, "")}"; allowed: name, name.field, name[0], name["field.with.dots"]`;
        }
        path.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? (JSON.parse(`"${match[3]}"`) as string)));
        rest = (path.length === 1 && rest.startsWith(".[") ? rest.slice(1) : rest).slice(match[0].length);
    }
    if (path.length === 0 || typeof path[0] !== "string") {
        return `${fullKey}: a config key path starts with the key's name`;
    }
    return { rootKey: `${namespace}:${path[0]}`, path };
}

/**
 * A declared key's value, followed along its path as `config.Map.Get(key, true)` follows it: a
 * missing key, field or element is not found; a path through a scalar is an error. A scalar
 * reached inside a structure is read as its text (`object.MarshalString`), so `port: 5432`
 * inside a map is "5432"; a secure leaf, or a structure holding one, is secure.
 */
function lookUp(values: ReadonlyMap<string, StackValue>, configPath: ConfigPath): { found: boolean; value?: StackValue; problem?: string } {
    const root = values.get(configPath.rootKey);
    if (!root || configPath.path.length === 1) {
        return { found: root !== undefined, value: root };
    }
    let node: unknown = root.content;
    for (const [depth, step] of configPath.path.slice(1).entries()) {
        const container = containerProblem(node, step, configPath, depth + 1);
        if (container) {
            return { found: false, problem: container };
        }
        node = (node as Record<string | number, unknown>)[step];
        if (node === undefined) {
            return { found: false };
        }
    }
    if (node instanceof SecureLeaf) {
        return { found: true, value: { secure: true, content: node.placeholder } };
    }
    if (typeof node === "object" && node !== null) {
        return { found: true, value: { secure: containsSecure(node), content: node } };
    }
    return { found: true, value: { secure: false, content: typeof node === "string" ? node : JSON.stringify(node) } };
}

/** Why a path step cannot go into a value: a field of a non-map, an index of a non-list. */
function containerProblem(node: unknown, step: string | number, configPath: ConfigPath, depth: number): string | undefined {
    const wanted = typeof step === "number" ? "a YAML list" : "a YAML map";
    const fits =
        typeof step === "number"
            ? Array.isArray(node)
            : typeof node === "object" && node !== null && !Array.isArray(node) && !(node instanceof SecureLeaf);
    if (fits) {
        return undefined;
    }
    const at = pathText(configPath.rootKey, configPath.path.slice(1, depth));
    return `${pathText(configPath.rootKey, configPath.path.slice(1))}: ${at} must be ${wanted} for this path to reach into it; got ${JSON.stringify(node)}`;
}

function pathText(rootKey: string, steps: readonly (string | number)[]): string {
    return (
        rootKey +
        steps
            .map((step) =>
                typeof step === "number" ? `[${step}]` : /^[A-Za-z0-9_$-]+$/.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`,
            )
            .join("")
    );
}

function containsSecure(node: unknown): boolean {
    if (node instanceof SecureLeaf) {
        return true;
    }
    return typeof node === "object" && node !== null && Object.values(node).some(containsSecure);
}

/**
 * Injects a declared default at its path, as `config.Map.Set(key, value, true)` does: missing
 * maps and lists on the way are created (a list for an index step); a scalar default is text
 * first, then coerced as the CLI coerces it (`coerce` in `sdk/go/common/resource/config/object.go`:
 * "true"/"false" become booleans, integers without a leading zero become numbers).
 */
function setAt(values: Map<string, StackValue>, configPath: ConfigPath, declared: unknown): string | undefined {
    if (configPath.path.length === 1) {
        values.set(configPath.rootKey, { secure: false, content: declared });
        return undefined;
    }
    const steps = configPath.path.slice(1);
    const newContainer = (step: string | number) => (typeof step === "number" ? [] : {});
    const root = values.get(configPath.rootKey);
    const content = root ? root.content : newContainer(steps[0]);
    let node = content;
    for (const [index, step] of steps.entries()) {
        const problem = containerProblem(node, step, configPath, index + 1);
        if (problem) {
            return problem;
        }
        const container = node as Record<string | number, unknown>;
        if (index === steps.length - 1) {
            container[step] = typeof declared === "object" && declared !== null ? declared : coerceScalar(String(declared));
        } else {
            container[step] ??= newContainer(steps[index + 1]);
            node = container[step];
        }
    }
    values.set(configPath.rootKey, { secure: root?.secure ?? false, content });
    return undefined;
}

function coerceScalar(text: string): unknown {
    if (text === "true" || text === "false") {
        return text === "true";
    }
    return /^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

function typeProblem(fullKey: string, declaration: Declaration, content: unknown): string {
    const typeName = fullTypeName(declaration.type!, declaration.items);
    const got = typeof content === "string" ? `the string ${JSON.stringify(content)}` : JSON.stringify(content);
    let fix = "";
    if (declaration.type === "array" && typeof content === "string") {
        const parsed = parseJson(content);
        fix = Array.isArray(parsed)
            ? `; a quoted JSON array is a string to the CLI: write it as a YAML list, e.g. ${fullKey}: ${JSON.stringify(parsed)} without the quotes`
            : "; write it as a YAML list";
    }
    return `${fullKey}: must be ${allowedFor(declaration.type!, declaration.items)} (Pulumi.yaml declares type ${typeName}); got ${got}${fix}`;
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/**
 * A stack file's value as the CLI loads it: a scalar becomes its text; a list or map stays
 * structured, with `secure:` leaves replaced by marked placeholders, and a secure leaf makes the
 * whole value secure.
 */
function fromStackFile(fullKey: string, value: unknown): StackValue {
    if (isSecure(value)) {
        return { secure: true, content: securePlaceholder(fullKey) };
    }
    if (value === null || typeof value !== "object") {
        return { secure: false, content: value === null || value === undefined ? "" : String(value) };
    }
    const copy = (node: unknown): unknown => {
        if (isSecure(node)) {
            return new SecureLeaf(securePlaceholder(fullKey));
        }
        if (Array.isArray(node)) {
            return node.map(copy);
        }
        return typeof node === "object" && node !== null
            ? Object.fromEntries(Object.entries(node).map(([key, item]) => [key, copy(item)]))
            : node;
    };
    const content = copy(value);
    return { secure: containsSecure(content), content };
}

/** The stacks that have a stack file in the project directory. */
export function listStacks(directory: string): string[] {
    return fs
        .readdirSync(directory)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
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

/**
 * The program's entry as the Node.js language host finds it (pulumi/pulumi
 * `sdk/nodejs/cmd/run/run.ts`): `main` from Pulumi.yaml, else the nearest package.json's
 * `exports` or `main`, else the project directory; a directory then resolves as `require` does
 * (its package.json `main`, then `index`).
 */
function resolveEntry(directory: string, main: string | undefined, projectFile: string): string {
    const target = main ? path.resolve(directory, main) : (packageEntry(directory) ?? directory);
    const isDirectory = fs.existsSync(target) && fs.statSync(target).isDirectory();
    try {
        return require.resolve(isDirectory ? `${target}${path.sep}` : target);
    } catch {
        const source = main ? `main: ${main}` : "no main, so the project directory";
        throw new PlanInputError(
            `${projectFile}: no program entry at ${target} (${source}); allowed: a .ts or .js file, or a directory with an index.ts or index.js`,
        );
    }
}

function readPackageManifest(manifest: string): { exports?: unknown; main?: unknown } {
    try {
        return JSON.parse(fs.readFileSync(manifest, "utf8")) as { exports?: unknown; main?: unknown };
    } catch (error) {
        throw new PlanInputError(
            `${manifest}: not valid JSON (${(error as Error).message}); the language host reads the program's entry from it`,
        );
    }
}

/** The entry the nearest package.json names through `exports` or `main`, if it names one that exists. */
function packageEntry(directory: string): string | undefined {
    for (let root = directory; ; root = path.dirname(root)) {
        const manifest = path.join(root, "package.json");
        if (fs.existsSync(manifest)) {
            const { exports, main } = readPackageManifest(manifest);
            const dot = typeof exports === "object" && exports !== null ? (exports as Record<string, unknown>)["."] : exports;
            const conditional = typeof dot === "object" && dot !== null ? (dot as Record<string, unknown>) : undefined;
            const named = conditional
                ? (conditional.default ?? conditional.require ?? conditional.import)
                : exports !== undefined
                  ? dot
                  : main;
            const entry = typeof named === "string" ? path.join(root, named) : undefined;
            return entry && fs.existsSync(entry) ? entry : undefined;
        }
        if (path.dirname(root) === root) {
            return undefined;
        }
    }
}

/**
 * The secret keys this project's ESC environments supply (docs/runbooks/secret-rotation.md), the
 * optional ones too, which Pulumi.yaml cannot declare secret; offline they get marked placeholders.
 * Another project's environments are unknown: none.
 */
export function offlineEscSecretKeys(project: Project, repositoryRoot: string): string[] {
    return project.directory === repositoryRoot && project.name === PROJECT ? [...SECRET_KEYS].map((key) => `${PROJECT}:${key}`) : [];
}
