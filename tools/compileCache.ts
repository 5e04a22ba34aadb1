/**
 * Node's compile cache (Node 22.1 and later) for this repository's processes: V8 keeps the code it
 * compiled on disk and the next process loads it instead of compiling again. It changes nothing a
 * program does, only how fast it starts: `@pulumi/pulumi` alone loads all of TypeScript (its
 * closure serializer requires it), and a policy pack process, which also registers ts-node, spent
 * half its start-up compiling. Imported first by every command (`tools/cli`), the bench floor and
 * mocha's workers, so that what they load after it is cached; pack processes get it through
 * `NODE_COMPILE_CACHE` and read what our processes wrote (Node writes the cache at a normal exit,
 * and the runner kills packs, so their own modules are not kept). A cache the user set is theirs
 * to keep.
 */
import module from "node:module";
import * as path from "node:path";

export const COMPILE_CACHE_DIRECTORY = path.resolve(__dirname, "..", "node_modules", ".cache", "crypto-beacon", "node-compile-cache");

if (!process.env.NODE_COMPILE_CACHE) {
    module.enableCompileCache?.(COMPILE_CACHE_DIRECTORY);
}
