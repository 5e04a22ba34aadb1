import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { lintWorkflows, workflowFiles } from "../tools/lintWorkflows";
import { DEFAULT_PACKS } from "../tools/policy/runner";
import { listStacks, selectStacks, type StackEntry } from "../tools/stacks";
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
    name?: string;
    "runs-on"?: string | string[];
    strategy?: { matrix?: { include?: unknown; stack?: string[] } };
    outputs?: Record<string, string>;
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
    description?: string;
    inputs?: Record<string, { required?: boolean; default?: string }>;
    runs: { using: string; steps: Step[] };
}

const read = (file: string) => fs.readFileSync(path.join(REPOSITORY_ROOT, file), "utf8");
const workflows: Record<string, Workflow> = Object.fromEntries(
    workflowFiles().map((file) => [path.basename(file, ".yml"), parse(read(file)) as Workflow]),
);
const actionNames = fs.readdirSync(path.join(REPOSITORY_ROOT, ".github", "actions"));
const actions: Record<string, CompositeAction> = Object.fromEntries(
    actionNames.map((name) => [name, parse(read(`.github/actions/${name}/action.yml`)) as CompositeAction]),
);

function allSteps(): { workflow: string; job: string; jobDef: Job; step: Step }[] {
    return Object.entries(workflows).flatMap(([workflow, definition]) =>
        Object.entries(definition.jobs).flatMap(([job, jobDef]) => (jobDef.steps ?? []).map((step) => ({ workflow, job, jobDef, step }))),
    );
}

function environmentOf(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

const actionFiles = actionNames.map((name) => `.github/actions/${name}/action.yml`);
const stepsOfActions = Object.entries(actions).flatMap(([name, action]) =>
    action.runs.steps.map((step) => ({ where: `action ${name}`, step })),
);
const pulumiSteps = (job: Job, command?: string) =>
    (job.steps ?? []).filter(
        (step) => step.uses === "./.github/actions/pulumi-stack" && (command === undefined || step.with?.command === command),
    );

/**
 * The stacks a job runs on: its matrix, when that comes from `npm run stacks` in the job it
 * needs (resolved with the same code and the same arguments), or the literal stack it names.
 */
function jobStacks(workflow: Workflow, job: Job): StackEntry[] {
    const include = job.strategy?.matrix?.include;
    if (include === undefined) {
        const named = new Set(pulumiSteps(job).map((step) => String(step.with?.stack)));
        return listStacks().filter((entry) => named.has(entry.stack));
    }
    const source = /^\$\{\{ fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\) \}\}$/.exec(String(include));
    assert.ok(source, `a matrix of stacks comes from npm run stacks in a job this one needs, not ${String(include)}`);
    const [, producer, output] = source;
    const step = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(workflow.jobs[producer].outputs?.[output] ?? "");
    assert.ok(step, `${producer} outputs ${output} from a step`);
    const script = workflow.jobs[producer].steps!.find((candidate) => (candidate as { id?: string }).id === step[1])?.run ?? "";
    const command = new RegExp(`echo "${step[2]}=\\$\\(npm run --silent stacks(?: -- ([^)]*))?\\)"`).exec(script);
    assert.ok(command, `${producer} writes ${step[2]} from npm run stacks:\n${script}`);
    return selectStacks((command[1] ?? "").split(" ").filter(Boolean));
}

const jobs = () =>
    Object.entries(workflows).flatMap(([workflow, definition]) =>
        Object.entries(definition.jobs).map(([job, jobDef]) => ({ workflow, definition, job, jobDef })),
    );

/** Every stack some workflow updates. */
const deployedByWorkflows = () =>
    new Set(
        jobs()
            .filter(({ jobDef }) => pulumiSteps(jobDef, "up").length > 0)
            .flatMap(({ definition, jobDef }) => jobStacks(definition, jobDef).map((entry) => entry.stack)),
    );

/** A third-party action pinned to a full commit, with the release it is in the comment. */
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/;

