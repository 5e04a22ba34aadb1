import { accessNeeds, intendedFlows, type Place, type Site } from "../../../model/intent";
import { formatPorts } from "../../../policies/rules/intent/awsNetwork";
import { evaluateIntent, type IntentEvaluation } from "../../../policies/rules/intent/evaluate";
import type { IntentResource } from "../../../policies/rules/intent/plan";
import type { Excess, Verdict } from "../../../policies/rules/intent/verdict";
import { deployStageOf } from "../../../policies/lib/stackConfig";
import type { PlannedResource, StackPlan } from "../../plan/planner";
import { htmlPage } from "./htmlPage";

/**
 * The planner's resources as the intent checks read them: the outputs the engine hands a stack
 * policy (`AnalyzeStack`), so that the report and the packs' intent rules judge the same plan.
 */
export function intentResources(resources: readonly PlannedResource[]): IntentResource[] {
    return resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: resource.analyzerOutputs ?? resource.analyzerInputs,
        deps: resource.propertyDependencies,
        ...(resource.provider ? { provider: resource.provider } : {}),
    }));
}

/**
 * The intent of the stacks checked together (an edge and its sites), evaluated stack by stack, each
 * at the deploy stage its config gives the packs.
 */
export function evaluateStacks(
    stacks: readonly Pick<StackPlan, "stack" | "resources" | "config">[],
): { stack: string; evaluation: IntentEvaluation }[] {
    return stacks
        .map((planned) => ({
            stack: planned.stack,
            evaluation: evaluateIntent(intentResources(planned.resources), deployStageOf(planned.config)),
        }))
        .filter((entry) => entry.evaluation.sites.length > 0);
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const mark = (holds: boolean, yes: string, no: string) => (holds ? `✅ ${yes}` : `❌ ${no}`);
/** A verdict's cell: not judged yet when what it needs comes with a later stage. */
const outcome = (item: Verdict | undefined, yes: string, no: string) =>
    !item ? "❌ not evaluated" : item.pending && !item.holds ? `⏳ comes with ${item.pending}` : mark(item.holds, yes, no);

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
function flowPicture(site: Site, verdicts: readonly Verdict[]): string[] {
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
                : `        ${from} -.->|"${item?.pending ? `with ${item.pending}` : "blocked"}: ${label}"| ${to}`,
        );
    }
    return [...lines, ...edges, "    end"];
}

function flowRows(site: Site, verdicts: readonly Verdict[]): string[] {
    return intendedFlows(site).map((flow) => {
        const item = verdicts.find((candidate) => candidate.id === flow.id);
        const endpoints = `${PLACE_LABELS[flow.from]}${flow.fromService ? ` (${flow.fromService})` : ""} → ${PLACE_LABELS[flow.to]}${flow.toService ? ` (${flow.toService})` : ""}`;
        const reason = item ? (item.holds ? item.by : item.problems).join("; ") : "";
        return `| ${site} | \`${flow.id}\` | ${cell(endpoints)} | ${flow.protocol} ${formatPorts(flow.ports)} | ${cell(flow.why)} | ${outcome(item, "allowed", "blocked")} | ${cell(reason)} |`;
    });
}

function needRows(site: Site, verdicts: readonly Verdict[]): string[] {
    return accessNeeds(site).map((need) => {
        const item = verdicts.find((candidate) => candidate.id === need.id);
        const reason = item ? (item.holds ? item.by : item.problems).join("; ") : "";
        return `| ${site} | \`${need.id}\` | ${need.service ?? need.identity} | ${cell(need.action)} (${need.grants.join(", ")}) | ${need.target} | ${outcome(item, "granted", "missing")} | ${cell(reason)} |`;
    });
}

const excessRows = (items: readonly Excess[]) =>
    items.length === 0 ? ["| – | none | – |"] : items.map((item) => `| ${item.site} | ${cell(item.control)} | ${cell(item.reason)} |`);

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
        const count = (items: readonly Verdict[]) => {
            const judged = items.filter((item) => item.holds || !item.pending);
            const pending = items.length - judged.length;
            return `${judged.filter((item) => item.holds).length} of ${judged.length}${pending > 0 ? ` (${pending} to come with a later stage)` : ""}`;
        };
        lines.push(
            `## ${stack}`,
            "",
            `Deploy stage: ${evaluation.stage}.`,
            "",
            `Flows allowed: ${count(evaluation.flows)}. Needs granted: ${count(evaluation.needs)}. Capacity checks holding: ${count(evaluation.capacity)}. Unintended openings: ${evaluation.openings.length}. Grants beyond needs: ${evaluation.excess.length}.`,
            "",
            "### Flows",
            "",
            "```mermaid",
            "flowchart LR",
            ...evaluation.sites.flatMap((site) =>
                flowPicture(
                    site as Site,
                    evaluation.flows.filter((item) => item.site === site),
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
                ),
            ),
            "",
            "### Unintended openings",
            "",
            "| site | rule | why it is beyond the intent |",
            "|---|---|---|",
            ...excessRows(evaluation.openings),
            "",
            "### Access",
            "",
            "| site | need | identity | action (grants) | on | verdict | by |",
            "|---|---|---|---|---|---|---|",
            ...evaluation.sites.flatMap((site) =>
                needRows(
                    site as Site,
                    evaluation.needs.filter((item) => item.site === site),
                ),
            ),
            "",
            "### Grants beyond the needs",
            "",
            "| site | grant | why it is beyond the needs |",
            "|---|---|---|",
            ...excessRows(evaluation.excess),
            "",
            "### Capacity",
            "",
            "| site | check | verdict | detail |",
            "|---|---|---|---|",
            ...evaluation.capacity.map(
                (item) =>
                    `| ${item.site} | \`${item.id}\` | ${outcome(item, "holds", "fails")} | ${cell((item.holds ? item.by : item.problems).join("; "))} |`,
            ),
            "",
        );
    }
    const markdown = lines.join("\n");
    const title = lines[0].slice(2);
    const html = htmlPage(title, markdown, 90);
    return { markdown: `${markdown}\n`, html };
}
