import { CONTROL_CATALOG } from "../../../policies/lib/catalog";
import { controlsFromTags, FRAMEWORKS, type Framework } from "../../../policies/lib/controls";
import { APPLIES_TO } from "../../../policies/lib/rules";
import type { PolicyInfo } from "../analyzer";
import { type PolicyCheck, type Violation } from "../runner";
import { htmlPage } from "./htmlPage";
import { renderProvenance, type EvidenceProvenance } from "./provenance";

/** A resource of the checked stacks, as the evidence lists it. */
export interface EvidenceResource {
    readonly urn: string;
    readonly type: string;
}

export type Verdict = "pass" | "fail" | "advisory" | "exempted" | "manual" | "not covered";

export interface RuleEvidence {
    readonly pack: string;
    readonly policy: PolicyInfo;
    readonly failed: readonly Violation[];
    readonly exempted: readonly Violation[];
    /** The resources it checked that it found nothing wrong with; for a stack rule, the stack. */
    readonly passed: readonly string[];
}

/** Every policy the check ran, with its verdict per resource. */
export function rulesEvidence(check: PolicyCheck, resources: readonly EvidenceResource[]): RuleEvidence[] {
    const evidenceOf = (pack: string, policy: PolicyInfo): RuleEvidence => {
        const findings = check.violations.filter((violation) => violation.pack === pack && violation.policy === policy.name);
        const failed = findings.filter((violation) => !violation.exempted);
        const exempted = findings.filter((violation) => violation.exempted);
        const flagged = new Set(findings.map((violation) => violation.urn));
        const types = policy.tags.filter((tag) => tag.startsWith(APPLIES_TO)).map((tag) => tag.slice(APPLIES_TO.length));
        const passed =
            policy.kind === "stack"
                ? findings.length === 0
                    ? [`stack ${check.stack}`]
                    : []
                : resources
                      .filter((resource) => (types.includes("*") || types.includes(resource.type)) && !flagged.has(resource.urn))
                      .map((resource) => resource.urn);
        return { pack, policy, failed, exempted, passed };
    };
    return check.packs.flatMap((pack) => pack.policies.map((policy) => evidenceOf(pack.name, policy)));
}

/** A control's verdict from the rules that cover it: the worst of them, "not covered" when none does. */
export function verdictOf(covering: readonly RuleEvidence[]): Exclude<Verdict, "manual"> {
    return covering.length === 0
        ? "not covered"
        : covering.some((rule) => rule.failed.some((violation) => violation.enforcementLevel !== "advisory"))
          ? "fail"
          : covering.some((rule) => rule.failed.length > 0)
            ? "advisory"
            : covering.some((rule) => rule.exempted.length > 0)
              ? "exempted"
              : "pass";
}

/** A rule's findings and passes, as the evidence lists them under a control. */
export function ruleEvidenceLines(rule: RuleEvidence): string[] {
    return [
        `- \`${rule.pack}/${rule.policy.name}\` (${rule.policy.severity}, ${rule.policy.enforcementLevel}): ${rule.policy.description}`,
        ...rule.failed.map(
            (violation) => `  - fail (${violation.enforcementLevel}): ${violation.urn || "the stack"}: ${violation.message}`,
        ),
        ...rule.exempted.map((violation) => `  - exempted: ${violation.urn || "the stack"}: ${violation.message}`),
        `  - pass: ${passedResources(rule.passed)}`,
    ];
}

/** The line under a report's title: when, by what, from how many resources. */
export function generatedLine(check: PolicyCheck, generatedAt: Date): string {
    return [
        `Generated ${generatedAt.toISOString()} by \`npm run policy -- --evidence\` from the offline plan of ${check.resourceCount} resources,`,
        // In code spans: Markdown would otherwise link name@version as an email address.
        `checked by ${check.packs.map((pack) => `\`${pack.name}@${pack.version}\``).join(", ")}.`,
    ].join("\n");
}

/**
 * The evidence report of one framework: every control in the catalog, the rules that cover it,
 * and each rule's verdict per resource (failed, exempted, passed); controls that no rule covers
 * are listed with the reason; then what the report was made from (commit, policy config,
 * exemptions). Markdown for the repository, HTML for the auditor, from one text.
 */
export function renderEvidence(
    check: PolicyCheck,
    resources: readonly EvidenceResource[],
    framework: Framework,
    generatedAt: Date,
    provenance: EvidenceProvenance,
): { markdown: string; html: string } {
    const title = FRAMEWORKS[framework].title;
    const rules = rulesEvidence(check, resources);
    const rows: string[] = [];
    const sections: string[] = [];
    const counts: Record<Verdict, number> = { pass: 0, fail: 0, advisory: 0, exempted: 0, manual: 0, "not covered": 0 };
    for (const control of CONTROL_CATALOG[framework]) {
        const covering = rules.filter(({ policy }) =>
            controlsFromTags(policy.tags).some((tag) => tag.framework === framework && tag.control === control.id),
        );
        const verdict: Verdict = covering.length === 0 && control.manual ? "manual" : verdictOf(covering);
        counts[verdict] += 1;
        rows.push(`| [${control.id}](#${anchor(control.id)}) | ${cell(control.title)} | ${covering.length} | ${verdict} |`);
        sections.push(`<a id="${anchor(control.id)}"></a>`, "", `### ${control.id}`, "", control.title, "", `Verdict: **${verdict}**`, "");
        if (covering.length === 0) {
            sections.push(
                control.manual
                    ? `No automated coverage: ${control.manual}.`
                    : "No rule of the packs in this check covers it: its rules belong to a pack left out of the run.",
                "",
            );
            continue;
        }
        sections.push(...covering.flatMap(ruleEvidenceLines), "");
    }

    const markdown = [
        `# ${title} evidence: ${check.stack}`,
        "",
        `${generatedLine(check, generatedAt)} Control titles are paraphrased; the framework's text is authoritative.`,
        "",
        `Controls: ${CONTROL_CATALOG[framework].length}. ${(Object.keys(counts) as Verdict[]).map((verdict) => `${verdict}: ${counts[verdict]}`).join(", ")}.`,
        "",
        "| control | title | rules | verdict |",
        "|---|---|---|---|",
        ...rows,
        "",
        ...renderProvenance(provenance, check),
        "## Controls",
        "",
        ...sections,
    ].join("\n");
    const html = htmlPage(`${title} evidence: ${check.stack}`, markdown, 70);
    return { markdown: `${markdown}\n`, html };
}

/** A rule's passing resources listed up to this many; beyond, counted by type so that a page of URNs does not bury the verdicts. */
const LISTED_PASSES = 8;

function passedResources(urns: readonly string[]): string {
    if (urns.length === 0) {
        return "none";
    }
    if (urns.length <= LISTED_PASSES) {
        return urns.map((urn) => `\`${urn}\``).join(", ");
    }
    const byType = new Map<string, number>();
    for (const urn of urns) {
        const type = urn.split("::")[2]?.split("$").pop() ?? urn;
        byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    return `${urns.length} resources: ${[...byType].map(([type, count]) => `${count} \`${type}\``).join(", ")}`;
}

function anchor(id: string): string {
    return id.toLowerCase().replace(/[^a-z0-9]+/g, "");
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|");
}
