/**
 * `npm run build:policies` (npm install runs it as `prepare`): builds our packs' JavaScript
 * (./packBuild.ts), then starts each pack once so that Node's compile cache holds the code it
 * compiles (./packWarmup.ts). A pack that fails to warm is reported and the build stands: the
 * cache only makes starts faster, and the runner reports the pack's failure when it starts it.
 */
import "../compileCache";
import * as path from "node:path";
import { runCommand } from "../command";
import { buildPolicyPacks, PACK_BUILD_DIRECTORY, packNames, SOURCE_ROOT } from "./packBuild";
import { warmPackCompileCache } from "./packWarmup";

runCommand("the policy pack build", async () => {
    const started = Date.now();
    await buildPolicyPacks();
    const packs = packNames().map((pack) => path.join("policies", pack));
    process.stdout.write(`Built ${packs.join(", ")} into ${PACK_BUILD_DIRECTORY} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const warming = Date.now();
    const failures = await warmPackCompileCache(packs.map((pack) => path.join(SOURCE_ROOT, pack)));
    for (const failure of failures) {
        process.stderr.write(`warning: could not warm Node's compile cache for ${failure}\n`);
    }
    process.stdout.write(
        `Started each pack once to fill Node's compile cache (${packs.length - failures.length} of ${packs.length}) in ${((Date.now() - warming) / 1000).toFixed(1)} s\n`,
    );
    return 0;
});
