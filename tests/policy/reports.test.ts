import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { StackPlan } from "../../tools/plan/planner";
import { renderConsole } from "../../tools/policy/reports/console";
import { renderJson } from "../../tools/policy/reports/json";
import { renderMarkdown } from "../../tools/policy/reports/markdown";
import { renderSarif } from "../../tools/policy/reports/sarif";
import type { PolicyCheck, PolicyRunner } from "../../tools/policy/runner";
import { readPolicyConfigFile } from "../../tools/policy/config";
import { REPOSITORY_ROOT, sharedPlan } from "../helpers";
import { mutate, sharedPolicyRunner } from "./helpers";

const SARIF_SCHEMA = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

describe("policy reports", () => {
    let runner: PolicyRunner;
    let plan: StackPlan;
    let check: PolicyCheck;
    before(async () => {
        [runner, plan] = await Promise.all([sharedPolicyRunner(), sharedPlan("dev")]);
        // dev's own two advisory findings, plus a mandatory one made advisory by dev's config.
        const broken = mutate(plan.resources, "aws:kms/key:Key", "aws-site-logs", (inputs) => (inputs.enableKeyRotation = false));
        check = await runner.check("dev", broken, readPolicyConfigFile("policies/config/dev.json"));
    });

    it("JSON: { violations } with exactly the fields the issue names", () => {
        const json = renderJson(check);
        assert.deepEqual(Object.keys(json), ["violations"]);
        assert.equal(json.violations.length, check.violations.length);
        for (const violation of json.violations) {
            assert.deepEqual(Object.keys(violation), ["pack", "policy", "enforcementLevel", "severity", "urn", "message", "exempted"]);
        }
        assert.deepEqual([...new Set(json.violations.map((violation) => violation.policy))].sort(), [
            "aws-kms-key-rotation",
            // dev's own shortcuts, advisory there: short retention, one NAT gateway, no alert email.
            "aws-log-group-retention",
            "aws-nat-gateway-per-zone",
            "azure-flow-log-retention",
            "azure-log-analytics-retention",
            "cloudflare-pool-health-notifications",
        ]);
        assert.equal(
            json.violations.filter((violation) => violation.policy === "aws-log-group-retention").length,
            3,
            "dev keeps 30 days in its three log groups (flow logs, the cluster's control plane, the WAF)",
        );
    });

    it("console: grouped by severity, each finding with its resource (name, short type, URN), fix and control ids", () => {
        const text = renderConsole(check);
        assert.match(text, new RegExp(`^MEDIUM \\(${check.violations.length}\\)$`, "m"));
        assert.match(
            text,
            /\[ADVISORY\] crypto-beacon-security\/aws-kms-key-rotation\n {4}resource: aws-site-logs \(aws:kms:Key\) urn:pulumi:dev::.*::aws-site-logs\n {4}enableKeyRotation is not true\n {4}fix: Set enableKeyRotation: true on the key\.\n {4}controls: PCI DSS 4\.0 3\.7\.4, SOC 2 CC6\.1, GDPR art-32/,
        );
        assert.match(text, new RegExp(`0 mandatory, ${check.violations.length} advisory, 0 exempted: passed$`));
    });

    it("SARIF: valid against the SARIF 2.1.0 schema, with rules, levels and source locations", () => {
        const sarif = renderSarif(check, {
            root: REPOSITORY_ROOT,
            stackFile: `${REPOSITORY_ROOT}/Pulumi.dev.yaml`,
            resources: plan.resources,
        });
        // The official SARIF 2.1.0 schema is written in JSON Schema draft-04, and its language
        // pattern has a stray "]" that only non-unicode regular expressions accept.
        const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
        addFormats(ajv);
        const validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, "utf8")));
        assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
        assert.equal(
            validate({ ...sarif, runs: [{ ...sarif.runs[0], results: [{ ...sarif.runs[0].results![0], level: "blocker" }] }] }),
            false,
            "the schema check can fail",
        );

        const [run] = sarif.runs;
        const rules = run.tool.driver.rules!;
        assert.ok(
            rules.some(
                (rule) => rule.id === "crypto-beacon-security/aws-kms-key-rotation" && rule.properties?.["security-severity"] === "5.5",
            ),
        );
        const kms = run.results!.find((result) => result.ruleId === "crypto-beacon-security/aws-kms-key-rotation")!;
        assert.equal(kms.level, "warning", "advisory in dev");
        assert.equal(rules[kms.ruleIndex!].id, kms.ruleId);
        const location = kms.locations![0];
        assert.equal(location.physicalLocation!.artifactLocation!.uri, "components/aws/keys.ts", "points at the code that created the key");
        assert.ok(location.physicalLocation!.region!.startLine! > 1);
        assert.match(location.logicalLocations![0].fullyQualifiedName!, /::aws-site-logs$/);
        const stackFinding = run.results!.find((result) => result.ruleId === "crypto-beacon-resilience/aws-nat-gateway-per-zone")!;
        assert.equal(
            stackFinding.locations![0].physicalLocation!.artifactLocation!.uri,
            "Pulumi.dev.yaml",
            "a stack finding points at the stack file",
        );
    });

    it("SARIF marks exempted findings as accepted suppressions, not as absent", () => {
        const exempted: PolicyCheck = {
            ...check,
            violations: check.violations.map((violation, index) => (index === 0 ? { ...violation, exempted: true } : violation)),
        };
        const sarif = renderSarif(exempted, {
            root: REPOSITORY_ROOT,
            stackFile: `${REPOSITORY_ROOT}/Pulumi.dev.yaml`,
            resources: plan.resources,
        });
        const results = sarif.runs[0].results!;
        assert.equal(results.length, check.violations.length);
        assert.deepEqual(
            results[0].suppressions?.map((suppression) => suppression.status),
            ["accepted"],
        );
    });

    it("Markdown: a status line and a table a pull request can show", () => {
        const markdown = renderMarkdown(check);
        assert.match(markdown, /^### Policy check of `dev`: ✅ passed/);
        assert.match(
            markdown,
            /\| medium \| ADVISORY \| `crypto-beacon-security\/aws-kms-key-rotation` \| `aws-site-logs` \| enableKeyRotation is not true \|/,
        );
    });
});
