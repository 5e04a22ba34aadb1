import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BENCHMARKS } from "../../policies/lib/benchmarks";
import { CONTROL_CATALOG } from "../../policies/lib/catalog";
import { controlsFromTags } from "../../policies/lib/controls";
import { loadExemptions } from "../../policies/lib/exemptions";
import type { PlannedResource } from "../../tools/plan/planner";
import { readPolicyConfigFile } from "../../tools/policy/config";
import { renderBenchmarks } from "../../tools/policy/reports/benchmarks";
import { renderEvidence } from "../../tools/policy/reports/evidence";
import { exemptionUses, type EvidenceProvenance } from "../../tools/policy/reports/provenance";
import { DEFAULT_PACKS, PolicyRunner } from "../../tools/policy/runner";
import { REPOSITORY_ROOT, sharedPlan } from "../helpers";
import { mutate, POLICY_FIXTURES, restack, sharedPolicyRunner } from "./helpers";

/** What a report made from a clean checkout of a known commit, with no exemptions, records. */
const PROVENANCE: EvidenceProvenance = {
    commit: { sha: "0123456789abcdef0123456789abcdef01234567", dirty: false },
    policyConfigs: [{ stack: "prod-aws", config: undefined }],
    exemptions: { file: path.join(REPOSITORY_ROOT, "policies", "exemptions.yaml"), entries: [] },
    root: REPOSITORY_ROOT,
};
const GENERATED_AT = new Date("2026-11-27T00:00:00Z");

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
        const { markdown, html } = renderEvidence(check, broken, "pciDss", GENERATED_AT, PROVENANCE);
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
            GENERATED_AT,
            PROVENANCE,
        );
        assert.match(resilienceOnly.markdown, /\| \[6\.3\.3\]\(#633\) \| [^|]+ \| 0 \| not covered \|/);
        assert.match(
            resilienceOnly.markdown,
            /No rule of the packs in this check covers it: its rules belong to a pack left out of the run\./,
        );
        // With all three packs, every control of every framework is covered by a rule or says why it is manual.
        for (const framework of Object.keys(CONTROL_CATALOG) as (keyof typeof CONTROL_CATALOG)[]) {
            const full = renderEvidence(check, broken, framework, GENERATED_AT, PROVENANCE).markdown;
            assert.doesNotMatch(full, /\| not covered \|/, `${framework}: a control no rule covers needs a reason (manual)`);
        }
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

    it("records the commit, each stack's policy config and the exemptions file", async () => {
        const check = await runner.check("prod-aws", prodAws, undefined);
        const devConfig = readPolicyConfigFile(path.join(REPOSITORY_ROOT, "policies", "config", "dev.json"));
        const { markdown } = renderEvidence(check, prodAws, "soc2", GENERATED_AT, {
            ...PROVENANCE,
            commit: { sha: PROVENANCE.commit!.sha, dirty: true },
            policyConfigs: [
                { stack: "prod-aws", config: undefined },
                { stack: "dev", config: devConfig },
            ],
        });
        const provenance = markdown.slice(markdown.indexOf("## Provenance"), markdown.indexOf("## Controls"));
        assert.match(provenance, /Commit `0123456789abcdef0123456789abcdef01234567`, with uncommitted changes/);
        assert.match(provenance, /- `prod-aws`: none; every policy at its pack's level and defaults/);
        assert.match(provenance, /- `dev`: `policies\/config\/dev\.json`\n {2}- `[a-z-]+`: `[^`]+`/);
        assert.match(provenance, /Exemptions: `policies\/exemptions\.yaml`, 0 entries\./);
        const clean = renderEvidence(check, prodAws, "soc2", GENERATED_AT, PROVENANCE).markdown;
        assert.match(clean, /Commit `0123456789abcdef0123456789abcdef01234567`, clean work tree\./);
        assert.match(
            renderEvidence(check, prodAws, "soc2", GENERATED_AT, { ...PROVENANCE, commit: undefined }).markdown,
            /Commit: unknown/,
        );
    });

    it("records what each exemption did, as the packs report it: applied, stale, expired, or for other stacks", async () => {
        const exemptionsFile = path.join(POLICY_FIXTURES, "exemptions.yaml");
        const exemptingRunner = await PolicyRunner.start([DEFAULT_PACKS[0]], { env: { BEACON_POLICY_EXEMPTIONS: exemptionsFile } });
        try {
            const resources = mutate(
                restack(prodAws, "exempt-test"),
                "aws:ec2/subnet:Subnet",
                "aws-site-public-0",
                (inputs) => (inputs.mapPublicIpOnLaunch = true),
            );
            const check = await exemptingRunner.check("exempt-test", resources, undefined);
            const entries = loadExemptions(exemptionsFile);
            assert.deepEqual(
                exemptionUses(entries, check.violations).map(({ exemption, status, excused }) => [
                    exemption.policy,
                    status,
                    excused.length,
                ]),
                [
                    ["aws-subnet-no-auto-public-ip", "applied", 1],
                    ["aws-kms-key-rotation", "expired", 0],
                    ["aws-default-security-group-closed", "stale", 0],
                    ["aws-default-security-group-closed", "not for these stacks", 0],
                ],
            );
            const { markdown } = renderEvidence(check, resources, "pciDss", GENERATED_AT, {
                ...PROVENANCE,
                exemptions: { file: exemptionsFile, entries },
            });
            assert.match(markdown, /Exemptions: `tests\/fixtures\/policy\/exemptions\.yaml`, 4 entries\./);
            assert.match(
                markdown,
                /\| `aws-subnet-no-auto-public-ip` \| `urn:pulumi:exempt-test::crypto-beacon::\*::aws-site-public-0` \| test-suite \| 2099-12-31 \| applied \| 1 \|/,
            );
        } finally {
            exemptingRunner.close();
        }
    });

    it("renders the benchmark coverage: each control's rules and verdict, or the reason none covers it", async () => {
        const broken = mutate(prodAws, "aws:kms/key:Key", "aws-site-logs", (inputs) => (inputs.enableKeyRotation = false));
        const check = await runner.check("prod-aws", broken, undefined);
        const { markdown, html } = renderBenchmarks(check, broken, GENERATED_AT, PROVENANCE);
        for (const benchmark of Object.values(BENCHMARKS)) {
            assert.ok(markdown.includes(`## ${benchmark.title}`), benchmark.title);
            assert.ok(markdown.includes(`Ids and titles checked against: ${benchmark.source}.`), benchmark.title);
        }
        assert.match(markdown, /\| \[3\.6\]\(#cisawsfoundations-3-6\) \| [^|]+ \| `aws-kms-key-rotation` \| fail \|/);
        assert.match(markdown, /\| \[KMS\.4\]\([^)]+\) \| [^|]+ \| `aws-kms-key-rotation` \| fail \|/);
        assert.match(markdown, /\| \[3\.7\]\([^)]+\) \| [^|]+ \| `aws-vpc-flow-logs` \| pass \|/);
        assert.match(markdown, /### IAM\.4\n\n[^\n]+\n\nNot covered: account or organization setting/);
        assert.match(
            markdown,
            /### SecretsManager\.1\n\n[^\n]+\n\nVerdict: \*\*pass\*\*\n\nThe rules check secrets whose value the program writes/,
        );
        assert.match(markdown, /## Provenance/);
        assert.doesNotMatch(html, /mailto:/);
        assert.match(html, /<h2>CIS Amazon Web Services Foundations Benchmark v3\.0\.0<\/h2>/);
        const withoutCompliance = renderBenchmarks(
            { ...check, packs: check.packs.filter((pack) => pack.name !== "crypto-beacon-compliance") },
            broken,
            GENERATED_AT,
            PROVENANCE,
        ).markdown;
        assert.match(withoutCompliance, /\| \[3\.7\]\([^)]+\) \| [^|]+ \| `aws-vpc-flow-logs` \| rule not run \|/);
    });

    it("is written per framework by npm run policy -- --evidence", () => {
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-"));
        // What the report says of this project's stacks is tested above; here, what the command
        // writes, over the smallest program whose edge reads a site (both planned and checked).
        const program = path.join("tests", "fixtures", "conformance", "stack-references");
        const result = spawnSync(
            process.execPath,
            [
                "--require",
                "tsx/cjs",
                "tools/policy/cli.ts",
                "--program",
                program,
                "--config",
                path.join(program, "Pulumi.edge.yaml"),
                "--evidence",
                directory,
            ],
            { cwd: REPOSITORY_ROOT, encoding: "utf8" },
        );
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(fs.readdirSync(directory).sort(), [
            "benchmarks.html",
            "benchmarks.md",
            "ccpa.html",
            "ccpa.md",
            "gdpr.html",
            "gdpr.md",
            "pciDss.html",
            "pciDss.md",
            "soc2.html",
            "soc2.md",
        ]);
        // The edge reads the site, so both are planned and checked.
        const gdpr = fs.readFileSync(path.join(directory, "gdpr.md"), "utf8");
        assert.match(gdpr, /^# GDPR evidence: site, edge\n/);
        assert.match(gdpr, /Commit `[0-9a-f]{40}`/, "the checkout's HEAD");
        assert.match(gdpr, /- `site`: /);
        assert.match(gdpr, /- `edge`: /);
        assert.match(fs.readFileSync(path.join(directory, "benchmarks.md"), "utf8"), /^# Benchmark coverage: site, edge\n/);
    });
});
