/**
 * One decoding of each resource per request, however many policies a pack has.
 *
 * `@pulumi/policy`'s Analyzer server turns a request's properties (a protobuf `Struct`) into plain
 * values inside its loop over policies: `makeAnalyzeRpcFun` and `makeAnalyzeStackRpcFun` in
 * pulumi/pulumi-policy `sdk/nodejs/policy/server.ts` call `deserializeProperties(properties, false)`
 * once per policy and resource (and once more for the resource's provider). Only a policy whose
 * single validation carries a type mark for another type is skipped before that (`ofType` in
 * ./rules.ts). Measured on 5,000 resources, decoding was most of a pack's time.
 *
 * The `Struct` is the same object for every policy of one request (protobuf messages keep their
 * decoded sub-messages), so the decoded value can be too: each policy still gets its own
 * unknown-checking proxy over it. Rules read resources and never write them, as they do when tests
 * evaluate them over one shared plan. Values decoded with secrets kept as `Secret` objects (the
 * remediation path) are not shared.
 */
import type { PolicyResource } from "@pulumi/policy";

type Decode = (properties: object, proxySecrets: boolean) => Record<string, unknown>;

const DECODED = Symbol.for("beacon.policy.decodedOnce");

/**
 * Makes the server decode each request's properties once. Idempotent; does nothing when the
 * installed `@pulumi/policy` has no such function (the server then decodes per policy, as it does
 * without this).
 */
export function decodeEachRequestOnce(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the server's own module, whose export it calls through
    const deserialize = require("@pulumi/policy/deserialize") as { deserializeProperties?: Decode & { [DECODED]?: true } };
    const decode = deserialize.deserializeProperties;
    if (typeof decode !== "function" || decode[DECODED]) {
        return;
    }
    const decoded = new WeakMap<object, Record<string, unknown>>();
    const once: Decode & { [DECODED]?: true } = (properties, proxySecrets) => {
        if (proxySecrets || typeof properties !== "object" || properties === null) {
            return decode(properties, proxySecrets);
        }
        let value = decoded.get(properties);
        if (!value) {
            value = decode(properties, proxySecrets);
            decoded.set(properties, value);
        }
        return value;
    };
    once[DECODED] = true;
    deserialize.deserializeProperties = once;
}

// `@pulumi/policy`'s proxies answer this key with the value they wrap (`getSpecialProxyTarget` in
// pulumi/pulumi-policy `sdk/nodejs/policy/proxy.ts`).
const PROXY_TARGET = "__getSpecialProxyTarget";
const firstSeen = new WeakMap<object, PolicyResource[]>();

/**
 * The resources of an `analyzeStack` request as the first stack policy to run received them.
 * The server builds the resource list afresh for every stack policy, so that caches keyed by the
 * list (`StackIndex.of`, the intent evaluation) would be rebuilt per policy; with decoding shared,
 * the first resource's decoded properties identify the request, and every stack policy of one
 * request then reads one list. A list of another request, or one not decoded once, is its own.
 */
export function resourcesOfRequest(resources: PolicyResource[]): PolicyResource[] {
    const first = resources[0]?.props as Record<string, unknown> | undefined;
    const decoded = first?.[PROXY_TARGET];
    if (typeof decoded !== "object" || decoded === null) {
        return resources;
    }
    const seen = firstSeen.get(decoded);
    if (seen && seen.length === resources.length) {
        return seen;
    }
    firstSeen.set(decoded, resources);
    return resources;
}
