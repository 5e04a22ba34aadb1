import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import type { EnforcementLevel, PackInfo, PolicyConfig } from "./analyzer";
import { PolicyInputError } from "./packProcess";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** A policy config file in the CLI's `--policy-pack-config` format, parsed. */
export interface PolicyConfigFile {
    readonly file: string;
    readonly entries: Readonly<Record<string, PolicyConfig>>;
    /**
     * The repository's file for the stack, taken because none was given: it configures the packs
     * that take config, as the workflows pass it to ours, and is not given to a pack that takes
     * none, which the Pulumi CLI would refuse it for.
     */
    readonly stackDefault?: boolean;
}

/** The repository's config file of a stack, where one exists. */
export function stackPolicyConfigFile(stack: string): string {
    return path.resolve(__dirname, "..", "..", "policies", "config", `${stack}.json`);
}

/**
 * Reads a `--policy-pack-config` file as the CLI does: each key is a policy name or "all"; each
 * value an enforcement level, or an object with an optional `enforcementLevel` and the policy's
 * config properties.
 */
export function readPolicyConfigFile(file: string): PolicyConfigFile {
    const name = path.relative(process.cwd(), file) || file;
    let json: unknown;
    try {
        json = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new PolicyInputError(
            `${name}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not valid JSON: ${(error as Error).message}`}`,
        );
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
        throw new PolicyInputError(`${name}: must be a JSON object keyed by policy name or "all"`);
    }
    const entries: Record<string, PolicyConfig> = {};
    for (const [policy, value] of Object.entries(json)) {
        if (typeof value === "string") {
            entries[policy] = { enforcementLevel: level(name, policy, value) };
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            entries[policy] = {
                enforcementLevel: enforcementLevel === undefined ? undefined : level(name, policy, enforcementLevel),
                properties,
            };
        } else {
            throw new PolicyInputError(
                `${name}: ${policy}: must be an enforcement level or an object; allowed levels: ${LEVELS.join(", ")}`,
            );
        }
    }
    return { file: name, entries };
}

function level(file: string, policy: string, value: unknown): EnforcementLevel {
    if (typeof value !== "string" || !LEVELS.includes(value as EnforcementLevel)) {
        throw new PolicyInputError(
            `${file}: ${policy}: enforcementLevel ${JSON.stringify(value)} is not allowed; allowed: ${LEVELS.join(", ")}`,
        );
    }
    return value as EnforcementLevel;
}

const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * Reconciles a pack's config as the engine does (ReconcilePolicyPackConfig): each policy's own
 * level and its schema's defaults, then the pack's initial config, then the file; "all" sets the
 * level of every policy. Then validates each policy's properties against its config schema.
 */
export function reconcilePolicyConfig(pack: PackInfo, file: PolicyConfigFile | undefined): Record<string, PolicyConfig> {
    const result: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> = {};
    for (const policy of pack.policies) {
        const defaults = Object.entries(policy.configSchema?.properties ?? {})
            .filter(([, schema]) => "default" in schema)
            .map(([key, schema]) => [key, schema.default]);
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties: Object.fromEntries(defaults) };
    }
    const apply = (config: Readonly<Record<string, PolicyConfig>>) => {
        const all = config.all?.enforcementLevel;
        if (all) {
            Object.values(result).forEach((policy) => (policy.enforcementLevel = all));
        }
        for (const [policy, given] of Object.entries(config)) {
            const target = result[policy];
            // Entries for other packs' policies are the other packs' business, as in the engine.
            if (!target || policy === "all") {
                continue;
            }
            target.enforcementLevel = given.enforcementLevel ?? target.enforcementLevel;
            Object.assign(target.properties, given.properties);
        }
    };
    apply(pack.initialConfig);
    if (file) {
        apply(file.entries);
    }

    const problems: string[] = [];
    for (const policy of pack.policies) {
        if (!policy.configSchema) {
            continue;
        }
        const validate = ajv.compile({
            type: "object",
            properties: policy.configSchema.properties,
            required: policy.configSchema.required,
        });
        if (!validate(result[policy.name].properties)) {
            for (const error of validate.errors ?? []) {
                const key =
                    error.instancePath.split("/")[1] ?? (error.params as { missingProperty?: string }).missingProperty ?? "(config)";
                problems.push(
                    `pack ${pack.name}, policy ${policy.name}, key ${key}: ${error.message ?? "is invalid"}${error.instancePath.split("/").length > 2 ? ` (at ${error.instancePath})` : ""}`,
                );
            }
        }
    }
    if (problems.length > 0) {
        throw new PolicyInputError(
            `${file?.file ?? "policy config"}: invalid policy config\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
        );
    }
    return result;
}
