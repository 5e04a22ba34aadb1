import * as fs from "node:fs";
import * as path from "node:path";
import type { Policies } from "@pulumi/policy";
import { FRAMEWORKS, type Framework } from "./controls";
import { decodeEachRequestOnce } from "./decoding";
import { Rule, type PackName } from "./rules";

/** The folder whose modules hold every rule, filed as `<provider>/<service>.ts`. */
export const RULES_DIRECTORY = path.resolve(__dirname, "..", "rules");

/** A rule with the metadata packs and reports select it by. */
export interface RegisteredRule {
    readonly rule: Rule<Record<string, unknown>>;
    readonly pack: PackName;
    /** The folder it is filed in: aws, azure, cloudflare, kubernetes, atlas, platform (cross-provider), intent. */
    readonly provider: string;
    /** The file it is filed in: s3, storage, pods, ... */
    readonly service: string;
    /** The frameworks whose controls it covers; empty for a best-practice rule. */
    readonly frameworks: readonly Framework[];
}

export interface RuleSelector {
    readonly pack?: PackName;
    readonly provider?: string;
    readonly service?: string;
    readonly framework?: Framework;
}

// Compiled packs run .js files, ts-node runs .ts: load the modules of the kind this one is.
const MODULE_EXTENSION = path.extname(__filename);

function ruleModules(directory: string): string[] {
    return fs
        .readdirSync(directory, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((entry) => {
            const file = path.join(directory, entry.name);
            if (entry.isDirectory()) {
                return ruleModules(file);
            }
            return entry.name.endsWith(MODULE_EXTENSION) && !entry.name.endsWith(`.d${MODULE_EXTENSION}`) ? [file] : [];
        });
}

let registered: readonly RegisteredRule[] | undefined;

/**
 * Every rule: each `Rule` exported by a module under policies/rules, with its provider and
 * service read from where the module is filed. Adding a rule is adding an export to one file.
 * Throws when two rules share a name, since reports and exemptions address rules by name.
 */
export function allRules(directory: string = RULES_DIRECTORY): readonly RegisteredRule[] {
    if (directory === RULES_DIRECTORY && registered) {
        return registered;
    }
    const rules: RegisteredRule[] = [];
    const seen = new Map<string, string>();
    for (const file of ruleModules(directory)) {
        const [provider, ...rest] = path.relative(directory, file).slice(0, -MODULE_EXTENSION.length).split(path.sep);
        const service = rest.length > 0 ? rest.join("/") : provider;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the registry loads every rule module it finds
        const exports = require(file) as Record<string, unknown>;
        // By name within a module: the order of a module's exports is the transpiler's (tsx sorts
        // them, the packs' build keeps the source's), and packs, tests and reports must agree.
        const moduleRules = Object.values(exports)
            .filter((value): value is Rule<unknown> => value instanceof Rule)
            .sort((a, b) => a.name.localeCompare(b.name));
        for (const value of moduleRules) {
            const where = path.relative(directory, file);
            const earlier = seen.get(value.name);
            if (earlier) {
                throw new Error(
                    `policies/rules/${where}: rule ${value.name} is already defined in policies/rules/${earlier}; rule names must be unique`,
                );
            }
            seen.set(value.name, where);
            const controls = value.info.controls;
            const frameworks =
                controls === "best-practice"
                    ? []
                    : (Object.keys(FRAMEWORKS) as Framework[]).filter((framework) => (controls[framework] ?? []).length > 0);
            rules.push({ rule: value as unknown as Rule<Record<string, unknown>>, pack: value.info.pack, provider, service, frameworks });
        }
    }
    if (directory === RULES_DIRECTORY) {
        registered = rules;
    }
    return rules;
}

/** The rules that match every given field of the selector. */
export function selectRules(selector: RuleSelector, rules: readonly RegisteredRule[] = allRules()): RegisteredRule[] {
    return rules.filter(
        (entry) =>
            (selector.pack === undefined || entry.pack === selector.pack) &&
            (selector.provider === undefined || entry.provider === selector.provider) &&
            (selector.service === undefined || entry.service === selector.service) &&
            (selector.framework === undefined || entry.frameworks.includes(selector.framework)),
    );
}

/**
 * A pack's policies: the rules whose metadata names the pack. The pack's server then decodes each
 * resource once per request, not once per policy (./decoding.ts).
 */
export function packPolicies(pack: PackName): Policies {
    decodeEachRequestOnce();
    return selectRules({ pack }).map((entry) => entry.rule.policy);
}
