import * as path from "node:path";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { PlannedResource } from "../../plan/planner";
import type { PolicyCheck } from "../runner";

/** GitHub ranks security alerts by this property: the CVSS-like score of each severity. */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", unspecified: "3.0" };

export interface SarifContext {
    /** The directory paths are made relative to (the repository root, where code scanning looks). */
    readonly root: string;
    /** The stack file, the location of findings without a source position. */
    readonly stackFile: string;
    readonly resources: readonly PlannedResource[];
}

/** SARIF 2.1.0 for GitHub code scanning: rules with metadata, levels, locations, suppressions. */
export function renderSarif(check: PolicyCheck, context: SarifContext): Log {
    const rules: ReportingDescriptor[] = check.packs.flatMap((pack) =>
        pack.policies.map((policy) => ({
            id: `${pack.name}/${policy.name}`,
            name: policy.name,
            shortDescription: { text: policy.description || policy.name },
            fullDescription: { text: policy.description || policy.name },
            help: { text: policy.remediationSteps || policy.description, markdown: policy.remediationSteps || policy.description },
            ...(policy.url ? { helpUri: policy.url } : {}),
            defaultConfiguration: { level: policy.enforcementLevel === "advisory" ? "warning" : "error" },
            properties: { tags: [...policy.tags], "security-severity": SECURITY_SEVERITY[policy.severity], precision: "high" },
        })),
    );
    const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
    const byUrn = new Map(context.resources.map((resource) => [resource.urn, resource]));
    const relative = (file: string) => path.relative(context.root, file).split(path.sep).join("/");

    const results: Result[] = check.violations.map((violation) => {
        const ruleId = `${violation.pack}/${violation.policy}`;
        const source = byUrn.get(violation.urn)?.sourcePosition;
        const file = source && !source.file.includes(`${path.sep}node_modules${path.sep}`) ? source : undefined;
        return {
            ruleId,
            ...(ruleIndex.has(ruleId) ? { ruleIndex: ruleIndex.get(ruleId) } : {}),
            level: violation.enforcementLevel === "advisory" ? "warning" : "error",
            message: { text: violation.urn ? `${violation.urn.split("::").pop()}: ${violation.message}` : violation.message },
            locations: [
                {
                    physicalLocation: {
                        artifactLocation: { uri: file ? relative(file.file) : relative(context.stackFile) },
                        region: { startLine: file ? Math.max(1, file.line) : 1 },
                    },
                    ...(violation.urn ? { logicalLocations: [{ fullyQualifiedName: violation.urn, kind: "resource" }] } : {}),
                },
            ],
            partialFingerprints: { "resourceUrn/policy": `${violation.urn}#${ruleId}` },
            ...(violation.exempted
                ? { suppressions: [{ kind: "external" as const, status: "accepted" as const, justification: violation.message }] }
                : {}),
        };
    });

    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: "crypto-beacon-policy", informationUri: "https://www.pulumi.com/docs/iac/crossguard/", rules } },
                automationDetails: { id: `policy/${check.stack}/` },
                results,
            },
        ],
    };
}
