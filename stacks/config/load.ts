import * as pulumi from "@pulumi/pulumi";
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { projectConfigDeclarations, type ConfigDeclaration } from "./declarations";
import { ConfigError, stackFileName } from "./errors";
import { isOfflineEscPlaceholder } from "./offline";
import { ALL_KEYS, PROJECT, ROLES, SECRET_KEYS, keyDescription, roleSchemas, rolesUsingKey, type Role, type StackConfig } from "./schema";

/**
 * Config as Pulumi hands it to a program: keys of our namespace (without the `crypto-beacon:`
 * prefix) mapped to their string form, the keys whose value is secret, and the stack file that
 * holds them.
 */
export interface RawStackConfig {
    readonly stackFile: string;
    readonly values: Readonly<Record<string, string>>;
    readonly secretKeys: ReadonlySet<string>;
}

const declarations = projectConfigDeclarations();

/**
 * Validates a stack's raw config against the schema of its role. Throws one `ConfigError` that
 * lists every problem, each naming the key and what is allowed.
 */
export function parseStackConfig(raw: RawStackConfig): StackConfig {
    const problems: string[] = [];
    const values: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(raw.values)) {
        if (!(key in ALL_KEYS)) {
            problems.push(`${qualified(key)}: unknown key${suggestion(key)}`);
            continue;
        }
        values[key] = fromConfigString(text, declarations[key]);
    }

    const role = z.safeParse(ALL_KEYS.role, values.role, { reportInput: true });
    if (!role.success) {
        const problem =
            values.role === undefined ? `missing; every stack must set it; allowed: ${ROLES.join(", ")}` : role.error.issues[0].message;
        throw new ConfigError(raw.stackFile, [`${qualified("role")}: ${problem}`, ...problems]);
    }
    const stackRole = role.data as Role;
    const schema = roleSchemas[stackRole];

    for (const key of Object.keys(values)) {
        if (key in schema.shape) {
            if (values[key] === "" && declarations[key].default === "") {
                delete values[key]; // the CLI's injected empty default: not set
            }
            continue;
        }
        // The CLI injects every declared default, so a default here says nothing about intent;
        // nor does the offline planner's stand-in for a secret an ESC environment may hold.
        if (!isDeclaredDefault(key, raw.values[key]) && !isOfflineEscPlaceholder(raw.values[key])) {
            problems.push(`${qualified(key)}: not used by role "${stackRole}"; only by ${rolesUsingKey(key).join(", ")}`);
        }
        delete values[key];
    }

    for (const key of SECRET_KEYS) {
        if (values[key] !== undefined && !raw.secretKeys.has(key)) {
            problems.push(
                `${qualified(key)}: holds a plaintext value; a secret must be a secure: value ` +
                    `(pulumi config set --secret ${qualified(key)}) or come from an ESC environment`,
            );
        }
    }

    const result = schema.safeParse(values, { reportInput: true });
    if (!result.success) {
        problems.push(...result.error.issues.flatMap((issue) => describeIssue(issue, stackRole)));
    }
    if (problems.length > 0 || !result.success) {
        throw new ConfigError(raw.stackFile, problems);
    }
    return result.data;
}

/** Reads and validates the running stack's config, as the Pulumi engine supplied it. */
export function loadStackConfig(): StackConfig {
    const prefix = `${PROJECT}:`;
    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) {
            continue;
        }
        const key = fullKey.slice(prefix.length);
        values[key] = value;
        if (isConfigSecret(fullKey)) {
            secretKeys.add(key);
        }
    }
    return parseStackConfig({ stackFile: stackFileName(pulumi.getStack()), values, secretKeys });
}

/**
 * Whether the engine marked a config key secret. The SDK keeps this check internal (its own
 * `Config.get` uses it to warn about secrets); it is the only way to tell a `secure:` value from
 * plaintext inside a program, so we reach it through this one typed shim.
 */
function isConfigSecret(fullKey: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, typed by this shim
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };
    return runtimeConfig.isConfigSecret(fullKey);
}

/** Pulumi passes every top-level value as a string; read it back as its declared type. */
function fromConfigString(text: string, declaration: ConfigDeclaration): unknown {
    switch (declaration.type) {
        case "integer":
            return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
        case "boolean":
            return text === "true" ? true : text === "false" ? false : text;
        case "array":
            try {
                return JSON.parse(text);
            } catch {
                return text;
            }
        default:
            return text;
    }
}

function isDeclaredDefault(key: string, text: string | undefined): boolean {
    const declared = declarations[key].default;
    if (text === undefined || declared === undefined) {
        return false;
    }
    return text === (typeof declared === "string" ? declared : JSON.stringify(declared)) || text === String(declared);
}

function describeIssue(issue: z.core.$ZodIssue, role: Role): string[] {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => `${qualified(key)}: unknown key${suggestion(key)}`);
    }
    const key = String(issue.path[0] ?? "");
    if (issue.code === "invalid_type" && issue.input === undefined) {
        return [`${qualified(key)}: missing; role "${role}" requires it (${keyDescription(key)})`];
    }
    if (issue.code === "invalid_type") {
        return [`${qualified(key)}: ${issue.message}; got ${JSON.stringify(issue.input)}`];
    }
    return [`${qualified(key)}: ${issue.message}`];
}

function suggestion(key: string): string {
    const candidate = closest(key, Object.keys(ALL_KEYS));
    return distance(key.toLowerCase(), candidate.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3))
        ? `; did you mean ${qualified(candidate)}?`
        : `; allowed keys: ${Object.keys(ALL_KEYS).join(", ")}`;
}

function qualified(key: string): string {
    return `${PROJECT}:${key}`;
}
