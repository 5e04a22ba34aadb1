import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { parse } from "yaml";
import { PROJECT_FILE, renderProjectFile } from "../tools/projectConfig";
import { ALL_KEYS, SECRET_KEYS } from "../stacks/config/schema";

describe("Pulumi.yaml", () => {
    const current = fs.readFileSync(PROJECT_FILE, "utf8");
    const project = parse(current) as {
        runtime: { options: Record<string, unknown> };
        main: string;
        config: Record<string, { type: string; description: string; default?: unknown; secret?: boolean }>;
    };

    it("declares exactly the schema's keys, as `npm run config:declarations` writes them", () => {
        assert.equal(renderProjectFile(current), current, "Pulumi.yaml is stale: run npm run config:declarations");
        assert.deepEqual(Object.keys(project.config).sort(), Object.keys(ALL_KEYS).sort());
    });

    it("gives every key a type and a description, and a default unless every stack must set it", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            assert.ok(["string", "integer", "boolean", "array"].includes(declaration.type), key);
            assert.ok(declaration.description.length > 10, `${key} is described`);
            const everyStackSetsIt = ["role", "environment", "atlasProjectId", "atlasClientId", "atlasClientSecret"].includes(key);
            assert.equal(declaration.default === undefined, everyStackSetsIt, `${key}'s default`);
        }
    });

    it("declares secret the secrets every stack sets, so the CLI refuses a plaintext value too", () => {
        for (const key of SECRET_KEYS) {
            assert.equal(project.config[key].secret, project.config[key].default === undefined ? true : undefined, key);
        }
    });

    it("never declares a secret with a default, which the CLI would inject as plaintext and then refuse", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            assert.ok(!(declaration.secret && declaration.default !== undefined), key);
        }
    });

    it("runs the program through tsx, without a type-check on every run", () => {
        assert.equal(project.runtime.options.typescript, false);
        assert.equal(project.runtime.options.nodeargs, "--require tsx/cjs");
        assert.ok(fs.existsSync(project.main));
    });
});
