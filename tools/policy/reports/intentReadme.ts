// First: what this loads after it is compiled once, then read from the cache (tools/compileCache.ts).
import "../../compileCache";
import * as fs from "node:fs";
import * as path from "node:path";
import { accessNeeds, intendedFlows, SITES, type Site } from "../../../model/intent";
import { runCommand } from "../../command";

/**
 * Writes the README's description of the flows and access needs from the intent model, between
 * its markers, so that the prose and the checks cannot drift apart (a test fails when stale).
 */
export const README_FILE = path.resolve(__dirname, "..", "..", "..", "README.md");
const BEGIN = "<!-- intent:begin (npm run intent:readme writes this block) -->";
const END = "<!-- intent:end -->";

const SITE_TITLES: Readonly<Record<Site, string>> = { aws: "AWS", azure: "Azure" };

function portText(from: number, to: number): string {
    return from === to ? String(from) : `${from}-${to}`;
}

/**
 * The block: one table of flows and one of access needs, both sites side by side where they agree,
 * each row with the deploy stage from which it must hold (`deployStage`).
 */
export function renderIntentBlock(): string {
    const flowKeys = [...new Set(SITES.flatMap((site) => intendedFlows(site).map((flow) => flow.id)))];
    const flowRows = flowKeys.map((id) => {
        const perSite = SITES.map((site) => intendedFlows(site).find((flow) => flow.id === id));
        const first = perSite.find((flow) => flow !== undefined)!;
        const ports = SITES.map((site, index) => {
            const flow = perSite[index];
            return flow ? `${SITE_TITLES[site]}: ${flow.protocol} ${portText(flow.ports.from, flow.ports.to)}` : `${SITE_TITLES[site]}: –`;
        });
        const endpoints = `${first.from}${first.fromService ? ` (${first.fromService})` : ""} → ${first.to}${first.toService ? ` (${first.toService})` : ""}`;
        const whys = [...new Set(perSite.flatMap((flow) => (flow ? [flow.why] : [])))];
        const why =
            whys.length === 1
                ? whys[0]
                : SITES.flatMap((site, index) => (perSite[index] ? [`${SITE_TITLES[site]}: ${perSite[index].why}`] : [])).join("; ");
        const stages = [...new Set(perSite.flatMap((flow) => (flow ? [flow.stage] : [])))];
        const stage =
            stages.length === 1
                ? stages[0]
                : SITES.flatMap((site, index) => (perSite[index] ? [`${SITE_TITLES[site]}: ${perSite[index].stage}`] : [])).join("; ");
        return `| \`${id}\` | ${endpoints} | ${ports.join("; ")} | ${stage} | ${why} |`;
    });
    const needRows = SITES.flatMap((site) =>
        accessNeeds(site).map(
            (need) =>
                `| ${SITE_TITLES[site]} | \`${need.id}\` | ${need.service ?? need.identity} | ${need.action} | ${need.grants.join(", ")} | ${need.stage} | ${need.why} |`,
        ),
    );
    return [
        "| flow | from → to | protocol and port | from stage | why |",
        "|---|---|---|---|---|",
        ...flowRows,
        "",
        "| site | need | identity | action | granted as | from stage | why |",
        "|---|---|---|---|---|---|---|",
        ...needRows,
    ].join("\n");
}

export function renderReadme(current: string): string {
    const begin = current.indexOf(BEGIN);
    const end = current.indexOf(END);
    if (begin < 0 || end < begin) {
        throw new Error(`${README_FILE} has no intent markers: ${BEGIN} ... ${END}`);
    }
    return `${current.slice(0, begin + BEGIN.length)}\n${renderIntentBlock()}\n${current.slice(end)}`;
}

if (require.main === module) {
    runCommand("the intent README writer", async () => {
        fs.writeFileSync(README_FILE, renderReadme(fs.readFileSync(README_FILE, "utf8")));
        process.stdout.write(`Wrote the intended flows and access needs into ${README_FILE}\n`);
        return 0;
    });
}
