import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { REPOSITORY_ROOT } from "../helpers";
import { FIXTURE_PACKS } from "./helpers";

async function policyCli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--require", "tsx/cjs", "tools/policy/cli.ts", ...args], {
            cwd: REPOSITORY_ROOT,
        });
        return { status: 0, stdout, stderr };
    } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
}

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "policy-"));

describe("npm run policy", () => {
    it("checks prod and the site stacks it references, writing SARIF and JSON, and passes", async () => {
        const directory = scratch();
        const result = await policyCli(["--stack", "prod", "--sarif", `${directory}/out.sarif`, "--json", `${directory}/out.json`]);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /^Policy check of stack prod-aws, prod-azure, prod: \d+ resources/, "stdout is the report alone");
        // Progress on stderr, each long phase as it starts: the packs, each stack planned (the edge
        // runs again with its site stacks' outputs), each stack analysed, each file written.
        const progress = result.stderr.split("\n").map((line) => line.replace(/^ *\d+\.\ds /, ""));
        const phases = [
            "starting policy packs security, compliance, resilience",
            "planning stack prod",
            "planning stack prod-aws",
            "planning stack prod-azure",
            "planning stack prod again, with the outputs of prod-aws, prod-azure",
            /^planned \d+ resources in 3 stacks$/,
            /^analysing \d+ resources of stack prod-aws$/,
            /^analysing \d+ resources of stack prod-azure$/,
            /^analysing \d+ resources of stack prod$/,
            `wrote ${directory}/out.json`,
            `wrote ${directory}/out.sarif`,
        ];
        assert.deepEqual(
            progress.filter((line) => phases.some((phase) => (typeof phase === "string" ? line === phase : phase.test(line)))).length,
            phases.length,
            result.stderr,
        );
        assert.doesNotMatch(result.stderr, /\u001b\[/, "no colour into a pipe");
        assert.deepEqual(JSON.parse(fs.readFileSync(`${directory}/out.json`, "utf8")), { violations: [] });
        assert.equal(JSON.parse(fs.readFileSync(`${directory}/out.sarif`, "utf8")).version, "2.1.0");
    });

    it("runs a pack nobody here wrote over another program, and exits 1 on its mandatory violation", async () => {
        const directory = scratch();
        const program = path.join("tests", "fixtures", "program");
        const result = await policyCli([
            "--program",
            program,
            "--config",
            path.join(program, "Pulumi.demo.yaml"),
            "--policy-pack",
            path.join(FIXTURE_PACKS, "foreign"),
            "--json",
            `${directory}/out.json`,
        ]);
        assert.equal(result.status, 1, result.stderr);
        const { violations } = JSON.parse(fs.readFileSync(`${directory}/out.json`, "utf8"));
        assert.deepEqual(violations, [
            {
                pack: "acme-storage",
                policy: "acme-bucket-has-owner-tag",
                enforcementLevel: "mandatory",
                severity: "medium",
                urn: "urn:pulumi:demo::fixture-program::pulumi:pulumi:Stack$aws:s3/bucket:Bucket::reports",
                message: "bucket has no owner tag",
                exempted: false,
            },
            {
                pack: "acme-storage",
                policy: "acme-bucket-budget",
                enforcementLevel: "advisory",
                severity: "unspecified",
                urn: "",
                message: "1 buckets; the budget is 0",
                exempted: false,
            },
        ]);
    });

    // The usage errors below do not depend on the stack: a small program keeps the plan before them cheap.
    const smallProgram = [
        "--program",
        path.join("tests", "fixtures", "program"),
        "--config",
        path.join("tests", "fixtures", "program", "Pulumi.demo.yaml"),
    ];

    it("exits 2 for a pack directory that does not exist, naming it", async () => {
        const result = await policyCli([...smallProgram, "--policy-pack", "policies/nowhere"]);
        assert.equal(result.status, 2);
        assert.match(result.stderr, /--policy-pack policies\/nowhere: no such directory/);
    });

    it("exits 2 for a policy config that breaks a policy's schema, naming the pack, the policy and the key", async () => {
        const directory = scratch();
        fs.writeFileSync(`${directory}/bad.json`, JSON.stringify({ "aws-subnets-span-zones": { minimumZones: 9 } }));
        const result = await policyCli([...smallProgram, "--policy-config", `${directory}/bad.json`]);
        assert.equal(result.status, 2);
        assert.match(result.stderr, /pack crypto-beacon-resilience, policy aws-subnets-span-zones, key minimumZones: must be <= 6/);
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    });

    it("--list --json lists every policy with its metadata and a control id or a best-practice tag", async () => {
        const directory = scratch();
        const result = await policyCli(["--list", "--json", `${directory}/policies.json`]);
        assert.equal(result.status, 0, result.stderr);
        const { packs } = JSON.parse(fs.readFileSync(`${directory}/policies.json`, "utf8"));
        assert.deepEqual(
            packs.map((pack: { name: string }) => pack.name),
            ["crypto-beacon-security", "crypto-beacon-compliance", "crypto-beacon-resilience"],
        );
        for (const pack of packs) {
            for (const policy of pack.policies) {
                assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
                assert.ok(policy.description && policy.remediationSteps, `${policy.name} is described and says how to fix it`);
                assert.ok(["low", "medium", "high", "critical"].includes(policy.severity), policy.name);
                assert.ok(policy.controls.length > 0 || policy.bestPractice, `${policy.name} maps to a control or is marked best-practice`);
            }
        }
        const kinds = new Set(packs.flatMap((pack: { policies: { kind: string }[] }) => pack.policies.map((policy) => policy.kind)));
        assert.deepEqual([...kinds].sort(), ["resource", "stack"]);
    });
});