describe("delivery workflows", () => {
    it("are clean under actionlint, which does catch a broken workflow", async () => {
        assert.deepEqual(await lintWorkflows(workflowFiles()), []);
        const broken = path.join("tests", "fixtures", "workflows", "broken.yml");
        const problems = await lintWorkflows([broken]);
        assert.ok(
            problems.some((problem) => problem.includes('input "nope" is not defined')),
            problems.join("\n"),
        );
        assert.ok(
            problems.some((problem) => problem.includes("potentially untrusted")),
            problems.join("\n"),
        );
    });

    it("cover pull requests, dev, test, staging, production, hotfix, drift, the DR drill, releases and state backups", () => {
        assert.deepEqual(Object.keys(workflows).sort(), [
            "deploy-dev",
            "deploy-production",
            "deploy-staging",
            "deploy-test",
            "dr-drill",
            "drift",
            "hotfix",
            "pull-request",
            "release",
            "state-backup",
        ]);
    });

    it("give this repository's composite actions only the inputs they declare, and every required one", () => {
        const uses = [...allSteps().map(({ workflow, job, step }) => ({ where: `${workflow}/${job}`, step })), ...stepsOfActions];
        for (const { where, step } of uses) {
            if (!step.uses?.startsWith("./.github/actions/")) {
                continue;
            }
            const name = step.uses.replace("./.github/actions/", "");
            const action = actions[name];
            assert.ok(action, `${where} uses ${step.uses}, which does not exist`);
            const declared = action.inputs ?? {};
            for (const input of Object.keys(step.with ?? {})) {
                assert.ok(input in declared, `${where}: ${name} has no input ${input}`);
            }
            for (const [input, spec] of Object.entries(declared)) {
                if (spec.required) {
                    assert.ok(step.with && input in step.with, `${where}: ${name} needs ${input}`);
                }
            }
        }
    });

    it("pin every other action to a full commit, with its release in a comment", () => {
        for (const file of [...workflowFiles(), ...actionFiles]) {
            for (const [, reference] of read(file).matchAll(/^\s*(?:-\s+)?uses:\s+(.+)$/gm)) {
                if (!reference.startsWith("./")) {
                    assert.match(reference, PINNED, `${file}: ${reference}`);
                }
            }
        }
    });

    it("run every preview and update through pulumi/actions v7, always with the policy packs and the stack's policy config", () => {
        const steps = actions["pulumi-stack"].runs.steps;
        const pulumi = steps.find((step) => step.uses?.startsWith("pulumi/actions@"))!;
        assert.match(read(".github/actions/pulumi-stack/action.yml"), /uses: pulumi\/actions@[0-9a-f]{40} # v7\./);
        assert.equal(pulumi.if, undefined, "the Pulumi step cannot be skipped");
        const packs = String(pulumi.with?.policyPacks).trim().split("\n");
        assert.deepEqual(
            packs,
            DEFAULT_PACKS.map((pack) => `policies/${path.basename(pack)}`),
            "the same packs as npm run policy",
        );
        assert.deepEqual(
            String(pulumi.with?.policyPackConfigs).trim().split("\n"),
            packs.map(() => "policies/config/${{ inputs.stack }}.json"),
            "one config per pack, the stack's",
        );
        assert.equal(pulumi.with?.["stack-name"], "${{ inputs.stack }}");
        assert.equal(pulumi.with?.refresh, "true", "previews and updates see the cloud as it is");
        assert.equal(pulumi.with?.["comment-on-summary"], "true", "the preview is in the job summary");
        assert.equal(pulumi.with?.["expect-no-changes"], "${{ inputs.expect-no-changes }}");
        const runs = [
            ...allSteps().map(({ workflow, job, step }) => [`${workflow}/${job}`, step.run ?? ""]),
            ...stepsOfActions.map(({ where, step }) => [where, step.run ?? ""]),
        ];
        for (const [where, script] of runs) {
            assert.doesNotMatch(script, /pulumi (up|preview|destroy|refresh)\b/, `${where} runs Pulumi around the policy packs`);
        }
        for (const { workflow, job, jobDef, step } of allSteps()) {
            if (step.uses === "./.github/actions/pulumi-stack" || /npm run policy/.test(step.run ?? "")) {
                assert.equal(step["continue-on-error"], undefined, `${workflow}/${job}: a policy failure would be ignored`);
                assert.equal(jobDef["continue-on-error"], undefined, `${workflow}/${job}: a policy failure would be ignored`);
            }
        }
        const offline = workflows["pull-request"].jobs["offline-policy"];
        assert.equal(
            offline.steps!.find((step) => /npm run policy/.test(step.run ?? ""))!.if,
            undefined,
            "the offline policy check runs on every pull request",
        );
        assert.deepEqual(
            jobStacks(workflows["pull-request"], offline).map((entry) => entry.stack),
            listStacks().map((entry) => entry.stack),
            "of every stack file",
        );
    });

    it("take Node from .nvmrc, which names the major that package.json's engines and the npm node package agree with", () => {
        const nvmrc = read(".nvmrc").trim();
        assert.match(nvmrc, /^\d+$/);
        const manifest = JSON.parse(read("package.json")) as { engines: { node: string }; devDependencies: Record<string, string> };
        assert.equal(manifest.engines.node, `>=${nvmrc}`);
        assert.equal(manifest.devDependencies.node.split(".")[0], nvmrc, "the Node of npm run on machines without a version manager");
        const setupNode = actions.setup.runs.steps.find((step) => step.uses?.startsWith("actions/setup-node@"))!;
        assert.equal(setupNode.with?.["node-version-file"], "${{ inputs.directory }}/.nvmrc");
        assert.equal(actions.setup.inputs?.directory?.default, ".");
        for (const file of [...workflowFiles(), ...actionFiles]) {
            assert.doesNotMatch(read(file), /node-version:/, `${file} names a Node version of its own`);
        }
    });

    it("cache the Pulumi provider plugins where the CLI is installed", () => {
        const steps = actions["cloud-login"].runs.steps;
        const cache = steps.find((step) => step.uses?.startsWith("actions/cache@"));
        assert.equal(cache?.with?.path, "~/.pulumi/plugins");
        assert.match(String(cache?.with?.key), /hashFiles\('package-lock\.json'\)/);
    });

    it("check a pull request once per change, and audit its dependencies", () => {
        assert.deepEqual(Object.keys(workflows["pull-request"].on), ["pull_request"]);
        for (const [workflow, definition] of Object.entries(workflows)) {
            if (workflow !== "pull-request") {
                assert.ok(!("pull_request" in definition.on), `${workflow} runs on pull requests too`);
            }
        }
        const audit = workflows["pull-request"].jobs.audit.steps!.map((step) => step.run ?? "");
        assert.ok(audit.includes("npm audit --audit-level=high"), audit.join("\n"));
        assert.match(read(".ci/run"), /npm ci --no-audit/, "the registry here may not answer audit requests");
    });

    it("preview and update every stack with a cluster on its own deploy runner, and update only behind its environment", () => {
        for (const { workflow, definition, job, jobDef } of jobs()) {
            if (pulumiSteps(jobDef).length === 0) {
                continue;
            }
            const stacks = jobStacks(definition, jobDef);
            assert.ok(stacks.length > 0, `${workflow}/${job} runs on no stack`);
            for (const entry of stacks) {
                const runsOn = jobDef["runs-on"] === "${{ matrix.runsOn }}" ? entry.runsOn : jobDef["runs-on"];
                if (entry.role !== "edge") {
                    assert.deepEqual(
                        runsOn,
                        ["self-hosted", "deploy-runner", entry.stack],
                        `${workflow}/${job} reaches the cluster of ${entry.stack} from inside its network`,
                    );
                }
                if (pulumiSteps(jobDef, "up").length > 0) {
                    const environment = environmentOf(jobDef);
                    assert.ok(entry.githubEnvironment, `${workflow}/${job} updates ${entry.stack}, which no GitHub environment gates`);
                    assert.ok(
                        environment === entry.githubEnvironment ||
                            (environment === `${entry.githubEnvironment}-rollback` && /failure\(\)/.test(String(jobDef.if))),
                        `${workflow}/${job} updates ${entry.stack} in environment ${environment}`,
                    );
                }
            }
        }
        for (const { workflow, job, jobDef } of jobs()) {
            if (jobDef.uses === "./.github/workflows/deploy-production.yml") {
                assert.ok(jobDef.needs, `${workflow}/${job} must wait for the earlier gates`);
            }
        }
    });

    it("deploy dev only when dispatched, from its own runner, since no laptop reaches its private clusters", () => {
        const dev = workflows["deploy-dev"];
        assert.deepEqual(Object.keys(dev.on), ["workflow_dispatch"], "dispatched on the branch to try, never on a push");
        const devStacks = listStacks().filter((entry) => entry.environment === "dev");
        assert.ok(devStacks.length > 0);
        for (const entry of devStacks) {
            assert.deepEqual(entry.runsOn, ["self-hosted", "deploy-runner", entry.stack], `${entry.stack} runs on its deploy runner`);
        }
        const deploy = dev.jobs.deploy;
        assert.equal(deploy["runs-on"], "${{ matrix.runsOn }}");
        assert.equal(environmentOf(deploy), "dev");
        assert.deepEqual(
            jobStacks(dev, deploy).map((entry) => entry.stack),
            devStacks.map((entry) => entry.stack),
            "every dev stack, from its stack file",
        );
        const steps = deploy.steps!;
        const update = steps.findIndex((step) => step.uses === "./.github/actions/pulumi-stack" && step.with?.command === "up");
        assert.ok(update >= 0, "updates the stack");
        assert.ok(
            steps.slice(update).some((step) => /npm run smoke/.test(step.run ?? "")),
            "then smoke-tests it",
        );
    });

    it("preview production, ungated, and apply behind one approval exactly what was previewed", () => {
        const production = workflows["deploy-production"];
        const prodStacks = listStacks()
            .filter((entry) => entry.environment === "prod")
            .map((entry) => entry.stack)
            .sort();
        const previews = Object.values(production.jobs).filter((job) => pulumiSteps(job, "preview").length > 0);
        const applies = Object.entries(production.jobs).filter(([, job]) => environmentOf(job) === "production");
        assert.deepEqual(
            previews.flatMap((job) => jobStacks(production, job).map((entry) => entry.stack)).sort(),
            prodStacks,
            "every production stack is previewed",
        );
        assert.deepEqual(
            applies.flatMap(([, job]) => jobStacks(production, job).map((entry) => entry.stack)).sort(),
            prodStacks,
            "and applied",
        );
        for (const job of previews) {
            assert.equal(environmentOf(job), undefined, "the preview waits for nobody: approvers read it");
            const steps = job.steps!;
            const preview = steps.findIndex((step) => step.uses === "./.github/actions/pulumi-stack");
            const record = steps.findIndex((step) => step.uses === "./.github/actions/approved-preview" && step.with?.mode === "record");
            assert.ok(record > preview, "what was previewed is recorded after the preview");
            assert.ok(
                steps
                    .slice(record)
                    .some(
                        (step) =>
                            step.uses?.startsWith("actions/upload-artifact@") && step.with?.name === "approved-preview-${{ matrix.stack }}",
                    ),
            );
        }
        for (const [name, job] of applies) {
            assert.deepEqual(
                job.needs,
                ["release", ...Object.keys(production.jobs).filter((other) => previews.includes(production.jobs[other]))],
                `${name} waits for the previews, and for nothing gated: one approval releases every job`,
            );
            const steps = job.steps!;
            const update = steps.findIndex((step) => step.uses === "./.github/actions/pulumi-stack" && step.with?.command === "up");
            const verify = steps.findIndex((step) => step.uses === "./.github/actions/approved-preview" && step.with?.mode === "verify");
            const backup = steps.findIndex(
                (step) => step.uses === "./.github/actions/predeploy-backup" && step.with?.stack === "${{ matrix.stack }}",
            );
            assert.ok(verify >= 0 && verify < backup && backup < update, `${name}: verify the approved preview, back up, then update`);
        }
        const [, edge] = applies.find(([, job]) => jobStacks(production, job).every((entry) => entry.role === "edge"))!;
        const wait = edge.steps!.find((step) => step.uses === "./.github/actions/wait-for-jobs");
        assert.ok(
            wait && edge.steps!.indexOf(wait) < edge.steps!.findIndex((step) => step.uses === "./.github/actions/pulumi-stack"),
            "the edge waits for the sites",
        );
        for (const [, job] of applies.filter(([, other]) => other !== edge)) {
            assert.ok(String(job.name).startsWith(String(wait.with?.["job-prefix"])), `the edge waits for ${job.name}`);
        }
        assert.ok(
            edge.steps!.some((step) => /npm run smoke/.test(step.run ?? "")),
            "smoke tests after the edge update",
        );
        assert.match(
            actions["approved-preview"].description ?? "",
            /PULUMI_EXPERIMENTAL/,
            "the guard says why it stands in for update plans",
        );
    });

    it("roll production back to the previous release without a second approval, only the stacks this run changed", () => {
        const production = workflows["deploy-production"];
        const applied = Object.entries(production.jobs).filter(([, job]) => environmentOf(job) === "production");
        const rollbacks = Object.entries(production.jobs).filter(([, job]) => environmentOf(job) === "production-rollback");
        assert.deepEqual(
            rollbacks.flatMap(([, job]) => jobStacks(production, job).map((entry) => entry.stack)).sort(),
            applied.flatMap(([, job]) => jobStacks(production, job).map((entry) => entry.stack)).sort(),
        );
        for (const [name, job] of rollbacks) {
            assert.match(String(job.if), /failure\(\)/, name);
            for (const [apply] of applied) {
                assert.ok((job.needs as string[]).includes(apply), `${name} follows ${apply}`);
            }
            const steps = job.steps!;
            const touched = steps.findIndex((step) => step.uses === "./.github/actions/updated-by-this-run");
            const update = steps.find((step) => step.uses === "./.github/actions/pulumi-stack")!;
            assert.ok(touched >= 0 && touched < steps.indexOf(update));
            assert.equal(update.if, "steps.touched.outputs.updated == 'true'");
            assert.equal(update.with?.version, "${{ needs.release.outputs.previous }}");
            assert.ok(
                steps.some(
                    (step) =>
                        step.uses?.startsWith("actions/checkout@") &&
                        step.with?.ref === "${{ needs.release.outputs.previous }}" &&
                        step.with.path === update.with?.["work-dir"],
                ),
                `${name} runs the previous release's program`,
            );
        }
        assert.match(
            read(".github/actions/pulumi-stack/action.yml"),
            /message: \$\{\{ github\.workflow \}\} run \$\{\{ github\.run_id \}\} by /,
            "the update message names the run",
        );
    });

    it("sign in to the clouds with OIDC only: no repository secret, no long-lived key", () => {
        for (const file of [...workflowFiles(), ...actionFiles]) {
            const text = read(file);
            assert.doesNotMatch(text, /\$\{\{\s*secrets\./, `${file} reads a repository secret`);
            assert.doesNotMatch(
                text,
                /AWS_SECRET_ACCESS_KEY|ARM_CLIENT_SECRET|PULUMI_ACCESS_TOKEN|client-secret/,
                `${file} names a long-lived credential`,
            );
        }
        for (const { workflow, definition, job, jobDef } of jobs()) {
            if ((jobDef.steps ?? []).some((step) => step.uses === "./.github/actions/cloud-login")) {
                const permissions = jobDef.permissions ?? definition.permissions ?? {};
                assert.equal(permissions["id-token"], "write", `${workflow}/${job} needs an OIDC token`);
            }
        }
    });

    it("reach the clusters as the read-only preview identity, and as the deploy runner's identity only to update", () => {
        for (const { workflow, job, jobDef } of jobs()) {
            const login = (jobDef.steps ?? []).find((step) => step.uses === "./.github/actions/cloud-login");
            if (!login) {
                continue;
            }
            const updates =
                pulumiSteps(jobDef, "up").length > 0 ||
                (jobDef.steps ?? []).some((step) => /npm run drill -- (?!.*--offline)/.test(step.run ?? ""));
            assert.equal(login.with?.["kubernetes-access"], updates ? "deploy" : "read", `${workflow}/${job}`);
            if (!updates) {
                assert.ok(
                    !String(login.with?.["aws-role-arn"] ?? "").includes("DEPLOY"),
                    `${workflow}/${job} previews with the preview role`,
                );
                assert.ok(
                    !String(login.with?.["azure-client-id"] ?? "").includes("DEPLOY"),
                    `${workflow}/${job} previews with the preview identity`,
                );
            }
        }
        const runnerIdentity = actions["cloud-login"].runs.steps.find((step) => /DEPLOY_RUNNER_CLIENT_ID/.test(step.run ?? ""))!;
        assert.match(String(runnerIdentity.if), /inputs\.kubernetes-access == 'deploy'/, "a preview never signs in as the cluster admin");
    });

    it("give a pull request's jobs on the deploy runners the preview identity alone, outside every deploy environment", () => {
        const onRunners = Object.entries(workflows["pull-request"].jobs).filter(
            ([, job]) =>
                job["runs-on"] === "${{ matrix.runsOn }}" &&
                jobStacks(workflows["pull-request"], job).some((entry) => entry.role !== "edge"),
        );
        assert.ok(onRunners.length > 0, "pull requests preview the stacks with clusters");
        for (const [name, job] of onRunners) {
            assert.equal(environmentOf(job), undefined, `${name}: an environment would match the deploy role's OIDC trust`);
            const login = job.steps!.find((step) => step.uses === "./.github/actions/cloud-login");
            assert.deepEqual(
                [login?.with?.["kubernetes-access"], login?.with?.["aws-role-arn"], login?.with?.["azure-client-id"]],
                ["read", "${{ vars.AWS_PREVIEW_ROLE_ARN }}", "${{ vars.AZURE_PREVIEW_CLIENT_ID }}"],
                name,
            );
            assert.deepEqual(
                pulumiSteps(job).map((step) => step.with?.command),
                ["preview"],
                `${name} only previews`,
            );
        }
    });

    it("record who deployed what, from which commit, and when, on every update", () => {
        const record = actions["pulumi-stack"].runs.steps.find((step) => step.name === "Record the deployment")!;
        assert.equal(record.if, "inputs.command == 'up'");
        for (const tag of ["deployed-by", "deployed-commit", "deployed-version", "deployed-at", "deployed-run"]) {
            assert.match(record.run ?? "", new RegExp(`pulumi stack tag set ${tag} `), tag);
        }
        assert.match(
            record.run ?? "",
            /commit="\$\(git -C "\$WORK_DIR" rev-parse HEAD\)"/,
            "the commit deployed, which is not the run's own in a rollback",
        );
        assert.match(record.run ?? "", /GITHUB_STEP_SUMMARY/);
    });

    it("report drift only against the commit each deployed stack was deployed from", () => {
        const drift = workflows.drift;
        assert.deepEqual(drift.on.schedule, [{ cron: "0 5 * * *" }]);
        const preview = drift.jobs.preview;
        assert.deepEqual(
            new Set(jobStacks(drift, preview).map((entry) => entry.stack)),
            deployedByWorkflows(),
            "exactly the stacks a workflow deploys",
        );
        const steps = preview.steps!;
        const checkout = steps.find(
            (step) => step.uses?.startsWith("actions/checkout@") && step.with?.ref === "${{ steps.deployed.outputs.commit }}",
        );
        assert.ok(checkout, "checks out the deployed commit");
        assert.match(steps.find((step) => (step as { id?: string }).id === "deployed")?.run ?? "", /pulumi stack tag get deployed-commit/);
        const pulumi = steps.find((step) => step.uses === "./.github/actions/pulumi-stack")!;
        assert.deepEqual(pulumi.with, {
            command: "preview",
            stack: "${{ matrix.stack }}",
            "work-dir": checkout.with?.path,
            "expect-no-changes": "true",
        });
        assert.equal(pulumi.if, "steps.deployed.outputs.commit != ''", "a stack no workflow deployed is skipped");
    });

    it("release with release-please on main and on hotfix branches, and let Dependabot update npm and the actions", () => {
        const manifest = JSON.parse(read(".release-please-manifest.json")) as Record<string, string>;
        assert.equal(manifest["."], (JSON.parse(read("package.json")) as { version: string }).version);
        const config = JSON.parse(read("release-please-config.json")) as { "release-type": string; "include-v-in-tag": boolean };
        assert.equal(config["release-type"], "node");
        assert.equal(config["include-v-in-tag"], true, "deploy-production takes vMAJOR.MINOR.PATCH tags");
        for (const workflow of ["release", "hotfix"]) {
            const definition = workflows[workflow];
            const release = Object.values(definition.jobs)
                .flatMap((job) => job.steps ?? [])
                .find((step) => step.uses?.startsWith("googleapis/release-please-action@"));
            assert.deepEqual(
                [release?.with?.["config-file"], release?.with?.["manifest-file"]],
                ["release-please-config.json", ".release-please-manifest.json"],
                workflow,
            );
            assert.equal(definition.jobs.production.uses, "./.github/workflows/deploy-production.yml");
            assert.equal(definition.jobs.production.with?.version, "${{ needs.release-please.outputs.version }}");
        }
        for (const { workflow, job, step } of allSteps()) {
            assert.doesNotMatch(step.run ?? "", /gh release create|git tag (?!--list)/, `${workflow}/${job} makes a release by hand`);
        }
        const dependabot = parse(read(".github/dependabot.yml")) as { updates: { "package-ecosystem": string }[] };
        assert.deepEqual(dependabot.updates.map((update) => update["package-ecosystem"]).sort(), ["github-actions", "npm"]);
    });

    it("keep a quarterly DR drill's reports, run from the Azure site's deploy runner", () => {
        const drill = workflows["dr-drill"];
        assert.deepEqual(drill.on.schedule, [{ cron: "0 6 1 1,4,7,10 *" }]);
        const job = drill.jobs.drill;
        assert.deepEqual(
            jobStacks(drill, job).map((entry) => entry.role),
            ["azure-site"],
        );
        const drillSteps = job.steps!;
        assert.ok(drillSteps.some((step) => /npm run drill -- --stack staging --to azure --report/.test(step.run ?? "")));
        assert.ok(drillSteps.some((step) => step.uses?.startsWith("actions/upload-artifact@") && step.with?.path === "drill/"));
    });

    it("and the runbooks only name npm scripts, workflows and files that exist", () => {
        const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
        const texts = [
            ...allSteps().map(({ workflow, job, step }) => [`${workflow}/${job}`, step.run ?? ""]),
            ...fs
                .readdirSync(path.join(REPOSITORY_ROOT, "docs", "runbooks"))
                .map((file) => [`docs/runbooks/${file}`, read(`docs/runbooks/${file}`)]),
            ["docs/state-and-secrets.md", read("docs/state-and-secrets.md")],
        ];
        for (const [where, text] of texts) {
            for (const [, script] of text.matchAll(/npm run (?:--silent )?([a-z:-]+)/g)) {
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
