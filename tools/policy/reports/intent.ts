import { accessNeeds, intendedFlows, type Place, type Site } from "../../../model/intent";
import { formatPorts } from "../../../policies/rules/intent/awsNetwork";
import { WHOLE_INTERNET } from "../../../policies/rules/intent/reachability";
import { evaluatePolicyResources, type IntentEvaluation, type IntentFamily } from "../../../policies/rules/intent/evaluate";
import type { Excess, Verdict } from "../../../policies/rules/intent/verdict";
import { deployStageOf } from "../../../policies/lib/stackConfig";
import type { StackPlan } from "../../plan/planner";
import { policyResources } from "../policyResources";
import { htmlPage } from "./htmlPage";

/**
 * The intent of the stacks checked together (an edge and its sites), evaluated stack by stack as
 * the packs evaluate it: from the outputs the engine hands a stack policy, through the policy SDK's
 * deserializer and its unknown-checking proxy, at the deploy stage the stack's config gives.
 */
export function evaluateStacks(
    stacks: readonly Pick<StackPlan, "stack" | "resources" | "config">[],
): { stack: string; evaluation: IntentEvaluation }[] {
    return stacks
        .map((planned) => ({
            stack: planned.stack,
            evaluation: evaluatePolicyResources(policyResources(planned.resources, "outputs"), deployStageOf(planned.config)),
        }))
        .filter((entry) => entry.evaluation.sites.length > 0);
}

/** Whether a family of checks read a value the preview cannot know: its failing verdicts wait for the update. */
const waitsForUpdate = (evaluation: IntentEvaluation, family: IntentFamily) => evaluation.unknowns[family].length > 0;

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const mark = (holds: boolean, yes: string, no: string) => (holds ? `✅ ${yes}` : `❌ ${no}`);
/**
 * A verdict's cell: not judged yet when what it needs comes with a later stage, or when its checks
 * read a value the preview cannot know (the packs judge it after the update, as `judged` does).
 */
function outcome(item: Verdict | undefined, yes: string, no: string, deferred: boolean): string {
    if (!item) {
        return "❌ not evaluated";
    }
    if (!item.holds && item.pending) {
        return `⏳ comes with ${item.pending}`;
    }
    return !item.holds && deferred ? "⏳ unknown until the update" : mark(item.holds, yes, no);
}

const PLACE_LABELS: Readonly<Record<Place, string>> = {
    "cloudflare-edge": "Cloudflare edge",
    "origin-load-balancer": "Origin load balancer",
    "in-cluster-gateway": "In-cluster gateway",
    service: "Service",
    "cluster-dns": "Cluster DNS",
    nodes: "Nodes",
    pods: "Service pods",
    redis: "Redis",
    "database-endpoint": "Database private endpoint",
    registry: "Registry",
    "secret-store": "Secret store",
    "identity-api": "Identity API",
    "cluster-api": "Cluster API",
    deployer: "Deploy runner",
    github: "GitHub",
    "backup-service": "Backup service",
    "log-delivery": "Log delivery",
    "log-store": "Log store",
    "assets-store": "Assets store",
};

function endpointId(site: Site, place: Place, service?: string): string {
    return `${site}_${place}${service ? `_${service}` : ""}`.replace(/[^A-Za-z0-9_]/g, "_");
}

/** A Mermaid flowchart of one site's flows: solid where allowed, dotted and marked where blocked. */
function flowPicture(site: Site, verdicts: readonly Verdict[], deferred: boolean): string[] {
    const lines = [`    subgraph ${site}["${site === "aws" ? "AWS site" : "Azure site"}"]`];
    const declared = new Set<string>();
    const node = (place: Place, service?: string) => {
        const id = endpointId(site, place, service);
        if (!declared.has(id)) {
            declared.add(id);
            lines.push(`        ${id}["${service ? `${PLACE_LABELS[place]}: ${service}` : PLACE_LABELS[place]}"]`);
        }
        return id;
    };
    const edges: string[] = [];
    for (const flow of intendedFlows(site)) {
        const item = verdicts.find((candidate) => candidate.id === flow.id);
        const from = node(flow.from, flow.fromService);
        const to = node(flow.to, flow.toService);
        const label = `${flow.protocol} ${formatPorts(flow.ports)}`;
        edges.push(
            item?.holds
                ? `        ${from} -->|"${label}"| ${to}`
                : `        ${from} -.->|"${item?.pending ? `with ${item.pending}` : deferred ? "after the update" : "blocked"}: ${label}"| ${to}`,
        );
    }
    return [...lines, ...edges, "    end"];
}

function flowRows(site: Site, verdicts: readonly Verdict[], deferred: boolean): string[] {
    return intendedFlows(site).map((flow) => {
        const item = verdicts.find((candidate) => candidate.id === flow.id);
        const endpoints = `${PLACE_LABELS[flow.from]}${flow.fromService ? ` (${flow.fromService})` : ""} → ${PLACE_LABELS[flow.to]}${flow.toService ? ` (${flow.toService})` : ""}`;
        const reason = item ? (item.holds ? item.by : item.problems).join("; ") : "";
        return `| ${site} | \`${flow.id}\` | ${cell(endpoints)} | ${flow.protocol} ${formatPorts(flow.ports)} | ${cell(flow.why)} | ${outcome(item, "allowed", "blocked", deferred)} | ${cell(reason)} |`;
    });
}

