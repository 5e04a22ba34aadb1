import { z } from "zod";
import { ALL_KEYS, ROLES, SECRET_KEYS, keyDescription, rolesUsingKey } from "./schema";

/** A key as `Pulumi.yaml` declares it (the CLI's project config type declaration). */
export interface ConfigDeclaration {
    type: "string" | "integer" | "boolean" | "array";
    description: string;
    default?: string | number | boolean | string[];
    items?: { type: "string" | "integer" | "boolean" };
    secret?: true;
}

/**
 * The `config:` section of `Pulumi.yaml`, derived from the schema.
 *
 * The CLI injects a declared default into every stack that does not set the key, and treats a
 * key declared without a default as required in every stack. So only keys that every role needs
 * go without a default; a key that some roles require and others don't use is declared with the
 * empty default `""`, which the loader reads as "not set". Only the secrets every role needs are
 * declared `secret: true`.
 */
export function projectConfigDeclarations(): Record<string, ConfigDeclaration> {
    const declarations: Record<string, ConfigDeclaration> = {};
    for (const [key, schema] of Object.entries(ALL_KEYS)) {
        const json = z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) as {
            type?: string;
            items?: { type?: string };
            default?: ConfigDeclaration["default"];
        };
        const type = json.type as ConfigDeclaration["type"];
        const declaration: ConfigDeclaration = { type, description: keyDescription(key) };
        if (json.items?.type) {
            declaration.items = { type: json.items.type as "string" };
        }
        if (json.default !== undefined) {
            declaration.default = json.default;
        } else if (rolesUsingKey(key).length < ROLES.length) {
            declaration.default = "";
        }
        // The CLI injects a default as plaintext and then refuses plaintext for a `secret: true`
        // key (pulumi/pulumi pkg/workspace/config.go, mergeConfig and validateStackConfigValue),
        // so a secret that some roles do without cannot be declared secret: `load.ts` refuses a
        // plaintext value for it instead.
        if (SECRET_KEYS.has(key) && declaration.default === undefined) {
            declaration.secret = true;
        }
        declarations[key] = declaration;
    }
    return declarations;
}
