import type { DrillReport } from "./drill";

/** The drill report as Markdown, for the DR evidence folder and the change ticket. */
export function renderDrillMarkdown(report: DrillReport): string {
    const seconds = (value: number | null) => (value === null ? "not reached" : `${value} s`);
    const lines = [
        `# DR drill: ${report.stack}, ${report.from} -> ${report.to} (${report.mode})`,
        "",
        `- Outcome: **${report.outcome}**`,
        `- Started ${report.startedAt}, ended ${report.endedAt}`,
        `- Measured RTO (switch start to the target serving steadily): ${seconds(report.measured.rtoSec)}`,
        `- Failover detection by the edge's monitors (configured worst case, not measured): ${report.configured.detectionSec} s`,
        `- RPO (derived, not measured): ${seconds(report.derived.rpo.rpoSec)}. ${report.derived.rpo.evidence}`,
        "",
        "## Steps",
        "",
        "| Step | Started | Duration | Outcome | Detail |",
        "|---|---|---|---|---|",
        ...report.steps.map(
            (step) =>
                `| ${step.name} | ${step.startedAt} | ${step.durationMs} ms | ${step.outcome} | ${step.detail.replace(/\|/g, "\\|")} |`,
        ),
        "",
        "## Targets",
        "",
        // Only what this drill timed goes under "Measured"; the rest says where it comes from.
        "| Target | Limit | Measured | Configured or derived | Verdict |",
        "|---|---|---|---|---|",
        ...report.verdicts.map((verdict) => {
            const value = seconds(verdict.value);
            const [measured, otherwise] = verdict.basis === "measured" ? [value, "-"] : ["-", `${value} (${verdict.basis})`];
            return `| ${verdict.target} | ${verdict.limit} s | ${measured} | ${otherwise} | ${verdict.passed ? "pass" : "FAIL"} |`;
        }),
    ];
    if (report.notes.length > 0) {
        lines.push("", "## Notes", "", ...report.notes.map((note) => `- ${note}`));
    }
    return `${lines.join("\n")}\n`;
}
