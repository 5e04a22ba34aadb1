// First: what this loads after it is compiled once, then read from the cache (tools/compileCache.ts).
import "./compileCache";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCommand } from "./command";
import { renderDiagram } from "./plan/diagram";
import { planStack, type StackPlan } from "./plan/planner";

/**
 * Writes the prod topology diagram into README.md, between its markers, from the offline plan of
 * the prod edge stack, so that the picture cannot drift from the program.
 */
export const README_FILE = path.resolve(__dirname, "..", "README.md");
export const DIAGRAM_STACK = "prod";
const BEGIN = "<!-- topology:begin (npm run diagram writes this block) -->";
const END = "<!-- topology:end -->";

export function renderReadme(current: string, plan: StackPlan): string {
    const begin = current.indexOf(BEGIN);
    const end = current.indexOf(END);
    if (begin < 0 || end < begin) {
        throw new Error(`${README_FILE} has no diagram markers: ${BEGIN} ... ${END}`);
    }
    return `${current.slice(0, begin + BEGIN.length)}\n${renderDiagram(plan)}\n${current.slice(end)}`;
}

if (require.main === module) {
    runCommand("the diagram writer", async () => {
        const plan = await planStack({ stack: DIAGRAM_STACK });
        fs.writeFileSync(README_FILE, renderReadme(fs.readFileSync(README_FILE, "utf8"), plan));
        process.stdout.write(`Wrote the ${DIAGRAM_STACK} topology into ${README_FILE}\n`);
        return 0;
    });
}
