import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";
import { REPOSITORY_ROOT } from "./helpers";

describe("lint", () => {
    const eslint = new ESLint({ cwd: REPOSITORY_ROOT, ignore: false });
    const rulesBrokenIn = async (fixture: string) => {
        const [result] = await eslint.lintFiles([path.join("tests", "fixtures", "lint", fixture)]);
        return result.messages.map((message) => message.ruleId);
    };

    it("catches an Output in a template literal, with Pulumi's rule and type information", async () => {
        assert.deepEqual(await rulesBrokenIn("outputInTemplate.ts"), ["@pulumi/no-output-in-template-literal"]);
    });

    it("catches a schema typed as zod's classic class, which slows the type-check", async () => {
        assert.deepEqual(await rulesBrokenIn("classicZodType.ts"), ["no-restricted-syntax"]);
    });
});
