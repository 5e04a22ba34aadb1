import * as fs from "node:fs";
import * as path from "node:path";
import type { Terminal } from "../cli";
import type { StackPlan, StackStart } from "../plan/planner";
import { analyzedPlan, AnalyzerSession, stackIdentity, type AnalyzedStack, type CallLimits } from "./analyzer";
import type { PackProcessOptions } from "./packProcess";
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
import { blockingViolations, combinedCheck, DEFAULT_PACKS, PolicyRunner, type PolicyCheck } from "./runner";

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
    return fs.existsSync(file) ? { ...readPolicyConfigFile(file), stackDefault: true } : undefined;
}

/**
 * Starts the policy packs with a progress line: for each stack as the planner starts that stack's
 * program (pass `onStack` to the planner), so that the packs load, each its own process, while
 * this process plans; the first stack's processes also say which policies each pack has. Without
 * a plan (`--list`), `runner` starts them bare. `close` stops every pack started.
 */
export class PackStarter {
    private starting: Promise<PolicyRunner> | undefined;
    /** The stacks whose packs have started, by `stackIdentity`. */
    private readonly stacks = new Set<string>();

    constructor(
        private readonly terminal: Terminal,
        private readonly packs: readonly string[] = DEFAULT_PACKS,
        private readonly options: PackProcessOptions & CallLimits = {},
    ) {}

    readonly onStack = (start: StackStart): void => {
        const stack = analyzedPlan({ stack: start.stack, ...start.configuration });
        const identity = stackIdentity(stack);
        if (this.stacks.has(identity)) {
            return; // a rerun of a stack with the same configuration: its packs are up or coming
        }
        this.stacks.add(identity);
        if (!this.starting) {
            void this.start(stack); // a failure is kept for runner()
            return;
        }
        // Start them now, not once the first stack's packs are up; the runner takes them then.
        const built = PolicyRunner.buildOwnPacks(this.packs);
        const started = this.packs.map((pack) => built.then(() => AnalyzerSession.startFor(pack, this.options, stack)));
        started.forEach((pack) => pack.catch(() => undefined)); // reported, and retried, by the check
        this.starting.then(
            (runner) => runner.adopt(stack, started),
            () =>
                started.forEach((pack) =>
                    pack.then(
                        (process) => process.kill(),
                        () => undefined,
                    ),
                ),
        );
    };

    /** The runner: the packs as started for the first stack, or started bare now if no stack has started. */
    runner(): Promise<PolicyRunner> {
        return this.starting ?? this.start(undefined);
    }

    private start(firstStack: AnalyzedStack | undefined): Promise<PolicyRunner> {
        this.terminal.progress(`starting policy packs ${this.packs.map((pack) => path.basename(pack)).join(", ")}`);
        this.starting = PolicyRunner.start(this.packs, this.options, firstStack);
        // A pack that fails to start is reported when the runner is asked for; unhandled
        // meanwhile, the planner would take its rejection for the program's own failure.
        this.starting.catch(() => undefined);
        return this.starting;
    }

    async close(): Promise<void> {
        await this.starting?.then(
            (runner) => runner.close(),
            () => undefined,
        );
    }
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
    runner.prepare(stacks.map((stack) => analyzedPlan(stack)));
    for (const [position, stack] of stacks.entries()) {
        terminal.progress(`analysing ${stack.resources.length} resources of stack ${terminal.styleErr("bold", stack.stack)}`);
        checks.push(await runner.check(stack.stack, stack.resources, policyConfigs[position].config, analyzedPlan(stack)));
    }
    const check = combinedCheck(checks);
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
