import { CommandError, parseFlags, runCommand } from "../command";
import { runSmokeTests } from "./smoke";

const USAGE = `Usage: npm run smoke -- --url <https://host> [--expect-site <aws|azure>] [--attempts <n>]

Smoke-tests a deployed hub through its public hostname: the health path answers 200, the
serving site names itself in x-beacon-site (the expected one, if given), and over HTTPS the
edge's security headers are present. The deploy workflows run it after every update.

Exit status: 0 every check passed, 1 a check failed, 2 bad usage.`;

runCommand("the smoke tests", async () => {
    const flags = parseFlags(
        { url: { type: "string" }, "expect-site": { type: "string" }, attempts: { type: "string" }, help: { type: "boolean" } },
        USAGE,
    );
    if (flags.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (!flags.url || !/^https?:\/\/[^\s/]+/.test(flags.url)) {
        throw new CommandError(`--url ${flags.url === undefined ? "is required" : `"${flags.url}" is not an http(s) URL`}\n\n${USAGE}`, 2);
    }
    if (flags["expect-site"] !== undefined && !["aws", "azure"].includes(flags["expect-site"])) {
        throw new CommandError(`--expect-site "${flags["expect-site"]}" is not a site; allowed: aws, azure`, 2);
    }
    const attempts = flags.attempts === undefined ? undefined : Number(flags.attempts);
    if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1)) {
        throw new CommandError(`--attempts "${flags.attempts}" is not allowed; allowed: a whole number of at least 1`, 2);
    }
    const checks = await runSmokeTests({ url: flags.url, expectSite: flags["expect-site"], attempts });
    for (const check of checks) {
        process.stdout.write(`${check.passed ? "pass" : "FAIL"}  ${check.name}: ${check.detail}\n`);
    }
    return checks.every((check) => check.passed) ? 0 : 1;
});
