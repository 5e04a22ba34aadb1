import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderDiagram } from "../tools/plan/diagram";
import { DIAGRAM_STACK, README_FILE, renderReadme } from "../tools/readmeDiagram";
import { REPOSITORY_ROOT, sharedPlan } from "./helpers";

describe("topology diagram", () => {
    it("in the README is the current prod plan's: npm run diagram rewrites it", async () => {
        const current = fs.readFileSync(README_FILE, "utf8");
        const plan = await sharedPlan(DIAGRAM_STACK);
        assert.equal(renderReadme(current, plan), current, "README's diagram is stale: run npm run diagram");
    });

    it("draws Cloudflare's pools and monitors, both sites' origins, clusters and caches, and the database nodes of three clouds", async () => {
        const diagram = renderDiagram(await sharedPlan("prod"));
        for (const part of [
            "Pool aws",
            "Pool azure",
            "Monitor aws: GET /healthz every 15 s",
            "EKS cluster",
            "AKS cluster",
            "ElastiCache Redis",
            "Azure Managed Redis",
            "ALB + WAF (origin)",
            "Application Gateway WAF v2 (origin)",
            "Atlas US_EAST_1",
            "Atlas US_EAST_2",
            "Atlas CENTRAL_US",
        ]) {
            assert.ok(diagram.includes(part), `${part} in the diagram`);
        }
    });

    it("turns the arrows round when Azure is the active site", async () => {
        const diagram = renderDiagram(
            await sharedPlan("prod", {
                prod: { "crypto-beacon:activeSite": "azure" },
                "prod-azure": { "crypto-beacon:azureCapacity": "active" },
            }),
        );
        assert.match(diagram, /lb -->\|"1: primary"\| pool_azure/);
        assert.match(diagram, /lb -\.->\|"2: failover"\| pool_aws/);
        assert.match(diagram, /Atlas US_EAST_2<br\/>2 electable nodes, priority 7/);
    });

    it("plan --diagram writes Markdown, and refuses a stack with no edge with exit 2", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "diagram-")), "topology.md");
        const written = spawnSync(
            process.execPath,
            ["--require", "tsx/cjs", "tools/plan/cli.ts", "--stack", "dev", "--skip-policy", "--diagram", file],
            { cwd: REPOSITORY_ROOT, encoding: "utf8" },
        );
        assert.equal(written.status, 0, written.stderr);
        assert.match(fs.readFileSync(file, "utf8"), /^# Topology of stack dev\n[\s\S]*```mermaid\nflowchart TB/);
        // Any stack without a load balancer, here the smallest program's.
        const program = path.join("tests", "fixtures", "program");
        const site = spawnSync(
            process.execPath,
            [
                "--require",
                "tsx/cjs",
                "tools/plan/cli.ts",
                "--program",
                program,
                "--config",
                path.join(program, "Pulumi.demo.yaml"),
                "--skip-policy",
                "--diagram",
                file,
            ],
            { cwd: REPOSITORY_ROOT, encoding: "utf8" },
        );
        assert.equal(site.status, 2);
        assert.match(site.stderr, /stack demo plans no Cloudflare load balancer: a diagram needs an edge or all-in-one stack/);
    });
});
