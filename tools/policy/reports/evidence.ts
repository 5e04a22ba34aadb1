import { CONTROL_CATALOG } from "../../../policies/lib/catalog";
import { controlsFromTags, FRAMEWORKS, type Framework } from "../../../policies/lib/controls";
import { APPLIES_TO } from "../../../policies/lib/rules";
import type { PolicyInfo } from "../analyzer";
import { type PolicyCheck, type Violation } from "../runner";
import { htmlPage } from "./htmlPage";

/** A resource of the checked stacks, as the evidence lists it. */
export interface EvidenceResource {
    readonly urn: string;
    readonly type: string;
}

type Verdict = "pass" | "fail" | "advisory" | "exempted" | "manual" | "not covered";

interface RuleEvidence {
    readonly pack: string;
    readonly policy: PolicyInfo;
    readonly failed: readonly Violation[];
    readonly exempted: readonly Violation[];
    /** The resources it checked that it found nothing wrong with; for a stack rule, the stack. */
    readonly passed: readonly string[];
}

/**
 * The evidence report of one framework: every control in the catalog, the rules that cover it,
 * and each rule's verdict per resource (failed, exempted, passed); controls that no rule covers
 * are listed with the reason. Markdown for the repository, HTML for the auditor, from one text.
 */
export function renderEvidence(
    check: PolicyCheck,
    resources: readonly EvidenceResource[],
    framework: Framework,
    generatedAt: Date,
): { markdown: string; html: string } {
    const title = FRAMEWORKS[framework].title;
    const rules = check.packs.flatMap((pack) => pack.policies.map((policy) => ({ pack: pack.name, policy })));
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

    const rows: string[] = [];
    const sections: string[] = [];
    const counts: Record<Verdict, number> = { pass: 0, fail: 0, advisory: 0, exempted: 0, manual: 0, "not covered": 0 };
    for (const control of CONTROL_CATALOG[framework]) {
        const covering = rules
            .filter(({ policy }) => controlsFromTags(policy.tags).some((tag) => tag.framework === framework && tag.control === control.id))
            .map(({ pack, policy }) => evidenceOf(pack, policy));
        const verdict: Verdict =
            covering.length === 0
                ? control.manual
                    ? "manual"
                    : "not covered"
                : covering.some((rule) => rule.failed.some((violation) => violation.enforcementLevel !== "advisory"))
                  ? "fail"
                  : covering.some((rule) => rule.failed.length > 0)
                    ? "advisory"
                    : covering.some((rule) => rule.exempted.length > 0)
                      ? "exempted"
                      : "pass";
        counts[verdict] += 1;
        rows.push(`| [${control.id}](#${anchor(control.id)}) | ${cell(control.title)} | ${covering.length} | ${verdict} |`);
        sections.push(`<a id="${anchor(control.id)}"></a>`, "", `### ${control.id}`, "", control.title, "", `Verdict: **${verdict}**`, "");
        if (covering.length === 0) {
            sections.push(control.manual ? `No automated coverage: ${control.manual}.` : "No rule covers this control yet.", "");
            continue;
        }
        for (const rule of covering) {
            sections.push(
                `- \`${rule.pack}/${rule.policy.name}\` (${rule.policy.severity}, ${rule.policy.enforcementLevel}): ${rule.policy.description}`,
            );
            for (const violation of rule.failed) {
                sections.push(`  - fail (${violation.enforcementLevel}): ${violation.urn || "the stack"}: ${violation.message}`);
            }
            for (const violation of rule.exempted) {
                sections.push(`  - exempted: ${violation.urn || "the stack"}: ${violation.message}`);
            }
            sections.push(`  - pass: ${passedResources(rule.passed)}`);
        }
        sections.push("");
    }

    const markdown = [
        `# ${title} evidence: ${check.stack}`,
        "",
        `Generated ${generatedAt.toISOString()} by \`npm run policy -- --evidence\` from the offline plan of ${check.resourceCount} resources,`,
        // In code spans: Markdown would otherwise link name@version as an email address.
        `checked by ${check.packs.map((pack) => `\`${pack.name}@${pack.version}\``).join(", ")}. Control titles are paraphrased; the framework's text is authoritative.`,
        "",
        `Controls: ${CONTROL_CATALOG[framework].length}. ${(Object.keys(counts) as Verdict[]).map((verdict) => `${verdict}: ${counts[verdict]}`).join(", ")}.`,
        "",
        "| control | title | rules | verdict |",
        "|---|---|---|---|",
        ...rows,
        "",
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
