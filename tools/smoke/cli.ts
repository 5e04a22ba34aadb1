import { command, CommandError, parseCommandLine, runMain, wholeNumberFlag, type CommandSpec, type FlagSpec } from "../cli";
import { runSmokeTests } from "./smoke";

export const SMOKE_COMMAND = {
    command: "npm run smoke",
    synopsis: ["--url <https://host> [--expect-site <aws|azure>] [--attempts <n>]"],
    description: `Smoke-tests a deployed hub through its public hostname: the health path answers 200, the
serving site names itself in x-beacon-site (the expected one, if given), and over HTTPS the
edge's security headers are present. The deploy workflows run it after every update.`,
    flags: {
        url: { type: "string", value: "<https://host>", help: "the hub's public URL" },
        "expect-site": { type: "string", value: "<aws|azure>", help: "the site that must answer (default: either)" },
        attempts: { type: "string", value: "<n>", help: "tries for the health path before it counts as failed (default 5)" },
    },
    exitStatus: "0 every check passed, 1 a check failed, 2 bad usage.",
} as const satisfies CommandSpec<Record<string, FlagSpec>>;

export const main = command("the smoke tests", async (argv, terminal) => {
    const flags = parseCommandLine(SMOKE_COMMAND, argv, terminal);
    if (!flags) {
        return 0;
    }
    if (!flags.url || !/^https?:\/\/[^\s/]+/.test(flags.url)) {
        throw new CommandError(`--url ${flags.url === undefined ? "is required" : `"${flags.url}" is not an http(s) URL`}`, 2);
    }
    if (flags["expect-site"] !== undefined && !["aws", "azure"].includes(flags["expect-site"])) {
        throw new CommandError(`--expect-site "${flags["expect-site"]}" is not a site; allowed: aws, azure`, 2);
    }
    const attempts = flags.attempts === undefined ? undefined : wholeNumberFlag("--attempts", flags.attempts, 1);
    terminal.progress(`checking ${flags.url}`);
    const checks = await runSmokeTests({ url: flags.url, expectSite: flags["expect-site"], attempts });
    for (const check of checks) {
        const verdict = check.passed ? terminal.styleOut("green", "pass") : terminal.styleOut(["red", "bold"], "FAIL");
        terminal.out(`${verdict}  ${check.name}: ${check.detail}`);
    }
    return checks.every((check) => check.passed) ? 0 : 1;
});

runMain(module, main);
