import * as fs from "node:fs";
import * as path from "node:path";
import { command, CommandError, parseCommandLine, runMain, type CommandSpec, type FlagSpec } from "../cli";
import { requireStack } from "../stacks";
import { SITES, type DrillBackend, type Site } from "./backend";
import { runDrill } from "./drill";
import { LiveBackend } from "./live";
import { OfflineBackend } from "./offline";
import { renderDrillMarkdown } from "./report";

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

export const DRILL_COMMAND = {
    command: "npm run drill",
    synopsis: ["--stack <edge stack> --to <aws|azure> [--offline] [--report <file.json>]"],
    description: `Moves the trading hub's traffic to one site and times it: preflight (the target is
healthy, the database keeps a majority without the source, the target runs at active
capacity, scaling it first if it stands by), switch (set activeSite on the edge stack
and update only that stack), verify (poll the public endpoint until the target names
itself in the x-beacon-site header), and roll back if that misses the deadline.
Each step's line and progress go to stderr; stdout carries the report alone.`,
    flags: {
        stack: { type: "string", value: "<name>", help: "the edge stack, e.g. prod or staging" },
        to: { type: "string", value: "<aws|azure>", help: "the site to move traffic to; the other site fails back" },
        offline: {
            type: "boolean",
            help: "run against the offline planner and local origins on\n127.0.0.1, with no Pulumi CLI, cloud or Cloudflare",
        },
        report: { type: "string", value: "<file.json>", help: "write the report as JSON there, and as Markdown beside it" },
        "deadline-sec": { type: "string", value: "<n>", help: "seconds the target has to serve after the switch (default 300)" },
        "monitor-time-scale": { type: "string", value: "<x>", help: "offline only: multiply monitor times by x (default 0.1)" },
    },
    notes: `Live, it needs the Pulumi CLI logged in to the stacks' backend, their cloud credentials,
and CLOUDFLARE_API_TOKEN with read access to load balancers.`,
    exitStatus: "0 the drill passed, 1 it failed, aborted or rolled back, 2 bad usage.",
} as const satisfies CommandSpec<Record<string, FlagSpec>>;

export const main = command("the drill", async (argv, terminal) => {
    const flags = parseCommandLine(DRILL_COMMAND, argv, terminal);
    if (!flags) {
        return 0;
    }
    if (!flags.stack) {
        throw new CommandError("--stack is required: the edge stack to switch", 2);
    }
    requireStack(flags.stack);
    if (!SITES.includes(flags.to as Site)) {
        throw new CommandError(
            `--to ${flags.to === undefined ? "is required" : `"${flags.to}" is not a site`}; allowed: ${SITES.join(", ")}`,
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
    const log = (line: string) => terminal.progress(line.trimEnd());
    terminal.progress(
        flags.offline
            ? `planning stack ${flags.stack} and the site stacks it reads, and starting local origins`
            : `reading stack ${flags.stack} and its site stacks through the Pulumi CLI`,
    );
    const backend: DrillBackend = flags.offline
        ? await OfflineBackend.start({ stack: flags.stack, monitorTimeScale, to: flags.to as Site })
        : await LiveBackend.start(flags.stack, REPOSITORY_ROOT, log);
    try {
        const report = await runDrill(backend, { to: flags.to as Site, deadlineSec, log });
        const markdown = renderDrillMarkdown(report);
        terminal.out(markdown);
        if (flags.report) {
            const markdownFile = flags.report.replace(/\.json$/, ".md");
            fs.mkdirSync(path.dirname(path.resolve(flags.report)), { recursive: true });
            fs.writeFileSync(flags.report, `${JSON.stringify(report, null, 2)}\n`);
            fs.writeFileSync(markdownFile, markdown);
            terminal.wrote(flags.report);
            terminal.wrote(markdownFile);
        }
        return report.outcome === "passed" ? 0 : 1;
    } finally {
        await backend.close();
    }
});

runMain(module, main);

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
