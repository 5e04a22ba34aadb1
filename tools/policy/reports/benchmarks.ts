import { BENCHMARKS, type Benchmark, type BenchmarkControl } from "../../../policies/lib/benchmarks";
import type { PolicyCheck } from "../runner";
import { generatedLine, ruleEvidenceLines, rulesEvidence, verdictOf, type EvidenceResource, type RuleEvidence } from "./evidence";
import { htmlPage } from "./htmlPage";
import { renderProvenance, type EvidenceProvenance } from "./provenance";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The anchor of a control's section: benchmark and id, since ids repeat across benchmarks (5.2.1). */
function anchor(benchmark: string, id: string): string {
    return `${benchmark}-${id}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

/**
 * Coverage of the benchmarks a security reviewer holds infrastructure code to
 * (policies/lib/benchmarks.ts), with this check's verdicts: per control its id, title and
 * covering rules with their findings, or the reason no rule covers it; then what the report was
 * made from. A covering rule the packs did not run counts as missing, so a pack left out of the
 * run cannot pass its controls.
 */
export function renderBenchmarks(
    check: PolicyCheck,
    resources: readonly EvidenceResource[],
    generatedAt: Date,
    provenance: EvidenceProvenance,
): { markdown: string; html: string } {
    const rules = rulesEvidence(check, resources);
    const byName = new Map<string, RuleEvidence>(rules.map((rule) => [rule.policy.name, rule]));
    const summary: string[] = ["| benchmark | controls | covered | not covered, with a reason |", "|---|---|---|---|"];
    const sections: string[] = [];
    for (const [name, benchmark] of Object.entries(BENCHMARKS) as [string, Benchmark][]) {
        const controls: readonly BenchmarkControl[] = benchmark.controls;
        const covered = controls.filter((control) => control.rules !== undefined).length;
        summary.push(
            `| [${cell(benchmark.title)}](#${anchor(name, "")}) | ${controls.length} | ${covered} | ${controls.length - covered} |`,
        );
        sections.push(
            `<a id="${anchor(name, "")}"></a>`,
            "",
            `## ${benchmark.title}`,
            "",
            `Ids and titles checked against: ${benchmark.source}.`,
            "",
            "| control | title | rules | verdict |",
            "|---|---|---|---|",
        );
        const details: string[] = [];
        for (const control of controls) {
            const names = control.rules ?? [];
            const ran = names.flatMap((rule) => byName.get(rule) ?? []);
            const missing = names.filter((rule) => !byName.has(rule));
            const verdict = names.length === 0 ? "not covered" : missing.length > 0 ? "rule not run" : verdictOf(ran);
            sections.push(
                `| [${cell(control.id)}](#${anchor(name, control.id)}) | ${cell(control.title)} | ${names.map((rule) => `\`${rule}\``).join(", ") || "none"} | ${verdict} |`,
            );
            details.push(`<a id="${anchor(name, control.id)}"></a>`, "", `### ${control.id}`, "", control.title, "");
            if (control.reason !== undefined) {
                details.push(`Not covered: ${control.reason}.`, "");
                continue;
            }
            details.push(`Verdict: **${verdict}**`, "");
            if (control.scope !== undefined) {
                details.push(`The rules check ${control.scope}.`, "");
            }
            details.push(
                ...ran.flatMap(ruleEvidenceLines),
                ...missing.map((rule) => `- \`${rule}\`: not run by the packs of this check`),
                "",
            );
        }
        sections.push("", ...details);
    }
    const title = `Benchmark coverage: ${check.stack}`;
    const markdown = [
        `# ${title}`,
        "",
        `${generatedLine(check, generatedAt)} Control titles are short paraphrases unless a benchmark's source below says they are quoted; each benchmark's own text is authoritative.`,
        "",
        ...summary,
        "",
        ...renderProvenance(provenance, check),
        ...sections,
    ].join("\n");
    return { markdown: `${markdown}\n`, html: htmlPage(title, markdown, 80) };
}
