import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as http from "node:http";
import { type AddressInfo } from "node:net";
import { runSmokeTests } from "../tools/smoke/smoke";
import { REPOSITORY_ROOT } from "./helpers";

/** A stand-in for a deployed hub on 127.0.0.1 that answers as it is told. */
async function hub(answer: { status: number; site?: string }): Promise<{ url: string; close: () => Promise<void> }> {
    const server = http.createServer((request, response) => {
        response.writeHead(request.url === "/healthz" ? answer.status : 404, answer.site ? { "x-beacon-site": answer.site } : {});
        response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

describe("smoke tests of a deployed hub", () => {
    it("pass when the health path answers 200 from the expected site", async () => {
        const site = await hub({ status: 200, site: "azure" });
        try {
            const checks = await runSmokeTests({ url: site.url, expectSite: "azure", attempts: 1 });
            assert.deepEqual(
                checks.map((check) => [check.name, check.passed]),
                [
                    ["health", true],
                    ["serving site", true],
                ],
            );
        } finally {
            await site.close();
        }
    });

    it("fail when another site serves, when no site names itself, or when health fails on every try", async () => {
        const wrong = await hub({ status: 200, site: "aws" });
        const anonymous = await hub({ status: 200 });
        const sick = await hub({ status: 503, site: "aws" });
        try {
            assert.equal((await runSmokeTests({ url: wrong.url, expectSite: "azure", attempts: 1 }))[1].passed, false);
            assert.match((await runSmokeTests({ url: anonymous.url, attempts: 1 }))[1].detail, /no x-beacon-site header/);
            const checks = await runSmokeTests({ url: sick.url, attempts: 2, intervalMs: 10 });
            assert.deepEqual([checks[0].passed, checks[0].detail.endsWith("answered 503")], [false, true]);
        } finally {
            await Promise.all([wrong.close(), anonymous.close(), sick.close()]);
        }
    });

    it("exit 1 on a failed check and 2 on bad usage", async () => {
        // Asynchronously: the stand-in hub answers from this process's event loop.
        const smoke = (args: string[]) =>
            new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
                const child = spawn(process.execPath, ["--require", "tsx/cjs", "tools/smoke/cli.ts", ...args], { cwd: REPOSITORY_ROOT });
                let stdout = "";
                let stderr = "";
                child.stdout.on("data", (chunk) => (stdout += chunk));
                child.stderr.on("data", (chunk) => (stderr += chunk));
                child.on("close", (status) => resolve({ status, stdout, stderr }));
            });
        const site = await hub({ status: 200, site: "aws" });
        try {
            const failed = await smoke(["--url", site.url, "--expect-site", "azure", "--attempts", "1"]);
            assert.equal(failed.status, 1, failed.stdout + failed.stderr);
            assert.match(failed.stdout, /FAIL {2}serving site: x-beacon-site: aws \(expected azure\)/);
        } finally {
            await site.close();
        }
        const bad = await smoke(["--url", "trade.example.com"]);
        assert.equal(bad.status, 2);
        assert.match(bad.stderr, /--url "trade\.example\.com" is not an http\(s\) URL/);
    });
});
