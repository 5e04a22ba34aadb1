import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { EXEMPTED_VIOLATIONS_POLICY, EXPIRED_EXEMPTIONS_POLICY, type Exemption } from "../../../policies/lib/exemptions";
import type { PolicyConfigFile } from "../config";
import type { PolicyCheck, Violation } from "../runner";

/** The commit a report was made from; `dirty` when the work tree differs from it. */
export interface SourceCommit {
    readonly sha: string;
    readonly dirty: boolean;
}

/** What a report was made from, so that an auditor can reproduce it. */
export interface EvidenceProvenance {
    /** Undefined outside a git checkout (e.g. an unpacked release). */
    readonly commit: SourceCommit | undefined;
    /** Each checked stack's policy config; undefined where the stack has none (the packs' defaults). */
    readonly policyConfigs: readonly { readonly stack: string; readonly config: PolicyConfigFile | undefined }[];
    readonly exemptions: { readonly file: string; readonly entries: readonly Exemption[] };
    /** Paths in the report are shown relative to this directory. */
    readonly root: string;
}

/** The checkout's HEAD and whether anything tracked or untracked differs from it. */
export function readCommit(root: string): SourceCommit | undefined {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    try {
        return { sha: git("rev-parse", "HEAD").trim(), dirty: git("status", "--porcelain").trim() !== "" };
    } catch {
        return undefined;
    }
}

export type ExemptionStatus = "applied" | "stale" | "expired" | "not for these stacks";

export interface ExemptionUse {
    readonly exemption: Exemption;
    readonly status: ExemptionStatus;
    /** The violations it excused. */
    readonly excused: readonly Violation[];
}

/**
 * What each exemption did in this check, read from what the packs reported: the violations it
 * excused, or the packs' stale or expired report of it. The packs describe an exemption as
 * "owner <owner>, until <date>: <reason>" and name it "<policy> on <resource>"
 * (policies/lib/exemptions.ts); an entry whose stacks were not checked has no report.
 */
export function exemptionUses(exemptions: readonly Exemption[], violations: readonly Violation[]): ExemptionUse[] {
    return exemptions.map((exemption) => {
        const description = `(owner ${exemption.owner}, until ${exemption.expires}: ${exemption.reason})`;
        const named = `${exemption.policy} on ${exemption.resource} `;
        const excused = violations.filter(
            (violation) => violation.exempted && violation.policy === exemption.policy && violation.message.endsWith(description),
        );
        const reported = (policy: string, prefix: string) =>
            violations.some(
                (violation) =>
                    !violation.exempted &&
                    violation.policy === policy &&
                    violation.message.startsWith(prefix) &&
                    violation.message.endsWith(description),
            );
        const status: ExemptionStatus =
            excused.length > 0
                ? "applied"
                : reported(EXPIRED_EXEMPTIONS_POLICY, `exemption for ${named}expired`)
                  ? "expired"
                  : reported(EXEMPTED_VIOLATIONS_POLICY, `stale exemption: ${named}`)
                    ? "stale"
                    : "not for these stacks";
        return { exemption, status, excused };
    });
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The report's "Provenance" section, in Markdown. */
export function renderProvenance(provenance: EvidenceProvenance, check: Pick<PolicyCheck, "violations">): string[] {
    const relative = (file: string) => path.relative(provenance.root, path.resolve(file)) || file;
    const { commit } = provenance;
    const lines = [
        "## Provenance",
        "",
        commit
            ? `Commit \`${commit.sha}\`${commit.dirty ? ", with uncommitted changes: the report may not match the commit" : ", clean work tree"}.`
            : "Commit: unknown (not a git checkout).",
        "",
        "Policy config per stack:",
        "",
    ];
    for (const { stack, config } of provenance.policyConfigs) {
        if (!config) {
            lines.push(`- \`${stack}\`: none; every policy at its pack's level and defaults`);
            continue;
        }
        const entries = Object.entries(config.entries);
        lines.push(
            `- \`${stack}\`: \`${relative(config.file)}\`${entries.length === 0 ? " (empty)" : ""}`,
            ...entries.map(([policy, value]) => `  - \`${policy}\`: \`${JSON.stringify(value)}\``),
        );
    }
    const uses = exemptionUses(provenance.exemptions.entries, check.violations);
    lines.push("", `Exemptions: \`${relative(provenance.exemptions.file)}\`, ${uses.length} entr${uses.length === 1 ? "y" : "ies"}.`, "");
    if (uses.length > 0) {
        lines.push("| policy | resources | owner | expires | status | excused |", "|---|---|---|---|---|---|");
        for (const { exemption, status, excused } of uses) {
            lines.push(
                `| \`${exemption.policy}\` | \`${cell(exemption.resource)}\` | ${cell(exemption.owner)} | ${exemption.expires} | ${status} | ${excused.length} |`,
            );
        }
        lines.push("");
    }
    return lines;
}
