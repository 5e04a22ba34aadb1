import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CONTROL_CATALOG } from "../../policies/lib/catalog";
import { controlsFromTags } from "../../policies/lib/controls";
import type { PlannedResource } from "../../tools/plan/planner";
import { renderEvidence } from "../../tools/policy/reports/evidence";
import type { PolicyRunner } from "../../tools/policy/runner";
import { REPOSITORY_ROOT, sharedPlan } from "../helpers";
import { mutate, sharedPolicyRunner } from "./helpers";

describe("evidence report", () => {
    let runner: PolicyRunner;
    let prodAws: PlannedResource[];
    before(async () => {
        [runner, prodAws] = await Promise.all([sharedPolicyRunner(), sharedPlan("prod-aws").then((plan) => [...plan.resources])]);
    });

    it("names only controls that the catalog has, so a typo cannot hide a control", () => {
        const catalogued = new Set(
            Object.entries(CONTROL_CATALOG).flatMap(([framework, controls]) => controls.map((control) => `${framework}:${control.id}`)),
        );
        for (const policy of runner.packs.flatMap((pack) => pack.policies)) {
            for (const { framework, control } of controlsFromTags(policy.tags)) {
                assert.ok(
                    catalogued.has(`${framework}:${control}`),
                    `${policy.name} names ${framework} ${control}, which the catalog lacks`,
                );
            }
        }
    });

    it("gives each control its rules and their verdict per resource, and states what no rule covers", async () => {
        const broken = mutate(prodAws, "aws:kms/key:Key", "aws-site-logs", (inputs) => (inputs.enableKeyRotation = false));
        const check = await runner.check("prod-aws", broken, undefined);
        const { markdown, html } = renderEvidence(check, broken, "pciDss", new Date("2026-11-27T00:00:00Z"));
        assert.match(markdown, /\| \[3\.7\.4\]\(#374\) \| Cryptographic keys are changed at the end of their cryptoperiod \| 1 \| fail \|/);
        const rotation = markdown.slice(markdown.indexOf("### 3.7.4"), markdown.indexOf("### 4.2.1"));
        assert.match(
            rotation,
            /- fail \(mandatory\): urn:pulumi:prod-aws::crypto-beacon::beacon:aws:Keys\$aws:kms\/key:Key::aws-site-logs: enableKeyRotation is not true/,
        );
        assert.match(rotation, /- pass: [^\n]*`urn:pulumi:prod-aws::[^`]*aws:kms\/key:Key::aws-site-data`/, "the other keys passed");
        assert.match(markdown, /\| \[5\.2\.1\]\(#521\) \| [^|]+ \| 0 \| manual \|/);
        assert.match(markdown, /No automated coverage: host and workload protection agents/);
        // Every PCI DSS control our packs can check has a rule: with one pack only, the others show as not covered.
        const resilienceOnly = renderEvidence(
            { ...check, packs: check.packs.filter((pack) => pack.name === "crypto-beacon-resilience") },
            broken,
            "pciDss",
            new Date("2026-11-27T00:00:00Z"),
        );
        assert.match(resilienceOnly.markdown, /\| \[6\.3\.3\]\(#633\) \| [^|]+ \| 0 \| not covered \|/);
        assert.match(resilienceOnly.markdown, /No rule covers this control yet\./);
        assert.match(html, /<table>/);
        assert.match(html, /<h3>3\.7\.4<\/h3>/);
        assert.doesNotMatch(html, /mailto:/, "pack@version is not an email address");
        assert.match(html, /<code>crypto-beacon-security@[^<]+<\/code>/);
        const tagged = markdown.slice(markdown.indexOf("`crypto-beacon-compliance/required-tags`"));
        assert.match(
            tagged.split("\n")[1],
            /^ {2}- pass: \d{2,} resources: \d+ `[^`]+`(, \d+ `[^`]+`)*$/,
            "a long run of URNs is counted by type",
        );
    });

    it("is written per framework by npm run policy -- --evidence", () => {
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-"));
        const result = spawnSync(
            process.execPath,
            ["--require", "tsx/cjs", "tools/policy/cli.ts", "--stack", "prod-azure", "--evidence", directory],
            { cwd: REPOSITORY_ROOT, encoding: "utf8" },
        );
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(fs.readdirSync(directory).sort(), [
            "ccpa.html",
            "ccpa.md",
            "gdpr.html",
            "gdpr.md",
            "pciDss.html",
            "pciDss.md",
            "soc2.html",
            "soc2.md",
        ]);
        // prod-azure reads prod-aws (its asset source), so both are planned and checked.
        assert.match(fs.readFileSync(path.join(directory, "gdpr.md"), "utf8"), /^# GDPR evidence: prod-aws, prod-azure\n/);
    });
});
