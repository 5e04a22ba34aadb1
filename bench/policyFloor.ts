/**
 * The policy check's floor for `npm run bench:policy`: for each of our packs, a pack that serves
 * the same policies through `@pulumi/policy` and checks nothing (bench/floorPack.cjs). Put through
 * the same runner with the same requests, it measures what the SDK, gRPC and the pack processes
 * cost before any rule runs, which no change to our rules can go below.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { withExemptions } from "../policies/lib/exemptions";
import { packPolicies } from "../policies/lib/registry";
import { markedType, PACKS, type PackName } from "../policies/lib/rules";
import { PACK_BUILD_DIRECTORY, SOURCE_ROOT } from "../tools/policy/packBuild";

/** What bench/floorPack.cjs reads from its pack directory. */
interface FloorPack {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: "mandatory";
    /** The packs' build of policies/lib/decoding.ts, whose `decodeEachRequestOnce` our packs call. */
    readonly decoding: string;
    /** Each policy's metadata, its kind, and the type its single validation is marked for. */
    readonly policies: readonly Record<string, unknown>[];
}

/**
 * Writes a floor pack for each of our packs into `directory`, which must lie inside the
 * repository so that the packs resolve its node_modules; returns their directories, in the order
 * of `packs`. Our packs' build must exist (`PolicyRunner.buildOwnPacks`).
 */
export function writeFloorPacks(directory: string, packs: readonly PackName[] = PACKS): string[] {
    return packs.map((pack) => {
        const packDirectory = path.join(directory, pack);
        fs.mkdirSync(packDirectory, { recursive: true });
        const floor: FloorPack = {
            name: `floor-${pack}`,
            description: `The SDK's own cost for the ${pack} pack's policies: each validates nothing.`,
            enforcementLevel: "mandatory",
            decoding: path.join(SOURCE_ROOT, PACK_BUILD_DIRECTORY, "policies", "lib", "decoding.js"),
            // Every policy the pack serves, its exemption policies too.
            policies: withExemptions(packPolicies(pack)).map((policy) => {
                const { validateStack, validateResource, remediateResource, ...metadata } = policy as Partial<
                    ResourceValidationPolicy & StackValidationPolicy
                >;
                if (validateStack) {
                    return { ...metadata, kind: "stack" };
                }
                if (remediateResource || Array.isArray(validateResource)) {
                    throw new Error(
                        `policy ${policy.name} has a remediation or several validations; the floor pack serves single validations only`,
                    );
                }
                return { ...metadata, kind: "resource", type: validateResource && markedType(validateResource) };
            }),
        };
        fs.writeFileSync(path.join(packDirectory, "floor.json"), `${JSON.stringify(floor, null, 2)}\n`);
        fs.writeFileSync(path.join(packDirectory, "PulumiPolicy.yaml"), `runtime: nodejs\ndescription: ${floor.description}\n`);
        fs.writeFileSync(
            path.join(packDirectory, "package.json"),
            `${JSON.stringify({ name: `floor-${pack}`, version: "0.1.0", private: true, main: path.relative(packDirectory, path.join(__dirname, "floorPack.cjs")) }, null, 2)}\n`,
        );
        return packDirectory;
    });
}
