import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planStack, type StackPlan } from "../tools/plan/planner";
import { listStacks, readProject, readStackFile } from "../tools/plan/stackFile";
import { assertPlanFails, FIXTURES, REPOSITORY_ROOT } from "./helpers";

/**
 * Small programs written here, one per behaviour of the Pulumi CLI and language host that the
 * offline plan emulates: how the program is run, and how stack config is checked against the
 * project's declarations (pulumi/pulumi pkg/workspace/config.go, sdk/go/common/workspace/project.go).
 */
const CONFORMANCE = path.join(FIXTURES, "conformance");

function planConformance(behaviour: string, stackFile: string): Promise<StackPlan> {
    const program = path.join(CONFORMANCE, behaviour);
    return planStack({ program, configFile: path.join(program, stackFile) });
}

function configOf(plan: StackPlan): Record<string, string> {
    return plan.outputs.config as Record<string, string>;
}

describe("conformance: the program runs as the language host runs it", () => {
    it("runs from the project directory, so relative reads resolve there, and gives the cwd back", async () => {
        const before = process.cwd();
        const plan = await planConformance("relative-reads", "Pulumi.dev.yaml");
        assert.equal(plan.outputs.greeting, "hello from the project directory");
        assert.equal(plan.outputs.workingDirectory, path.join(CONFORMANCE, "relative-reads"));
        assert.equal(process.cwd(), before);
    });

    it("takes the entry from Pulumi.yaml's main and the project name from that Pulumi.yaml", async () => {
        const plan = await planConformance("relative-reads", "Pulumi.dev.yaml");
        assert.equal(plan.project, "relative-reads");
        assert.equal(plan.outputs.project, "relative-reads");
        assert.match(plan.resources[0].urn, /^urn:pulumi:dev::relative-reads::pulumi:pulumi:Stack::/);
    });

    it("takes config from the stack file given, wherever it lives, and the stack name from its name", async () => {
        const plan = await planConformance("relative-reads", path.join("stacks", "Pulumi.elsewhere.yaml"));
        assert.equal(plan.outputs.stack, "elsewhere");
        assert.equal(plan.outputs.greeting, "hello from the other file");
    });

    it("without main, runs the entry that package.json names", async () => {
        const plan = await planConformance("package-main", "Pulumi.dev.yaml");
        assert.equal(plan.outputs.entry, "app/program.ts");
    });
});

