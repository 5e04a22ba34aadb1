import * as fs from "node:fs";
import * as path from "node:path";
import { CommandError, parseFlags, runCommand } from "../command";
import { SITES, type DrillBackend, type Site } from "./backend";
import { runDrill } from "./drill";
import { LiveBackend } from "./live";
import { OfflineBackend } from "./offline";
import { renderDrillMarkdown } from "./report";

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

const USAGE = `Usage: npm run drill -- --stack <edge stack> --to <aws|azure> [--offline] [--report <file.json>]

Moves the trading hub's traffic to one site and times it: preflight (the target is
healthy, the database keeps a majority without the source, the target runs at active
capacity, scaling it first if it stands by), switch (set activeSite on the edge stack
and update only that stack), verify (poll the public endpoint until the target names
itself in the x-beacon-site header), and roll back if that misses the deadline.

  --stack <name>             the edge stack, e.g. prod or staging
  --to <aws|azure>           the site to move traffic to; the other site fails back
  --offline                  run against the offline planner and local origins on
                             127.0.0.1, with no Pulumi CLI, cloud or Cloudflare
  --report <file.json>       write the report as JSON there, and as Markdown beside it
  --deadline-sec <n>         seconds the target has to serve after the switch (default 300)
  --monitor-time-scale <x>   offline only: multiply monitor times by x (default 0.1)
  --help                     show this help

Live, it needs the Pulumi CLI logged in to the stacks' backend, their cloud credentials,
and CLOUDFLARE_API_TOKEN with read access to load balancers.

Exit status: 0 the drill passed, 1 it failed, aborted or rolled back, 2 bad usage.`;

runCommand("the drill", async () => {
    const flags = parseFlags(
        {
            stack: { type: "string" },
            to: { type: "string" },
            offline: { type: "boolean" },
            report: { type: "string" },
            "deadline-sec": { type: "string" },
            "monitor-time-scale": { type: "string" },
            help: { type: "boolean" },
        },
        USAGE,
    );
    if (flags.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (!flags.stack) {
        throw new CommandError(`--stack is required: the edge stack to switch\n\n${USAGE}`, 2);
    }
    if (!SITES.includes(flags.to as Site)) {
        throw new CommandError(
            `--to ${flags.to === undefined ? "is required" : `"${flags.to}" is not a site`}; allowed: ${SITES.join(", ")}\n\n${USAGE}`,
            2,
        );
    }
    const deadlineSec = positiveNumber("--deadline-sec", flags["deadline-sec"]);
    const monitorTimeScale = positiveNumber("--monitor-time-scale", flags["monitor-time-scale"]);
    if (monitorTimeScale !== undefined && !flags.offline) {
        throw new CommandError("--monitor-time-scale only applies with --offline: live monitors run at Cloudflare's own pace", 2);
    }
    if (flags.report && !flags.report.endsWith(".json")) {
        throw new CommandError(`--report ${flags.report}: name a .json file; the Markdown report goes beside it`, 2);
    }
    const log = (line: string) => process.stdout.write(`${line.trimEnd()}\n`);
    const backend: DrillBackend = flags.offline
        ? await OfflineBackend.start({ stack: flags.stack, monitorTimeScale, to: flags.to as Site })
        : await LiveBackend.start(flags.stack, REPOSITORY_ROOT, log);
    try {
        const report = await runDrill(backend, { to: flags.to as Site, deadlineSec, log });
        const markdown = renderDrillMarkdown(report);
        process.stdout.write(`\n${markdown}`);
        if (flags.report) {
            const markdownFile = flags.report.replace(/\.json$/, ".md");
            fs.mkdirSync(path.dirname(path.resolve(flags.report)), { recursive: true });
            fs.writeFileSync(flags.report, `${JSON.stringify(report, null, 2)}\n`);
            fs.writeFileSync(markdownFile, markdown);
            process.stdout.write(`\nWrote ${flags.report} and ${markdownFile}\n`);
        }
        return report.outcome === "passed" ? 0 : 1;
    } finally {
        await backend.close();
    }
});

function positiveNumber(flag: string, text: string | undefined): number | undefined {
    if (text === undefined) {
        return undefined;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
        throw new CommandError(`${flag} "${text}" is not allowed; allowed: a number above 0`, 2);
    }
    return value;
}
