// First: what this loads after it is compiled once, then read from the cache (tools/compileCache.ts).
import "./compileCache";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { projectConfigDeclarations } from "../stacks/config/declarations";

/**
 * Writes the `config:` section of Pulumi.yaml from the config schema, so that the CLI validates
 * types, applies defaults and enforces secrets exactly as the program does. With `--check`, only
 * reports whether the file is current.
 */
export const PROJECT_FILE = path.resolve(__dirname, "..", "Pulumi.yaml");

export function renderProjectFile(current: string): string {
    const document = parseDocument(current);
    document.set("config", projectConfigDeclarations());
    return document.toString({ lineWidth: 0 });
}

if (require.main === module) {
    const current = fs.readFileSync(PROJECT_FILE, "utf8");
    const rendered = renderProjectFile(current);
    if (process.argv.includes("--check")) {
        if (rendered !== current) {
            process.stderr.write("Pulumi.yaml's config section is stale; run npm run config:declarations\n");
            process.exit(1);
        }
    } else {
        fs.writeFileSync(PROJECT_FILE, rendered);
        process.stdout.write(`Wrote the config declarations of ${PROJECT_FILE}\n`);
    }
}
