import type { EnforcementLevel } from "@pulumi/policy";
import { allRules, type RegisteredRule } from "../../policies/lib/registry";
import { StackIndex } from "../../policies/lib/rules";
import type { PlannedResource } from "../../tools/plan/planner";
import { policyResources } from "../../tools/policy/policyResources";

/** A finding of one rule, with the level the pack gives it. */
export interface Finding {
    readonly rule: string;
    readonly message: string;
    readonly urn?: string;
    readonly enforcementLevel: EnforcementLevel;
}

/**
 * Every registered rule (or those given) over a plan's resources, as pure functions: what the
 * packs would report, without exemptions and with each rule's own level (the packs default to
 * mandatory). `config` is per rule, over each schema's defaults.
 */
export function evaluateRules(
    planned: readonly PlannedResource[],
    config: Readonly<Record<string, Record<string, unknown>>> = {},
    rules: readonly RegisteredRule[] = allRules(),
): Finding[] {
    const byResource = StackIndex.of(policyResources(planned, "inputs"));
    const byStack = StackIndex.of(policyResources(planned, "outputs"));
    return rules.flatMap(({ rule }) =>
        rule
            .evaluate("validateStack" in rule.policy ? byStack : byResource, config[rule.name] ?? {})
            .map((finding) => ({ rule: rule.name, ...finding, enforcementLevel: rule.info.enforcementLevel ?? "mandatory" })),
    );
}

/** The distinct rules with findings. */
export function firingRules(findings: readonly Finding[]): string[] {
    return [...new Set(findings.map((finding) => finding.rule))].sort();
}

/** Freezes a plan's resources all the way down, so that a test sharing them cannot edit them. */
export function frozen<T>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        Object.values(value).forEach(frozen);
    }
    return value;
}
