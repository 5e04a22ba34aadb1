import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { intendedFlows } from "../../model/intent";
import type { IntentEvaluation } from "../../policies/rules/intent/evaluate";
import { evaluateStacks, renderIntentReport } from "../../tools/policy/reports/intent";
import { README_FILE, renderIntentBlock, renderReadme } from "../../tools/policy/reports/intentReadme";
import { planStack } from "../../tools/plan/planner";
import { sharedPlan } from "../helpers";

describe("intent report", () => {
    const flows = intendedFlows("aws").map((flow) =>
        flow.id === "deployer-to-cluster-api"
            ? { id: flow.id, site: "aws" as const, holds: false, by: [], problems: ["no deploy runner in the VPC"] }
            : { id: flow.id, site: "aws" as const, holds: true, by: [`rule for ${flow.id}`], problems: [] },
    );
    const evaluation: IntentEvaluation = {
        stage: "foundation",
        sites: ["aws"],
        flows,
        openings: [
            {
                site: "aws",
                control: "security group aws-redis ingress[1]: ingress tcp 22 from 10.0.0.0/16",
                reason: "no intended flow needs it",
                urn: "urn:x",
            },
        ],
        needs: [
            { id: "nodes-pull-images", site: "aws", holds: true, by: ["managed policy AmazonEC2ContainerRegistryReadOnly"], problems: [] },
            {
                id: "web-reads-own-secret",
                site: "aws",
                holds: false,
                by: [],
                problems: ["the web service holds no grant of secretsmanager:GetSecretValue on its own-secret"],
                pending: "workloads",
            },
        ],
        excess: [],
        capacity: [{ id: "workloads-fit-at-minimum", site: "aws", holds: false, by: [], problems: ["CPU: 9125m requested, 1600m usable"] }],
        unknowns: { flows: [], access: [], capacity: [] },
    };
    const report = renderIntentReport([{ stack: "prod-aws", evaluation }], new Date("2026-12-01T00:00:00Z"));

    it("judges what the packs judge, from the outputs: prod, which they pass, has every flow allowed and every need granted", async () => {
        const edge = await sharedPlan("prod");
        const failing = evaluateStacks([...edge.referencedStacks, edge]).flatMap(({ evaluation }) =>
            [...evaluation.flows, ...evaluation.needs]
                .filter((verdict) => !verdict.holds)
                .map((verdict) => `${verdict.site} ${verdict.id}: ${verdict.problems.join("; ")}`),
        );
        assert.deepEqual(failing, []);
    });

    it("defers, as the packs do, what a first preview's unknown values may undo, and judges the rest", async () => {
        const [{ evaluation }] = evaluateStacks([await planStack({ stack: "prod-aws", newStack: true })]);
        const markdown = renderIntentReport([{ stack: "prod-aws", evaluation }], new Date("2026-12-01T00:00:00Z")).markdown;
        assert.match(markdown, /Needs granted: \d+ of \d+ \(\d+ unknown until the update\)\./);
        assert.match(markdown, /\| aws \| `web-reads-own-secret` \| web \| .* \| ⏳ unknown until the update \| /);
        assert.doesNotMatch(markdown, /❌ (blocked|missing|fails)/, "nothing fails that the packs defer");
    });

    it("gives each intended flow a row with its verdict and the rule that allows it or what blocks it", () => {
        assert.match(
            report.markdown,
            /\| aws \| `edge-to-origin-https` \| Cloudflare edge → Origin load balancer \| tcp 443 \| .* \| ✅ allowed \| rule for edge-to-origin-https \|/,
        );
        assert.match(
            report.markdown,
            /\| aws \| `deployer-to-cluster-api` \| Deploy runner → Cluster API \| tcp 443 \| .* \| ❌ blocked \| no deploy runner in the VPC \|/,
        );
    });

    it("draws allowed flows solid and blocked ones dotted in the Mermaid picture", () => {
        assert.match(report.markdown, /```mermaid\nflowchart LR/);
        assert.match(report.markdown, /aws_cloudflare_edge -->\|"tcp 443"\| aws_origin_load_balancer/);
        assert.match(report.markdown, /aws_deployer -\.->\|"blocked: tcp 443"\| aws_cluster_api/);
    });

    it("lists access needs by grant, needs the evaluation did not reach as not evaluated, and unintended openings", () => {
        assert.match(
            report.markdown,
            /\| aws \| `nodes-pull-images` \| nodes \| .* \| ✅ granted \| managed policy AmazonEC2ContainerRegistryReadOnly \|/,
        );
        assert.match(report.markdown, /\| aws \| `web-reads-assets` \| web \| .* \| ❌ not evaluated \|/);
        // At foundation, a need the workloads stage grants is not judged yet.
        assert.match(report.markdown, /Deploy stage: foundation\./);
        assert.match(report.markdown, /Needs granted: 1 of 1 \(1 to come with a later stage\)\./);
        assert.match(
            report.markdown,
            /\| aws \| `web-reads-own-secret` \| web \| .* \| ⏳ comes with workloads \| the web service holds no grant of secretsmanager:GetSecretValue on its own-secret \|/,
        );
        assert.match(
            report.markdown,
            /\| aws \| security group aws-redis ingress\[1\]: ingress tcp 22 from 10\.0\.0\.0\/16 \| no intended flow needs it \|/,
        );
        assert.match(report.markdown, /\| aws \| `workloads-fit-at-minimum` \| ❌ fails \| CPU: 9125m requested, 1600m usable \|/);
    });

    it("renders the same text as HTML tables", () => {
        assert.match(report.html, /^<!doctype html>/);
        assert.match(report.html, /<td><code>deployer-to-cluster-api<\/code><\/td>/);
    });
});

describe("README flow description", () => {
    it("is the intent model's, as npm run intent:readme writes it", () => {
        const current = fs.readFileSync(README_FILE, "utf8");
        assert.equal(renderReadme(current), current, "README.md's intent block is stale: run npm run intent:readme");
    });

    it("says from which deploy stage each row must hold, per site where the sites differ", () => {
        const block = renderIntentBlock();
        assert.match(block, /^\| `edge-to-origin-https` \| .* \| AWS: foundation; Azure: workloads \| /m);
        assert.match(block, /^\| `gateway-to-web` \| .* \| workloads \| routes to web \|$/m);
        assert.match(block, /^\| Azure \| `nodes-pull-images` \| nodes \| .* \| AcrPull \| workloads \| /m);
        assert.match(block, /^\| AWS \| `nodes-pull-images` \| nodes \| .* \| foundation \| /m);
    });
});
