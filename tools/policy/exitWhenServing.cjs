// Preloaded (`node --require`) into a policy pack started only to warm Node's compile cache
// (tools/policy/packWarmup.ts). A pack prints the port of its Analyzer server once it serves; this
// ends it normally then, since Node writes the code a process compiled to the cache only at a
// normal exit, and the runner, like the engine, kills the packs it starts.
"use strict";

const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
    if (/^\d+\s*$/.test(String(chunk))) {
        setImmediate(() => process.exit(0));
    }
    return write(chunk, ...rest);
};
