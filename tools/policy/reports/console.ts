import { controlsFromTags, FRAMEWORKS } from "../../../policies/lib/controls";
import { APPLIES_TO } from "../../../policies/lib/rules";
import { PLAIN, shortTypeName, type Paint } from "../../cli";
import { blockingViolations, policyOf, type PolicyCheck, type Violation } from "../runner";

export const SEVERITY_ORDER = ["critical", "high", "medium", "low", "unspecified"] as const;

/** Controls of a policy as "PCI DSS 4.0 1.3.1, SOC 2 CC6.6"; or its tags when it maps none. */
export function controlsText(tags: readonly string[]): string {
    const controls = controlsFromTags(tags);
    if (controls.length === 0) {
        return tags.filter((tag) => !tag.startsWith(APPLIES_TO)).join(", ") || "none";
    }
    return controls.map(({ framework, control }) => `${FRAMEWORKS[framework].title} ${control}`).join(", ");
}

/** The status word of a violation: what it does to the run. */
export function status(violation: Violation): string {
    if (violation.exempted) {
        return "EXEMPTED";
    }
    return violation.enforcementLevel === "mandatory" || violation.enforcementLevel === "remediate" ? "MANDATORY" : "ADVISORY";
}

/** How a terminal shows each status word. */
const STATUS_STYLE: Record<string, Parameters<Paint>[0]> = { MANDATORY: ["red", "bold"], ADVISORY: "yellow", EXEMPTED: "dim" };

/** The readable report: findings grouped by severity, each with its resource, fix and controls. */
export function renderConsole(check: PolicyCheck, paint: Paint = PLAIN): string {
    const lines = [
        `Policy check of stack ${check.stack}: ${check.resourceCount} resources through ${check.packs.map((pack) => `${pack.name}@${pack.version}`).join(", ")}`,
        "",
    ];
    for (const severity of SEVERITY_ORDER) {
        const violations = check.violations.filter((violation) => violation.severity === severity);
        if (violations.length === 0) {
            continue;
        }
        lines.push(`${severity.toUpperCase()} (${violations.length})`);
        for (const violation of violations) {
            const policy = policyOf(check, violation);
            const verdict = status(violation);
            lines.push(`  [${paint(STATUS_STYLE[verdict], verdict)}] ${violation.pack}/${violation.policy}`);
            lines.push(`    resource: ${resourceLabel(violation.urn)}`);
            lines.push(`    ${violation.message}`);
            if (policy?.remediationSteps) {
                lines.push(`    fix: ${policy.remediationSteps}`);
            }
            lines.push(`    controls: ${controlsText(policy?.tags ?? [])}`);
        }
        lines.push("");
    }
    if (check.remediations.length > 0) {
        // The engine analyzes what the remediations made of the inputs; the preview shows each change.
        lines.push(`REMEDIATED (${check.remediations.length})`);
        for (const remediation of check.remediations) {
            lines.push(`  ${remediation.pack}/${remediation.policy}: ${resourceLabel(remediation.urn)}`);
        }
        lines.push("");
    }
    const blocking = blockingViolations(check).length;
    const exempted = check.violations.filter((violation) => violation.exempted).length;
    const advisory = check.violations.length - blocking - exempted;
    lines.push(
        `${blocking} mandatory, ${advisory} advisory, ${exempted} exempted: ${blocking > 0 ? paint(["red", "bold"], "FAILED") : paint("green", "passed")}`,
    );
    return lines.join("\n");
}

/**
 * A violation's resource as `pulumi preview` names it, its name and short type, then its URN
 * (which an exemption names): `aws-site-logs (aws:kms:Key) urn:pulumi:...`.
 */
function resourceLabel(urn: string): string {
    if (urn === "") {
        return "(the stack)";
    }
    // urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>
    const [, , qualifiedType, ...name] = urn.split("::");
    const type = qualifiedType?.split("$").at(-1) ?? "";
    return `${name.join("::")} (${shortTypeName(type)}) ${urn}`;
}
