/**
 * Fills Node's compile cache (tools/compileCache.ts) with the code our policy packs compile as they
 * start. Node writes that cache only when a process exits normally (or calls
 * `module.flushCompileCache()`; Node's docs, "Module compile cache", doc/api/module.md), and pack
 * processes never do: the runner kills them, as the engine kills its analyzers (`analyzer.Close`
 * calls `Plugin.Close`, which kills the process: pulumi/pulumi `pkg/resource/plugin/analyzer_plugin.go`
 * and `plugin.go`). Our own processes cache what they load
 * too (`@pulumi/pulumi`, TypeScript), but not `@pulumi/policy`, the rules or what only the rules
 * import, so without this every pack start compiles those again: on this machine, 1.75 CPU
 * seconds a start with an empty cache, 1.0 after a warm-up. Cache entries are per file content,
 * so after a rule is edited only that file misses until the next build warms it.
 */
import * as path from "node:path";
import { killGroup, spawnPack } from "./packProcess";

/** The preload that ends a pack normally once it serves. */
const EXIT_WHEN_SERVING = path.join(__dirname, "exitWhenServing.cjs");

/**
 * Starts each pack once, exactly as the runner starts it, and lets it exit normally once it
 * serves, so that Node writes what it compiled. Returns, for each pack that did not, why: the
 * cache is only for speed, so callers report it and go on.
 */
export async function warmPackCompileCache(
    packDirectories: readonly string[],
    options: { readonly env?: Readonly<Record<string, string>>; readonly timeoutSec?: number } = {},
): Promise<string[]> {
    const outcomes = await Promise.all(packDirectories.map((directory) => warmOne(directory, options.env, options.timeoutSec ?? 120)));
    return outcomes.filter((outcome): outcome is string => outcome !== undefined);
}

function warmOne(directory: string, env: Readonly<Record<string, string>> | undefined, timeoutSec: number): Promise<string | undefined> {
    return new Promise((resolve) => {
        const child = spawnPack(directory, { env, nodeArguments: ["--require", EXIT_WHEN_SERVING] });
        let stderr = "";
        child.stdout!.resume();
        child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
        const label = path.relative(process.cwd(), directory) || ".";
        let hung = false;
        const timer = setTimeout(() => {
            hung = true;
            killGroup(child);
        }, timeoutSec * 1000);
        child.on("error", (error) => {
            clearTimeout(timer);
            resolve(`${label}: ${error.message}`);
        });
        child.on("exit", (code, signal) => {
            clearTimeout(timer);
            const tail = stderr.trim().split("\n").slice(-3).join(" | ");
            if (code === 0) {
                resolve(undefined);
            } else {
                const how = hung ? `did not serve within ${timeoutSec} s` : `exited (${signal ?? `code ${code}`}) before serving`;
                resolve(`${label} ${how}${tail ? `: ${tail}` : ""}`);
            }
        });
    });
}
