/**
 * Opt-in cost profile of a mocha run (`BEACON_TEST_PROFILE=1 npx mocha --no-parallel ...`): what the suite
 * spends its time on, so that the suite is kept fast by counting work, not by reading a loaded
 * machine's wall clock. Prints, at the end of the run: CPU time per test file, every `planStack`
 * call (stack file, overrides, CPU), every pack process and every child process started.
 * Without the variable this module does nothing. Timings stay here, never in assertions.
 */
import childProcess from "node:child_process";
import Module from "node:module";
import * as path from "node:path";
import { promisify } from "node:util";

const REPOSITORY_ROOT = path.resolve(__dirname, "..");

interface Counted {
    label: string;
    file: string;
    cpuMs: number;
    wallMs: number;
}

const plans: Counted[] = [];
const packs: Counted[] = [];
const children: Counted[] = [];
const fileCpu = new Map<string, number>();
const fileWall = new Map<string, number>();

/** The test file whose code made the call: the first `.test.ts` frame on the stack. */
function callerFile(): string {
    const frame = new Error().stack?.split("\n").find((line) => /\.test\.ts:\d+/.test(line));
    const file = frame?.match(/\(?([^()\s]+\.test\.ts):\d+/)?.[1];
    return file ? relative(file.replace(/^file:\/\//, "")) : "(no test file on the stack)";
}

function cpuMs(since: NodeJS.CpuUsage): number {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
}

function relative(file: string | undefined): string {
    return file ? path.relative(REPOSITORY_ROOT, file) : "(unknown)";
}

/** Wraps `run` so that each call is recorded; the CPU of overlapping async calls is shared out by wall time, not exact. */
function counting<A extends unknown[], R>(into: Counted[], label: (...args: A) => string, run: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
        const startCpu = process.cpuUsage();
        const startWall = performance.now();
        const entry: Counted = { label: label(...args), file: callerFile(), cpuMs: 0, wallMs: 0 };
        into.push(entry);
        const finish = () => {
            entry.cpuMs = cpuMs(startCpu);
            entry.wallMs = performance.now() - startWall;
        };
        const result = run(...args);
        if (result instanceof Promise) {
            return result.finally(finish) as R;
        }
        finish();
        return result;
    };
}

function planLabel(options: { program?: string; stack?: string; configFile?: string; configOverrides?: object }): string {
    const program = options.program ? `${relative(options.program)} ` : "";
    const stack = options.configFile ? relative(options.configFile) : `stack ${options.stack}`;
    const overrides =
        options.configOverrides && Object.keys(options.configOverrides).length > 0 ? ` ${JSON.stringify(options.configOverrides)}` : "";
    return `${program}${stack}${overrides}`;
}

function childLabel(command: string, args: readonly string[] = []): string {
    const script = args.find((arg) => /\.(ts|js)$/.test(arg));
    return script ? relative(path.resolve(script)) : [command, ...args].join(" ");
}

const moduleInternals = Module as unknown as {
    _load: (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
};
const load = moduleInternals._load;

function install(): void {
    // Every `require` of the planner while mocha loads the test files (tests and tools alike, as
    // esbuild's CommonJS output reads imports as properties at each call) gets the same counting
    // view of its exports. The hook comes off before the first test, so that the programs a test
    // plans load their modules without a frame of ours in their stack traces.
    const views = new Map<unknown, unknown>();
    moduleInternals._load = function (request, parent, isMain) {
        const exports = load.call(this, request, parent, isMain);
        if (!/(^|\/)planner$/.test(request) || !exports || typeof (exports as { planStack?: unknown }).planStack !== "function") {
            return exports;
        }
        let view = views.get(exports);
        if (!view) {
            const planStack = counting(plans, planLabel, (exports as { planStack: (options: object) => Promise<unknown> }).planStack);
            view = new Proxy(exports as object, { get: (target, key) => (key === "planStack" ? planStack : Reflect.get(target, key)) });
            views.set(exports, view);
        }
        return view;
    };

    const spawn = childProcess.spawn;
    const countedSpawn = (command: string, args?: readonly string[], options?: childProcess.SpawnOptions) => {
        const child = spawn(command, args ?? [], options ?? {});
        const isPack = (args ?? []).some((arg) => arg.includes("run-policy-pack"));
        const entry: Counted = {
            label: isPack ? relative(options?.cwd?.toString()) : childLabel(command, args),
            file: callerFile(),
            cpuMs: 0,
            wallMs: 0,
        };
        const startWall = performance.now();
        (isPack ? packs : children).push(entry);
        // A pack is ready when it prints its port; another child when it exits.
        const done = () => {
            entry.wallMs ||= performance.now() - startWall;
        };
        if (isPack) {
            child.stdout?.once("data", done);
        } else {
            child.once("exit", done);
        }
        return child;
    };
    Object.assign(childProcess, {
        spawn: countedSpawn,
        spawnSync: counting(children, childLabel, childProcess.spawnSync),
        execFileSync: counting(children, childLabel, childProcess.execFileSync),
        execFile: Object.assign(counting(children, childLabel, childProcess.execFile), {
            // promisify(execFile) resolves with { stdout, stderr } through this symbol.
            [promisify.custom]: counting(
                children,
                childLabel,
                (childProcess.execFile as unknown as Record<symbol, () => unknown>)[promisify.custom],
            ),
        }),
    });
}

function table(title: string, rows: Counted[]): string {
    const byLabel = new Map<string, { count: number; cpuMs: number; wallMs: number; files: Set<string> }>();
    for (const row of rows) {
        const entry = byLabel.get(row.label) ?? { count: 0, cpuMs: 0, wallMs: 0, files: new Set<string>() };
        entry.count += 1;
        entry.cpuMs += row.cpuMs;
        entry.wallMs += row.wallMs;
        entry.files.add(row.file);
        byLabel.set(row.label, entry);
    }
    const lines = [...byLabel.entries()]
        .sort((a, b) => b[1].wallMs - a[1].wallMs)
        .map(
            ([label, entry]) =>
                `  ${String(entry.count).padStart(3)} × ${(entry.wallMs / 1000).toFixed(1).padStart(6)} s wall ${(entry.cpuMs / 1000).toFixed(1).padStart(6)} s cpu  ${label}  [${[...entry.files].join(", ")}]`,
        );
    return [`${title}: ${rows.length}`, ...lines].join("\n");
}

function summary(): string {
    const files = [...fileCpu.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(
            ([file, cpu]) =>
                `  ${(cpu / 1000).toFixed(1).padStart(6)} s cpu ${((fileWall.get(file) ?? 0) / 1000).toFixed(1).padStart(6)} s wall  ${file}`,
        );
    const totalCpu = [...fileCpu.values()].reduce((sum, value) => sum + value, 0);
    return [
        "",
        "── test cost profile (BEACON_TEST_PROFILE) ──",
        `CPU time of the mocha process by test file (hooks count toward the file that runs next; shared plans toward their first user): ${(totalCpu / 1000).toFixed(1)} s`,
        ...files,
        table("planStack calls (wall includes waiting for the plan queue)", plans),
        table("policy pack processes started (wall = until it printed its port)", packs),
        table("other child processes", children),
    ].join("\n");
}

// A parallel worker runs root hooks around each file, and each worker sees half the run: the
// profile is of one process, so it asks for one.
const inWorker = process.env.MOCHA_WORKER_ID !== undefined;
const enabled = process.env.BEACON_TEST_PROFILE === "1" && !inWorker;
if (enabled) {
    install();
} else if (process.env.BEACON_TEST_PROFILE === "1" && process.env.MOCHA_WORKER_ID === "0") {
    process.stderr.write("BEACON_TEST_PROFILE profiles one process: run mocha with --no-parallel\n");
}

let lastCpu = process.cpuUsage();
let lastWall = performance.now();

function charge(file: string): void {
    fileCpu.set(file, (fileCpu.get(file) ?? 0) + cpuMs(lastCpu));
    fileWall.set(file, (fileWall.get(file) ?? 0) + performance.now() - lastWall);
    lastCpu = process.cpuUsage();
    lastWall = performance.now();
}

/** Mocha root hooks, loaded through `.mocharc.json`'s `require`. */
export const mochaHooks = enabled
    ? {
          beforeAll() {
              moduleInternals._load = load;
          },
          afterEach(this: Mocha.Context) {
              charge(relative(this.currentTest?.file));
          },
          afterAll() {
              process.stderr.write(`${summary()}\n`);
          },
      }
    : {};
