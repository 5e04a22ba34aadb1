import { blockingViolations, policyOf, type PolicyCheck } from "../runner";
import { controlsText, SEVERITY_ORDER, status } from "./console";

/** A summary for a pull-request comment. */
export function renderMarkdown(check: PolicyCheck): string {
    const blocking = blockingViolations(check).length;
    const lines = [
        `### Policy check of \`${check.stack}\`: ${blocking > 0 ? `❌ ${blocking} mandatory violation(s)` : "✅ passed"}`,
        "",
        `${check.resourceCount} resources checked by ${check.packs.map((pack) => `\`${pack.name}@${pack.version}\``).join(", ")}.`,
        "",
    ];
    if (check.violations.length === 0) {
        lines.push("No findings.");
        return lines.join("\n");
    }
    lines.push("| severity | status | policy | resource | finding | fix | controls |", "|---|---|---|---|---|---|---|");
    const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
    for (const severity of SEVERITY_ORDER) {
        for (const violation of check.violations.filter((candidate) => candidate.severity === severity)) {
            const policy = policyOf(check, violation);
            const resource = violation.urn ? `\`${violation.urn.split("::").pop()}\`` : "(stack)";
            lines.push(
                `| ${severity} | ${status(violation)} | \`${violation.pack}/${violation.policy}\` | ${resource} | ${cell(violation.message)} | ${cell(policy?.remediationSteps ?? "")} | ${cell(controlsText(policy?.tags ?? []))} |`,
            );
        }
    }
    return lines.join("\n");
}
