/**
 * The program of a policy floor pack (bench/policyFloor.ts writes the pack directories that run
 * it): `@pulumi/policy` serving exactly the policies one of our packs serves (names, kinds,
 * levels, config schemas, type marks), each validating nothing. What a check costs with it is the
 * SDK's own cost for those policies: the process, the server, gRPC, protobuf, and the server's
 * work per policy and request. Reads `floor.json` from the pack directory, its working directory
 * as the engine starts it.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { PolicyPack, validateResourceOfType } = require("@pulumi/policy");

const floor = JSON.parse(fs.readFileSync(path.join(process.cwd(), "floor.json"), "utf8"));
// As our packs do: the server decodes a request's properties once for all policies, not once per policy.
require(floor.decoding).decodeEachRequestOnce();

const nothing = () => undefined;
/** A validation the server skips for other types before decoding, as it skips our marked ones. */
const validation = (type) => (type ? validateResourceOfType({ __pulumiType: type }, nothing) : nothing);

new PolicyPack(floor.name, {
    description: floor.description,
    enforcementLevel: floor.enforcementLevel,
    policies: floor.policies.map(({ kind, type, ...policy }) =>
        kind === "stack" ? { ...policy, validateStack: nothing } : { ...policy, validateResource: validation(type) },
    ),
});
