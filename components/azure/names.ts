import { createHash } from "node:crypto";

/** An Azure API's rule for a name that admits letters and digits only. */
export interface AlphanumericNameRule {
    readonly minLength: number;
    readonly maxLength: number;
    readonly pattern: RegExp;
    /** The rule in words, for error messages. */
    readonly allowed: string;
}

/**
 * Storage account and container registry names are global DNS labels, and Azure allows them
 * letters and digits only (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
 * azure-native's auto-name (logical name plus 8 characters, uncleaned) keeps the hyphens of our
 * logical names, so these resources need explicit names.
 */
export const STORAGE_ACCOUNT_NAME: AlphanumericNameRule = {
    minLength: 3,
    maxLength: 24,
    pattern: /^[a-z0-9]+$/,
    allowed: "3-24 lowercase letters and digits",
};
export const CONTAINER_REGISTRY_NAME: AlphanumericNameRule = {
    minLength: 5,
    maxLength: 50,
    pattern: /^[a-zA-Z0-9]+$/,
    allowed: "5-50 letters and digits",
};

const HASH_LENGTH = 6;

/**
 * A deterministic name within `rule` from the given parts (e.g. the logical name and the stack):
 * their letters and digits, lowercased; when too long, cut and ended with a hash of the whole,
 * so that two stacks whose names share a long prefix still differ.
 */
export function alphanumericName(parts: readonly string[], rule: AlphanumericNameRule): string {
    const joined = parts
        .join("")
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "");
    if (joined.length <= rule.maxLength) {
        return joined;
    }
    const hash = createHash("sha256").update(joined).digest("hex").slice(0, HASH_LENGTH);
    return `${joined.slice(0, rule.maxLength - HASH_LENGTH)}${hash}`;
}

/** Whether `name` satisfies `rule`. */
export function satisfies(name: string, rule: AlphanumericNameRule): boolean {
    return name.length >= rule.minLength && name.length <= rule.maxLength && rule.pattern.test(name);
}
