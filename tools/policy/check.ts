import * as fs from "node:fs";
import * as path from "node:path";
import type { Terminal } from "../cli";
import type { StackPlan } from "../plan/planner";
import { readPolicyConfigFile, stackPolicyConfigFile, type PolicyConfigFile } from "./config";
import { FRAMEWORKS, type Framework } from "../../policies/lib/controls";
import { DEFAULT_EXEMPTIONS_FILE, loadExemptions } from "../../policies/lib/exemptions";
import { PROJECT } from "../../stacks/config/schema";
import { renderConsole } from "./reports/console";
import { renderBenchmarks } from "./reports/benchmarks";
import { renderEvidence } from "./reports/evidence";
import { renderJson } from "./reports/json";
import { renderMarkdown } from "./reports/markdown";
import { readCommit, type EvidenceProvenance } from "./reports/provenance";
import { renderSarif } from "./reports/sarif";
import { blockingViolations, PolicyRunner, type PolicyCheck } from "./runner";

export interface ReportFiles {
    readonly json?: string;
    readonly sarif?: string;
    readonly markdown?: string;
    /** A directory for the evidence report: `<framework>.md` and `.html` per framework, and `benchmarks.md`/`.html`. */
    readonly evidence?: string;
}

/**
 * The policy config of a planned stack: the file given, else the repository's file for the stack,
 * if any. The repository's files are this project's: another project's stack that shares a stack
 * name (a `--program` plan) gets none of them.
 */
export function policyConfigFor(
    plan: Pick<StackPlan, "project" | "stack">,
    explicitFile: string | undefined,
): PolicyConfigFile | undefined {
    if (explicitFile) {
        return readPolicyConfigFile(explicitFile);
    }
    if (plan.project !== PROJECT) {
        return undefined;
    }
    const file = stackPolicyConfigFile(plan.stack);
    return fs.existsSync(file) ? readPolicyConfigFile(file) : undefined;
}

/** The stack and every stack it references, referenced ones first: each is checked on its own. */
export function stacksOf(plan: StackPlan): StackPlan[] {
    return [...plan.referencedStacks.flatMap(stacksOf), plan];
}

/**
 * Checks a planned stack and the stacks it references with running packs, each with its own
 * policy config (the file given applies to all), prints the console report on stdout (progress and
 * the files written on stderr), writes the requested files, and returns the exit status: 1 when a mandatory violation (an expired exemption is one)
 * stands, else 0.
 */
export async function checkPlannedStack(
    runner: PolicyRunner,
    plan: StackPlan,
    explicitConfigFile: string | undefined,
    files: ReportFiles,
    root: string,
    terminal: Terminal,
): Promise<{ check: PolicyCheck; exitCode: number }> {
    const stacks = stacksOf(plan);
    const checks: PolicyCheck[] = [];
    const policyConfigs = stacks.map((stack) => ({ stack: stack.stack, config: policyConfigFor(stack, explicitConfigFile) }));
    runner.prepare(stacks.map((stack) => ({ resources: stack.resources, configuration: stack })));
    for (const [position, stack] of stacks.entries()) {
        terminal.progress(`analysing ${stack.resources.length} resources of stack ${terminal.styleErr("bold", stack.stack)}`);
        checks.push(await runner.check(stack.stack, stack.resources, policyConfigs[position].config, stack));
    }
    const check: PolicyCheck = {
        stack: stacks.map((stack) => stack.stack).join(", "),
        packs: runner.packs,
        violations: checks.flatMap((stackCheck) => stackCheck.violations),
        resourceCount: checks.reduce((sum, stackCheck) => sum + stackCheck.resourceCount, 0),
    };
    terminal.out(renderConsole(check, terminal.styleOut));
    const write = (file: string | undefined, content: string) => {
        if (file) {
            fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
            fs.writeFileSync(file, content);
            terminal.wrote(file);
        }
    };
    const resources = stacks.flatMap((stack) => stack.resources);
    write(files.json, `${JSON.stringify(renderJson(check), null, 2)}\n`);
    write(files.sarif, `${JSON.stringify(renderSarif(check, { root, stackFile: path.join(root, plan.stackFile), resources }), null, 2)}\n`);
    write(files.markdown, `${renderMarkdown(check)}\n`);
    if (files.evidence) {
        const generatedAt = new Date();
        // The file the packs read: they inherit this process's environment.
        const exemptionsFile = process.env.BEACON_POLICY_EXEMPTIONS ?? DEFAULT_EXEMPTIONS_FILE;
        const provenance: EvidenceProvenance = {
            commit: readCommit(root),
            policyConfigs,
            exemptions: { file: exemptionsFile, entries: loadExemptions(exemptionsFile) },
            root,
        };
        for (const framework of Object.keys(FRAMEWORKS) as Framework[]) {
            const evidence = renderEvidence(check, resources, framework, generatedAt, provenance);
            write(path.join(files.evidence, `${framework}.md`), evidence.markdown);
            write(path.join(files.evidence, `${framework}.html`), evidence.html);
        }
        const benchmarks = renderBenchmarks(check, resources, generatedAt, provenance);
        write(path.join(files.evidence, "benchmarks.md"), benchmarks.markdown);
        write(path.join(files.evidence, "benchmarks.html"), benchmarks.html);
    }
    return { check, exitCode: blockingViolations(check).length > 0 ? 1 : 0 };
}
