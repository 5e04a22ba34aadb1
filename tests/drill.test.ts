import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { type AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { runDrill, type DrillReport } from "../tools/drill/drill";
import { cloudflarePoolHealth, committedConfigFromGit, LiveBackend, type DrillStack } from "../tools/drill/live";
import { DEFAULT_PACKS } from "../tools/policy/runner";
import type { ConfigValue, OutputMap, UpOptions, UpResult } from "@pulumi/pulumi/automation";
import { OfflineBackend } from "../tools/drill/offline";
import { REPOSITORY_ROOT, sharedPlan, sharedPlanner } from "./helpers";

/** Monitors at 1/50 of prod's pace: a 15 s interval probes every 0.3 s. */
const MONITOR_TIME_SCALE = 0.02;

function stepNames(report: DrillReport): string[] {
    return report.steps.map((step) => step.name);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
    const start = Date.now();
    while (!condition()) {
        assert.ok(Date.now() - start < timeoutMs, "condition not met in time");
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

describe("DR drill, offline, through real local sockets", () => {
    let backend: OfflineBackend;
    beforeEach(async () => {
        backend = await OfflineBackend.start({ stack: "prod", monitorTimeScale: MONITOR_TIME_SCALE, planner: sharedPlanner });
    });
    afterEach(async () => {
        await backend.close();
    });

    it("moves prod from AWS to Azure: scales Azure to active, switches the edge, and measures the RTO", async () => {
        const before = await backend.describeEdge();
        assert.equal(before.sites.azure.capacity, "standby");
        const report = await runDrill(backend, { to: "azure", pollIntervalMs: 50 });
        assert.equal(report.outcome, "passed", JSON.stringify(report.steps, null, 2));
        assert.deepEqual(stepNames(report), [
            "read-edge",
            "preflight-target-health",
            "preflight-database-majority",
            "scale-target",
            "baseline",
            "switch",
            "verify",
        ]);
        assert.match(report.steps[4].detail, /answered 200 from aws/);
        const after = await backend.describeEdge();
        assert.equal(after.activeSite, "azure");
        assert.deepEqual(after.failoverOrder, ["azure", "aws"]);
        assert.equal(after.sites.azure.capacity, "active");
        // The RTO is measured from the switch to the first of the stable answers from Azure.
        const switchStep = report.steps.find((step) => step.name === "switch")!;
        assert.ok(report.measured.rtoSec !== null && report.measured.rtoSec * 1000 >= switchStep.durationMs - 1);
        assert.equal(report.derived.rpo.rpoSec, 0);
        assert.match(report.derived.rpo.evidence, /without aws 3 of 5 electable nodes remain/);
        assert.equal(report.configured.detectionSec, 25, "prod: 15 s interval + 5 s timeout + 5 s propagation");
        assert.ok(report.verdicts.every((verdict) => verdict.passed));
        assert.deepEqual(
            report.verdicts.map((verdict) => [verdict.target, verdict.basis]),
            [
                ["ours: failover detection", "configured"],
                ["ours: RTO", "measured"],
                ["ours: RPO", "derived"],
                ["guide: RTO", "measured"],
                ["guide: RPO", "derived"],
            ],
            "only the RTO is timed by the drill",
        );
        assert.equal(report.measured.verification?.answers["azure 200"], 3);
    });

    it("fails back on request, and refuses to move traffic to the site that already serves", async () => {
        assert.equal((await runDrill(backend, { to: "azure", pollIntervalMs: 50 })).outcome, "passed");
        const failback = await runDrill(backend, { to: "aws", pollIntervalMs: 50 });
        assert.equal(failback.outcome, "passed");
        assert.deepEqual([failback.from, failback.to], ["azure", "aws"]);
        assert.ok(!stepNames(failback).includes("scale-target"), "AWS always runs active");
        await assert.rejects(
            runDrill(backend, { to: "aws" }),
            (error: Error & { exitCode?: number }) =>
                error.exitCode === 2 &&
                /already serves from aws, so there is no traffic to move there; to drill a failover run the drill with --to azure, then fail back with --to aws/.test(
                    error.message,
                ),
        );
    });

    it("completes when the primary dies mid-drill: the edge fails over on its own and no poll sees an error", async () => {
        const report = await runDrill(backend, {
            to: "azure",
            pollIntervalMs: 50,
            afterStep: async (name) => {
                if (name === "baseline") {
                    await backend.origins.aws.stop();
                    // Cloudflare's monitors notice before the switch lands.
                    await until(() => !backend.edge.isHealthy("aws"), 5000);
                }
            },
        });
        assert.equal(report.outcome, "passed");
        assert.equal(report.measured.verification?.answers.error, undefined);
        assert.equal(backend.edge.isHealthy("aws"), false);
    });

    it("aborts before switching when the target is unhealthy, and changes nothing", async () => {
        backend.origins.azure.setHealthy(false);
        const report = await runDrill(backend, { to: "azure", pollIntervalMs: 50 });
        assert.equal(report.outcome, "aborted");
        assert.deepEqual(stepNames(report), ["read-edge", "preflight-target-health"]);
        assert.match(report.steps[1].detail, /answered 503/);
        assert.equal((await backend.describeEdge()).activeSite, "aws");
        assert.equal((await backend.describeEdge()).sites.azure.capacity, "standby");
    });

    it("rolls back to AWS when Azure never becomes healthy within the deadline", async () => {
        const report = await runDrill(backend, {
            to: "azure",
            deadlineSec: 3,
            pollIntervalMs: 50,
            afterStep: (name) => {
                if (name === "baseline") {
                    backend.origins.azure.setHealthy(false);
                }
            },
        });
        assert.equal(report.outcome, "rolled-back");
        assert.deepEqual(stepNames(report).slice(-4), ["switch", "verify", "rollback", "verify-rollback"]);
        assert.deepEqual(
            report.steps.slice(-4).map((step) => step.outcome),
            ["ok", "failed", "ok", "ok"],
        );
        assert.match(report.steps.at(-3)!.detail, /azure did not serve within 3 s/);
        assert.equal(report.measured.rtoSec, null);
        assert.ok(report.verdicts.some((verdict) => verdict.target === "ours: RTO" && !verdict.passed));
        assert.equal((await backend.describeEdge()).activeSite, "aws");
        assert.equal(backend.edge.isHealthy("azure"), false, "the edge's monitor marked Azure down");
    });
});

describe("drill command", () => {
    function drill(args: string[]) {
        return spawnSync(process.execPath, ["--require", "tsx/cjs", "tools/drill/cli.ts", ...args], {
            cwd: REPOSITORY_ROOT,
            encoding: "utf8",
        });
    }

    it("runs the documented offline drill and writes the report as JSON and Markdown", () => {
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "drill-"));
        const reportFile = path.join(directory, "r.json");
        const result = drill(["--stack", "prod", "--to", "azure", "--offline", "--report", reportFile]);
        assert.equal(result.status, 0, result.stderr + result.stdout);
        assert.match(result.stdout, /^# DR drill: prod, aws -> azure \(offline\)/, "stdout is the report alone");
        assert.match(result.stderr, /^ *[\d.]+s .*preflight-target-health: ok/m, "each step's line is progress on stderr");
        const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as DrillReport;
        assert.equal(report.outcome, "passed");
        assert.ok(typeof report.measured.rtoSec === "number");
        const markdown = fs.readFileSync(path.join(directory, "r.md"), "utf8");
        assert.match(markdown, /# DR drill: prod, aws -> azure \(offline\)/);
        assert.match(markdown, /\| guide: RTO \| 14400 s \| \d+(\.\d+)? s \| - \| pass \|/);
        // Under "Measured" only what the drill timed: detection is configured, the RPO derived.
        assert.match(markdown, /\| ours: failover detection \| 35 s \| - \| 25 s \(configured\) \| pass \|/);
        assert.match(markdown, /\| ours: RPO \| 0 s \| - \| 0 s \(derived\) \| pass \|/);
        assert.ok(
            fs.readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.prod.yaml"), "utf8").includes("crypto-beacon:activeSite: aws"),
            "offline, the stack file is untouched",
        );
    });

    // The command hands --to to the backend and the drill alike (the run above goes through it);
    // the failback itself is the backend's, run here in this process on the shared plans.
    it("fails back offline as the README says, by running the drill again with --to the other site", async () => {
        const backend = await OfflineBackend.start({
            stack: "prod",
            to: "aws",
            monitorTimeScale: MONITOR_TIME_SCALE,
            planner: sharedPlanner,
        });
        try {
            const report = await runDrill(backend, { to: "aws", pollIntervalMs: 50 });
            assert.deepEqual([report.from, report.to, report.outcome], ["azure", "aws", "passed"]);
            assert.ok(
                report.notes.some((note) =>
                    /started where a drill to azure ends \(activeSite azure, Azure at active capacity\)/.test(note),
                ),
                report.notes.join("\n"),
            );
        } finally {
            await backend.close();
        }
    });

    it("rejects bad usage and non-edge stacks with exit 2 and no stack trace", () => {
        const badSite = drill(["--stack", "prod", "--to", "gcp", "--offline"]);
        assert.equal(badSite.status, 2);
        assert.match(badSite.stderr, /--to "gcp" is not a site; allowed: aws, azure/);
        const siteStack = drill(["--stack", "prod-aws", "--to", "azure", "--offline"]);
        assert.equal(siteStack.status, 2);
        assert.match(siteStack.stderr, /stack prod-aws has role "aws-site"; the drill switches an edge stack/);
        assert.doesNotMatch(siteStack.stderr, /\n\s+at /);
    });
});

describe("live drill: Cloudflare pool health", () => {
    /** A stand-in for Cloudflare's API on 127.0.0.1 that answers one pool-health request. */
    async function cloudflare(
        answer: unknown,
    ): Promise<{ base: string; requests: { url: string; auth: string }[]; close: () => Promise<void> }> {
        const requests: { url: string; auth: string }[] = [];
        const server = http.createServer((request, response) => {
            requests.push({ url: request.url ?? "", auth: String(request.headers.authorization) });
            response.writeHead(200, { "content-type": "application/json" });
            response.end(JSON.stringify(answer));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return {
            base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`,
            requests,
            close: () => new Promise((resolve) => server.close(() => resolve())),
        };
    }

    it("is healthy only when every probing region says so, and asks with the token for the right pool", async () => {
        const api = await cloudflare({
            success: true,
            result: { pop_health: { "Ashburn, VA": { healthy: true }, "Frankfurt, DE": { healthy: false } } },
        });
        try {
            const health = await cloudflarePoolHealth({ apiBase: api.base, accountId: "acct", poolId: "pool-azure", token: "t0ken" });
            assert.deepEqual(health, { healthy: false, detail: "1 of 2 Cloudflare regions see the pool healthy; not: Frankfurt, DE" });
            assert.deepEqual(api.requests, [
                { url: "/client/v4/accounts/acct/load_balancers/pools/pool-azure/health", auth: "Bearer t0ken" },
            ]);
        } finally {
            await api.close();
        }
    });

    it("reports Cloudflare's own error, and an API that does not answer", async () => {
        const api = await cloudflare({ success: false, errors: [{ message: "Authentication error" }] });
        try {
            assert.deepEqual(await cloudflarePoolHealth({ apiBase: api.base, accountId: "a", poolId: "p", token: "t" }), {
                healthy: false,
                detail: "Cloudflare pool health failed: Authentication error",
            });
        } finally {
            await api.close();
        }
        const gone = await cloudflarePoolHealth({ apiBase: "http://127.0.0.1:9/client/v4", accountId: "a", poolId: "p", token: "t" });
        assert.equal(gone.healthy, false);
        assert.match(gone.detail, /did not answer/);
    });
});

describe("live drill: updates through the Automation API", () => {
    /**
     * Stacks as the Automation API hands them out, answering from the offline plan of prod: each
     * `up` is recorded with its options, as the CLI would receive them.
     */
    async function stacks() {
        const plan = await sharedPlan("prod");
        const updates: { stack: string; options: UpOptions; config: Record<string, string> }[] = [];
        const config: Record<string, Record<string, string>> = {
            prod: {
                "crypto-beacon:azureSiteStack": "organization/crypto-beacon/prod-azure",
                "crypto-beacon:cloudflareAccountId": "acct",
                "crypto-beacon:activeSite": "aws",
            },
            "organization/crypto-beacon/prod-azure": { "crypto-beacon:azureCapacity": "standby" },
        };
        /** What the stack files at HEAD say, read the way the backend reads git. */
        const committed = async (stack: string, key: string) => {
            assert.ok(["prod", "organization/crypto-beacon/prod-azure"].includes(stack), `no committed stack file for ${stack}`);
            return { "crypto-beacon:activeSite": "aws", "crypto-beacon:azureCapacity": "standby" }[key] ?? assert.fail(`reads ${key}`);
        };
        const open = async (name: string): Promise<DrillStack> => {
            assert.ok(name in config, `no stack ${name}`);
            return {
                name,
                outputs: async () =>
                    Object.fromEntries(
                        Object.entries(name === "prod" ? plan.outputs : {}).map(([key, value]) => [key, { value, secret: false }]),
                    ) as OutputMap,
                getConfig: async (key: string) => ({ value: config[name][key], secret: false }) as ConfigValue,
                setConfig: async (key: string, value: ConfigValue) => {
                    config[name][key] = value.value;
                },
                up: async (options?: UpOptions) => {
                    updates.push({ stack: name, options: options ?? {}, config: { ...config[name] } });
                    return {} as UpResult;
                },
            };
        };
        return { open, updates, config, committed };
    }

    let token: string | undefined;
    beforeEach(() => {
        token = process.env.CLOUDFLARE_API_TOKEN;
        process.env.CLOUDFLARE_API_TOKEN = "t0ken";
    });
    afterEach(() => {
        if (token === undefined) {
            delete process.env.CLOUDFLARE_API_TOKEN;
        } else {
            process.env.CLOUDFLARE_API_TOKEN = token;
        }
    });

    it("runs the three policy packs with each updated stack's own policy config", async () => {
        const { open, updates } = await stacks();
        const backend = await LiveBackend.start("prod", REPOSITORY_ROOT, () => undefined, open);
        await backend.scaleToActive("azure");
        await backend.switchTo("azure");
        assert.deepEqual(
            updates.map((update) => [update.stack, update.options.policyPacks, update.options.policyPackConfigs]),
            [
                [
                    "organization/crypto-beacon/prod-azure",
                    DEFAULT_PACKS,
                    DEFAULT_PACKS.map(() => path.join(REPOSITORY_ROOT, "policies", "config", "prod-azure.json")),
                ],
                ["prod", DEFAULT_PACKS, DEFAULT_PACKS.map(() => path.join(REPOSITORY_ROOT, "policies", "config", "prod.json"))],
            ],
        );
        assert.equal(updates[0].config["crypto-beacon:azureCapacity"], "active");
        assert.equal(updates[1].config["crypto-beacon:activeSite"], "azure");
    });

    it("leaves no drift once traffic is back where the stack files send it: the standby site's committed capacity is applied again", async () => {
        const { open, updates, config, committed } = await stacks();
        const failover = await LiveBackend.start("prod", REPOSITORY_ROOT, () => undefined, open, committed);
        await failover.scaleToActive("azure");
        await failover.switchTo("azure");
        await failover.close();
        assert.equal(updates.length, 2, "a failover the drill was asked for stays in place");

        const lines: string[] = [];
        const failback = await LiveBackend.start("prod", REPOSITORY_ROOT, (line) => lines.push(line), open, committed);
        await failback.switchTo("aws");
        await failback.close();
        const restore = updates.at(-1)!;
        assert.equal(restore.stack, "organization/crypto-beacon/prod-azure");
        assert.equal(restore.config["crypto-beacon:azureCapacity"], "standby", "the committed capacity, as drift detection compares it");
        assert.deepEqual(restore.options.policyPacks, DEFAULT_PACKS, "with the policy packs, like every update");
        assert.deepEqual(config["organization/crypto-beacon/prod-azure"], { "crypto-beacon:azureCapacity": "standby" });
        assert.equal(config.prod["crypto-beacon:activeSite"], "aws");
        assert.ok(lines.some((line) => /azureCapacity back to its committed standby/.test(line)));
    });

    it("says how to end a failover it leaves in place, and updates nothing more", async () => {
        const { open, updates, committed } = await stacks();
        const lines: string[] = [];
        const backend = await LiveBackend.start("prod", REPOSITORY_ROOT, (line) => lines.push(line), open, committed);
        await backend.switchTo("azure");
        const before = updates.length;
        await backend.close();
        assert.equal(updates.length, before);
        assert.ok(
            lines.some((line) => /serves from azure; its committed stack file says aws\. Fail back with --to aws, or commit/.test(line)),
        );
    });

    it("reads the committed config from git, with the schema's default for a key the file does not set", async () => {
        const committed = committedConfigFromGit(REPOSITORY_ROOT);
        assert.equal(await committed("organization/crypto-beacon/prod", "crypto-beacon:activeSite"), "aws");
        assert.equal(await committed("prod-azure", "crypto-beacon:azureCapacity"), "standby");
        assert.equal(await committed("prod-aws", "crypto-beacon:deployStage"), "workloads", "the default, not set in the file");
    });

    it("refuses to start, changing nothing, for a stack without a policy config", async () => {
        const { open, updates } = await stacks();
        await assert.rejects(
            LiveBackend.start("perf", REPOSITORY_ROOT, () => undefined, open),
            (error: Error & { exitCode?: number }) =>
                error.exitCode === 2 && /policies\/config\/perf\.json does not exist/.test(error.message),
        );
        assert.deepEqual(updates, []);
    });
});