function needRows(site: Site, verdicts: readonly Verdict[], deferred: boolean): string[] {
    return accessNeeds(site).map((need) => {
        const item = verdicts.find((candidate) => candidate.id === need.id);
        const reason = item ? (item.holds ? item.by : item.problems).join("; ") : "";
        return `| ${site} | \`${need.id}\` | ${need.service ?? need.identity} | ${cell(need.action)} (${need.grants.join(", ")}) | ${need.target} | ${outcome(item, "granted", "missing", deferred)} | ${cell(reason)} |`;
    });
}

/** Openings or grants beyond the intent; those an unknown value could undo wait for the update, as the packs' do. */
const excessRows = (items: readonly Excess[], deferred: boolean) =>
    items.length === 0
        ? ["| – | none | – |"]
        : items.map(
              (item) =>
                  `| ${item.site} | ${cell(item.control)} | ${cell(item.reason)}${deferred && item.reason !== WHOLE_INTERNET ? " (⏳ unknown until the update)" : ""} |`,
          );

/**
 * The intent report for people: per stack, the flow matrix with a Mermaid picture, the access
 * matrix, what is open or granted beyond the intent, and capacity. Markdown for the repository,
 * HTML (the same text through `marked`) for everyone else.
 */
export function renderIntentReport(
    entries: readonly { stack: string; evaluation: IntentEvaluation }[],
    generatedAt: Date,
): { markdown: string; html: string } {
    const lines = [
        `# Intent verification: ${entries.map((entry) => entry.stack).join(", ") || "no site stacks"}`,
        "",
        `Generated ${generatedAt.toISOString()} by \`npm run policy -- --intent\` from the offline plan. Rows come from \`model/intent.ts\`; each is proved against the planned controls by the rules in \`policies/rules/intent/\`.`,
        "",
    ];
    for (const { stack, evaluation } of entries) {
        const deferred = {
            flows: waitsForUpdate(evaluation, "flows"),
            access: waitsForUpdate(evaluation, "access"),
            capacity: waitsForUpdate(evaluation, "capacity"),
        };
        const count = (items: readonly Verdict[], family: IntentFamily) => {
            const pending = items.filter((item) => !item.holds && item.pending).length;
            const waiting = deferred[family] ? items.filter((item) => !item.holds && !item.pending).length : 0;
            const judged = items.length - pending - waiting;
            return `${items.filter((item) => item.holds).length} of ${judged}${pending > 0 ? ` (${pending} to come with a later stage)` : ""}${waiting > 0 ? ` (${waiting} unknown until the update)` : ""}`;
        };
        lines.push(
            `## ${stack}`,
            "",
            `Deploy stage: ${evaluation.stage}.`,
            "",
            `Flows allowed: ${count(evaluation.flows, "flows")}. Needs granted: ${count(evaluation.needs, "access")}. Capacity checks holding: ${count(evaluation.capacity, "capacity")}. Unintended openings: ${evaluation.openings.length}. Grants beyond needs: ${evaluation.excess.length}.`,
            "",
            "### Flows",
            "",
            "```mermaid",
            "flowchart LR",
            ...evaluation.sites.flatMap((site) =>
                flowPicture(
                    site as Site,
                    evaluation.flows.filter((item) => item.site === site),
                    deferred.flows,
                ),
            ),
            "```",
            "",
            "| site | flow | from → to | port | why | verdict | by |",
            "|---|---|---|---|---|---|---|",
            ...evaluation.sites.flatMap((site) =>
                flowRows(
                    site as Site,
                    evaluation.flows.filter((item) => item.site === site),
                    deferred.flows,
                ),
            ),
            "",
            "### Unintended openings",
            "",
            "| site | rule | why it is beyond the intent |",
            "|---|---|---|",
            ...excessRows(evaluation.openings, deferred.flows),
            "",
            "### Access",
            "",
            "| site | need | identity | action (grants) | on | verdict | by |",
            "|---|---|---|---|---|---|---|",
            ...evaluation.sites.flatMap((site) =>
                needRows(
                    site as Site,
                    evaluation.needs.filter((item) => item.site === site),
                    deferred.access,
                ),
            ),
            "",
            "### Grants beyond the needs",
            "",
            "| site | grant | why it is beyond the needs |",
            "|---|---|---|",
            ...excessRows(evaluation.excess, deferred.access),
            "",
            "### Capacity",
            "",
            "| site | check | verdict | detail |",
            "|---|---|---|---|",
            ...evaluation.capacity.map(
                (item) =>
                    `| ${item.site} | \`${item.id}\` | ${outcome(item, "holds", "fails", deferred.capacity)} | ${cell((item.holds ? item.by : item.problems).join("; "))} |`,
            ),
            "",
        );
    }
    const markdown = lines.join("\n");
    const title = lines[0].slice(2);
    const html = htmlPage(title, markdown, 90);
    return { markdown: `${markdown}\n`, html };
}