describe("conformance: stack config is checked as the CLI checks it", () => {
    describe("declared arrays", () => {
        it("accept a YAML list, handed to the program as JSON", async () => {
            const config = configOf(await planConformance("config-array", "Pulumi.list.yaml"));
            assert.deepEqual(JSON.parse(config["config-array:zones"]), ["eu-west-1a", "eu-west-1b"]);
            assert.deepEqual(JSON.parse(config["config-array:sizes"]), [1, 2]);
        });

        it("refuse a quoted JSON array, which is a string, naming the file, the key and what is allowed", async () => {
            const message = await assertPlanFails(
                planConformance("config-array", "Pulumi.quoted.yaml"),
                2,
                "Pulumi.quoted.yaml: invalid stack config",
                "config-array:zones: must be a YAML list of string values (Pulumi.yaml declares type array<string>)",
                "a quoted JSON array is a string to the CLI",
            );
            assert.doesNotMatch(message, /expected array|received string/);
        });

        it("refuse a list with an element of another type", async () => {
            await assertPlanFails(
                planConformance("config-array", "Pulumi.wrong-items.yaml"),
                2,
                "config-array:sizes: must be a YAML list of whole number values",
            );
        });
    });

    describe("required keys", () => {
        it("pass when the stack sets them, with the declared defaults and values of the rest injected", async () => {
            const config = configOf(await planConformance("config-required", "Pulumi.set.yaml"));
            assert.equal(config["config-required:domain"], "trade.example.com");
            assert.equal(config["config-required:owner"], "platform-team");
            assert.equal(config["aws:region"], "eu-west-1");
        });

        it("fail when a key of the project declared without a default is not set", async () => {
            await assertPlanFails(
                planConformance("config-required", "Pulumi.unset.yaml"),
                2,
                "Pulumi.unset.yaml",
                "config-required:domain: missing; Pulumi.yaml declares it with no default",
            );
        });
    });

    describe("secret keys", () => {
        it("accept a secure value and hand it over as a secret", async () => {
            const plan = await planConformance("config-secret", "Pulumi.secure.yaml");
            assert.match(configOf(plan)["config-secret:apiToken"], /^\[offline placeholder for secure value config-secret:apiToken/);
            const program = path.join(CONFORMANCE, "config-secret");
            assert.deepEqual(readStackFile(readProject(program), path.join(program, "Pulumi.secure.yaml")).secretKeys, [
                "config-secret:apiToken",
            ]);
        });

        it("refuse a plaintext value", async () => {
            await assertPlanFails(
                planConformance("config-secret", "Pulumi.plaintext.yaml"),
                2,
                "config-secret:apiToken: must be encrypted, Pulumi.yaml declares it secret",
                "pulumi config set --secret config-secret:apiToken",
            );
        });

        it("take a required secret from the ESC environment the stack imports, stood in for offline", async () => {
            const plan = await planConformance("config-secret", "Pulumi.esc.yaml");
            assert.match(configOf(plan)["config-secret:apiToken"], /from ESC environment config-secret\/esc; not resolved/);
        });

        it("refuse the plaintext default the CLI injects into a stack that does not set a secret declared with a default", async () => {
            await assertPlanFails(
                planConformance("config-secret-default", "Pulumi.unset.yaml"),
                2,
                "config-secret-default:apiToken: must be encrypted",
                "injects the declared default as plaintext",
            );
            const plan = await planConformance("config-secret-default", "Pulumi.secure.yaml");
            assert.ok(configOf(plan)["config-secret-default:apiToken"].includes("secure value"));
        });
    });

    describe("scalar types", () => {
        it("accept integers and booleans as text, as every stack value is", async () => {
            const config = configOf(await planConformance("config-types", "Pulumi.good.yaml"));
            assert.equal(config["config-types:zoneCount"], "3");
            assert.equal(config["config-types:publicAccess"], "true");
        });

        it("refuse a word for an integer, anything but true or false for a boolean, and a list for a string", async () => {
            await assertPlanFails(
                planConformance("config-types", "Pulumi.bad.yaml"),
                2,
                'config-types:zoneCount: must be a whole number (Pulumi.yaml declares type integer); got the string "three"',
                'config-types:publicAccess: must be true or false (Pulumi.yaml declares type boolean); got the string "yes"',
                'config-types:domain: must be a string (Pulumi.yaml declares type string); got ["trade.example.com"]',
            );
        });
    });

    describe("namespaces", () => {
        it("put a key without a namespace in the project's, and hand a project value of another namespace to the stack", async () => {
            const config = configOf(await planConformance("config-namespaces", "Pulumi.dev.yaml"));
            assert.equal(config["config-namespaces:owner"], "trading-team");
            assert.equal(config["aws:region"], "eu-west-1");
        });

        it("let a stack override another namespace's project value", async () => {
            const config = configOf(await planConformance("config-namespaces", "Pulumi.us.yaml"));
            assert.equal(config["aws:region"], "us-east-1");
            assert.equal(config["config-namespaces:owner"], "platform-team");
        });
    });

    describe("nested paths (key.field, key[0]), as pulumi config set --path writes them", () => {
        it("inject a path's default inside the root's map, create a list for an index, and keep a map with a secure leaf secret", async () => {
            const plan = await planConformance("config-paths", "Pulumi.set.yaml");
            const database = JSON.parse(configOf(plan)["config-paths:database"]) as Record<string, unknown>;
            assert.equal(database.host, "db.internal");
            assert.equal(database.port, 5432, "the CLI coerces the injected default to a number");
            assert.match(String(database.password), /^\[offline placeholder for secure value config-paths:database/);
            assert.deepEqual(JSON.parse(configOf(plan)["config-paths:zones"]), ["eu-west-1a"]);
            assert.ok(plan.secretKeys.includes("config-paths:database"));
            assert.ok(!plan.secretKeys.includes("config-paths:zones"));
        });

        it("refuse a missing required path, naming it and the --path command that sets it", async () => {
            await assertPlanFails(
                planConformance("config-paths", "Pulumi.missing.yaml"),
                2,
                "config-paths:database.host: missing",
                "pulumi config set --path config-paths:database.host",
            );
        });

        it("refuse a plaintext value at a secret path", async () => {
            await assertPlanFails(
                planConformance("config-paths", "Pulumi.plaintext.yaml"),
                2,
                "config-paths:database.password: must be encrypted",
                "pulumi config set --path --secret config-paths:database.password",
            );
        });

        it("check a path's value against its declared type", async () => {
            await assertPlanFails(
                planConformance("config-paths", "Pulumi.wrong-type.yaml"),
                2,
                'config-paths:database.port: must be a whole number (Pulumi.yaml declares type integer); got the string "many"',
            );
        });

        it("refuse a path into a scalar, naming the root that must be a map", async () => {
            await assertPlanFails(
                planConformance("config-paths", "Pulumi.scalar.yaml"),
                2,
                "config-paths:database must be a YAML map for this path to reach into it",
            );
        });
    });

    it("refuses the declarations the CLI refuses when it loads a project", async () => {
        await assertPlanFails(
            planConformance("config-declarations", "Pulumi.dev.yaml"),
            2,
            "config-declarations/Pulumi.yaml: invalid config declarations",
            "zones: type array needs items",
            'zoneCount: the default "three" is not of the declared type integer',
            "aws:region: a key of another namespace takes only a value",
        );
    });
});

describe("conformance: this repository's stack files", () => {
    it("all pass the CLI's checks against Pulumi.yaml", () => {
        const project = readProject(REPOSITORY_ROOT);
        for (const stack of listStacks(REPOSITORY_ROOT)) {
            assert.doesNotThrow(() => readStackFile(project, path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`)), stack);
        }
    });

    it("npm run plan fails a quoted JSON array as the CLI would: exit 2, naming the file and the key, no stack trace", () => {
        const quoted = fs
            .readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.prod-aws.yaml"), "utf8")
            .replace(/crypto-beacon:awsNodeInstanceTypes:\n(\s+- .+\n)+/, "crypto-beacon:awsNodeInstanceTypes: '[\"m6i.xlarge\"]'\n");
        assert.match(quoted, /'\["m6i.xlarge"\]'/);
        const stackFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "quoted-")), "Pulumi.quoted-array.yaml");
        fs.writeFileSync(stackFile, quoted);
        const run = spawnSync(process.execPath, ["--require", "tsx/cjs", "tools/plan/cli.ts", "--config", stackFile, "--skip-policy"], {
            cwd: REPOSITORY_ROOT,
            encoding: "utf8",
        });
        assert.equal(run.status, 2, run.stderr);
        assert.match(
            run.stderr,
            /^error: Pulumi\.quoted-array\.yaml: invalid stack config\n {2}- crypto-beacon:awsNodeInstanceTypes: must be a YAML list of string values/m,
        );
        assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    });
});
