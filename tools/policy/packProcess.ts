import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { CommandError } from "../command";
import { COMPILE_CACHE_DIRECTORY } from "../compileCache";

/** Bad input to the policy runner: a missing pack, a malformed config file, a bad flag. Exit status 2. */
export class PolicyInputError extends CommandError {
    constructor(message: string) {
        super(message, 2);
    }
}

/** A pack that failed to start, crashed or hung: nothing it should have checked counts as checked. */
export class PackFailure extends CommandError {
    constructor(message: string) {
        super(message, 1);
    }
}

export interface PackProcessOptions {
    /** Seconds to wait for the pack to print its port. @default 120 - ts-node type-checks the pack first */
    readonly startTimeoutSec?: number;
    /** Extra environment for the pack process. */
    readonly env?: Readonly<Record<string, string>>;
}

/** Every pack process spawned and not yet exited, from the moment it is spawned: one still starting too. */
const spawned = new Set<ChildProcess>();
/** Whatever happens to the runner, no pack outlives it: packs run in their own process groups, so a Ctrl-C does not reach them. */
function killEveryPack(): void {
    for (const child of spawned) {
        killGroup(child);
    }
}
process.once("exit", killEveryPack);
// A signal ends Node without its exit event: stop the packs, then end as the signal would.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
        killEveryPack();
        if (process.listenerCount(signal) === 0) {
            process.kill(process.pid, signal);
        }
    });
}

/**
 * Spawns a pack the way the Pulumi engine starts it: Node runs `@pulumi/pulumi/cmd/run-policy-pack`
 * (resolved from the pack's directory) with the pack's directory as working directory; the pack
 * then prints the port of its Analyzer gRPC server. Refuses a directory that is not a pack.
 * `nodeArguments` go before the script (a `--require` preload).
 */
export function spawnPack(
    directory: string,
    options: { readonly env?: Readonly<Record<string, string>>; readonly nodeArguments?: readonly string[] } = {},
): ChildProcess {
    const resolved = path.resolve(directory);
    if (!fs.existsSync(resolved) || !fs.statSync(resolved).isDirectory()) {
        throw new PolicyInputError(`--policy-pack ${directory}: no such directory`);
    }
    if (!fs.existsSync(path.join(resolved, "PulumiPolicy.yaml"))) {
        throw new PolicyInputError(`--policy-pack ${directory}: not a policy pack (no PulumiPolicy.yaml)`);
    }
    let runner: string;
    try {
        runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [resolved] });
    } catch {
        throw new PolicyInputError(`policy pack ${directory}: @pulumi/pulumi is not installed for it; run npm install in ${directory}`);
    }
    // The engine passes its own address first; run-policy-pack drops it.
    const child = spawn(process.execPath, [...(options.nodeArguments ?? []), runner, "127.0.0.1:0", "."], {
        cwd: resolved,
        // Node's compile cache, as this process has it (tools/compileCache.ts), unless the user set one.
        env: { NODE_COMPILE_CACHE: COMPILE_CACHE_DIRECTORY, ...process.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group, so that killing the pack kills anything it started.
        detached: true,
    });
    spawned.add(child);
    child.once("exit", () => spawned.delete(child));
    return child;
}

/**
 * A policy pack running as its own process, started as the Pulumi engine starts it (`spawnPack`),
 * and the client of the Analyzer gRPC server whose port it printed.
 */
export class PackProcess {
    readonly client: AnalyzerClient;
    private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    private readonly exitListeners = new Set<() => void>();
    /** The calls sent and not yet answered, so that a crash can name what went unanswered. */
    private readonly inFlight = new Set<string>();

    private constructor(
        readonly directory: string,
        private readonly child: ChildProcess,
        readonly port: number,
        private readonly stderr: { text: string },
    ) {
        // The engine never retries an analyzer call; grpc-js's transparent retries only buffer
        // every message for a retry that would never come.
        this.client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.enable_retries": 0 });
        child.on("exit", (code, signal) => {
            this.exit = { code, signal };
            this.exitListeners.forEach((listener) => listener());
        });
    }

    /** The pack's process id; its process group has the same id. */
    get pid(): number | undefined {
        return this.child.pid;
    }

    /** The pack's directory as given, for messages. */
    get label(): string {
        return path.relative(process.cwd(), this.directory) || ".";
    }

