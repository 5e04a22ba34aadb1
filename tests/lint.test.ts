import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";
import { REPOSITORY_ROOT } from "./helpers";

describe("lint", () => {
    it("catches an Output in a template literal, with Pulumi's rule and type information", async () => {
        const eslint = new ESLint({ cwd: REPOSITORY_ROOT, ignore: false });
        const [result] = await eslint.lintFiles([path.join("tests", "fixtures", "lint", "outputInTemplate.ts")]);
        assert.deepEqual(
            result.messages.map((message) => message.ruleId),
            ["@pulumi/no-output-in-template-literal"],
        );
    });
});
