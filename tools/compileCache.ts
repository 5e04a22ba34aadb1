/**
 * Node's compile cache (Node 22.1 and later) for this repository's processes: V8 keeps the code it
 * compiled on disk and the next process loads it instead of compiling again. It changes nothing a
 * program does, only how fast it starts: `@pulumi/pulumi` alone loads all of TypeScript (its
 * closure serializer requires it), and a policy pack process, which also registers ts-node, spent
 * half its start-up compiling. Imported first by every command (`tools/cli`), the bench floor and
 * mocha's workers, so that what they load after it is cached; pack processes get it through
 * `NODE_COMPILE_CACHE` and read what our processes wrote. Node writes the cache only at a normal
 * exit and the runner kills packs, so what only packs load is written once per build, by starting
 * each pack once (tools/policy/packWarmup.ts). A cache the user set is theirs to keep.
 */
import module from "node:module";
import * as path from "node:path";
import * as v8 from "node:v8";

export const COMPILE_CACHE_DIRECTORY = path.resolve(__dirname, "..", "node_modules", ".cache", "crypto-beacon", "node-compile-cache");

// `@pulumi/pulumi` turns on V8's --allow-natives-syntax as it loads, for its closure serializer
// (`runtime/closure/v8Hooks.ts`), in our processes and in every pack process. V8 accepts cached code
// only under the flags it was compiled with (the flag hash in `SerializedCodeData::SanityCheck`,
// v8 `src/snapshot/code-serializer.cc`; Node reports it "rejected"), so whatever our processes compiled before that switch
// (zod, yaml, grpc, most of `@pulumi/pulumi`) was rejected by every pack, which loads it after: 487
// of the 623 modules a pack loads, by NODE_DEBUG_NATIVE=COMPILE_CACHE. Switching it on first, as the
// SDK will anyway, puts both kinds of process under the same flags.
v8.setFlagsFromString("--allow-natives-syntax");

if (!process.env.NODE_COMPILE_CACHE) {
    module.enableCompileCache?.(COMPILE_CACHE_DIRECTORY);
}