    static async start(directory: string, options: PackProcessOptions = {}): Promise<PackProcess> {
        const child = spawnPack(directory, { env: options.env });
        const stderr = { text: "" };
        child.stderr!.on("data", (chunk: Buffer) => {
            stderr.text = (stderr.text + chunk.toString()).slice(-8000);
        });
        const timeoutSec = options.startTimeoutSec ?? 120;
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const fail = (why: string) => {
                clearTimeout(timer);
                killGroup(child);
                reject(new PackFailure(`policy pack ${directory} ${why}${stderrTail(stderr.text)}`));
            };
            const timer = setTimeout(() => fail(`printed no port within ${timeoutSec} s`), timeoutSec * 1000);
            child.on("error", (error) => fail(`failed to start: ${error.message}`));
            const exitedEarly = (code: number | null, signal: NodeJS.Signals | null) =>
                fail(`exited (${signal ?? `code ${code}`}) before printing its port`);
            child.on("exit", exitedEarly);
            child.stdout!.on("data", (chunk: Buffer) => {
                stdout += chunk.toString();
                const line = stdout.split("\n").find((candidate) => /^\d+$/.test(candidate.trim()));
                if (line) {
                    clearTimeout(timer);
                    child.off("exit", exitedEarly);
                    resolve(Number(line.trim()));
                }
            });
        });
        return new PackProcess(path.resolve(directory), child, port, stderr);
    }

    /**
     * Makes one Analyzer call with a deadline; a pack that exits or hangs meanwhile fails the call
     * with an error naming the pack and what it was doing.
     */
    call<Response>(
        what: string,
        timeoutSec: number,
        send: (
            metadata: grpc.Metadata,
            options: Partial<grpc.CallOptions>,
            callback: (error: grpc.ServiceError | null, response?: Response) => void,
        ) => unknown,
    ): Promise<Response> {
        if (this.exit) {
            return Promise.reject(this.exitedError());
        }
        this.inFlight.add(what);
        return new Promise<Response>((resolve, reject) => {
            const onExit = () => reject(this.exitedError());
            this.exitListeners.add(onExit);
            send(new grpc.Metadata(), { deadline: Date.now() + timeoutSec * 1000 }, async (error, response) => {
                if (!error) {
                    this.exitListeners.delete(onExit);
                    this.inFlight.delete(what);
                    resolve(response as Response);
                    return;
                }
                // A dying pack drops its connections a moment before the process reports its exit.
                if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.CANCELLED || error.code === grpc.status.INTERNAL) {
                    await this.exitWithin(2000);
                }
                this.exitListeners.delete(onExit);
                if (this.exit) {
                    reject(this.exitedError());
                } else if (error.code === grpc.status.DEADLINE_EXCEEDED) {
                    reject(new PackFailure(`policy pack ${this.label} did not answer ${what} within ${timeoutSec} s; it hangs`));
                } else {
                    reject(
                        new PackFailure(
                            `policy pack ${this.label} failed ${what}: ${error.details || error.message}${stderrTail(this.stderr.text)}`,
                        ),
                    );
                }
                this.inFlight.delete(what);
            });
        });
    }

    private exitWithin(milliseconds: number): Promise<void> {
        if (this.exit) {
            return Promise.resolve();
        }
        return new Promise((resolve) => {
            const timer = setTimeout(done, milliseconds);
            function done() {
                clearTimeout(timer);
                resolve();
            }
            this.exitListeners.add(done);
        });
    }

    /** Stops the pack and everything it started. */
    kill(): void {
        this.client.close();
        if (!this.exit) {
            killGroup(this.child);
        }
    }

    private exitedError(): PackFailure {
        const how = this.exit?.signal ?? `code ${this.exit?.code}`;
        const unanswered = [...this.inFlight].join("; ") || "no call";
        return new PackFailure(
            `policy pack ${this.label} exited (${how}) while it had unanswered calls: ${unanswered}${stderrTail(this.stderr.text)}`,
        );
    }
}

/** Kills a pack and everything it started (its process group). */
export function killGroup(child: ChildProcess): void {
    if (child.pid === undefined) {
        return;
    }
    try {
        process.kill(-child.pid, "SIGKILL");
    } catch {
        // Already gone.
    }
}

function stderrTail(text: string): string {
    const tail = text.trim().split("\n").slice(-12).join("\n");
    return tail ? `:\n${tail.replace(/^/gm, "    ")}` : "";
}
