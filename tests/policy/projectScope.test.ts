import * as assert from "node:assert/strict";
import * as path from "node:path";
import { policyConfigFor } from "../../tools/policy/check";
import { REPOSITORY_ROOT } from "../helpers";

describe("policy config belongs to this project's stacks", () => {
    it("gives a stack of this project its policies/config/<stack>.json", () => {
        const config = policyConfigFor({ project: "crypto-beacon", stack: "prod" }, undefined);
        assert.equal(config?.file, path.relative(process.cwd(), path.join(REPOSITORY_ROOT, "policies", "config", "prod.json")));
    });

    it("gives another project's stack of the same name none of this project's files", () => {
        assert.equal(policyConfigFor({ project: "fixture-program", stack: "prod" }, undefined), undefined);
    });

    it("gives any stack the file named on the command line", () => {
        const file = path.join(REPOSITORY_ROOT, "policies", "config", "dev.json");
        assert.ok(policyConfigFor({ project: "fixture-program", stack: "prod" }, file)?.entries);
    });
});
