import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const MODEL = path.resolve(__dirname, "../../model");

/** Every module a file loads: `import ... from`, bare `import "..."`, `require(...)` and `import(...)`. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(MODEL, file), "utf8");
    return [...text.matchAll(/\bfrom\s+"([^"]+)"|\bimport\s+"([^"]+)"|\b(?:require|import)\(\s*"([^"]+)"\s*\)/g)].map(
        (match) => match[1] ?? match[2] ?? match[3],
    );
}

describe("model: no SDK, no I/O", () => {
    it("sees the imports it checks", () => {
        assert.deepEqual(importsOf("addressing.ts"), ["ipaddr.js"]);
    });

    for (const file of fs.readdirSync(MODEL).filter((name) => name.endsWith(".ts"))) {
        it(`${file} loads only other model modules and plain libraries (zod, ipaddr.js), no Pulumi SDK or Node I/O`, () => {
            assert.deepEqual(
                importsOf(file).filter((source) => !/^(\.\/[\w.]+|zod|ipaddr\.js)$/.test(source)),
                [],
            );
        });
    }
});
