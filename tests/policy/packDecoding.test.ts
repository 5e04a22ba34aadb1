import * as assert from "node:assert/strict";
import type { Policies, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { decodeEachRequestOnce } from "../../policies/lib/decoding";
import { withExemptions } from "../../policies/lib/exemptions";
import { allRules } from "../../policies/lib/registry";
import { APPLIES_TO, markedType, resourceRule, type RuleInfo } from "../../policies/lib/rules";

// The pack's own Analyzer server, called in this process the way its gRPC service calls it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal to @pulumi/policy, untyped
const server = require("@pulumi/policy/server") as {
    makeAnalyzeStackRpcFun: (
        pack: string,
        version: string,
        level: string,
        policies: Policies,
    ) => (call: { request: analyzerProto.AnalyzeStackRequest }, callback: (error: unknown) => void) => void;
    makeAnalyzeRpcFun: (
        pack: string,
        version: string,
        level: string,
        policies: Policies,
    ) => (
        call: { request: analyzerProto.AnalyzeRequest },
        callback: (error: unknown, response?: analyzerProto.AnalyzeResponse) => void,
    ) => void;
};

function analyze(policies: Policies, request: analyzerProto.AnalyzeRequest): Promise<analyzerProto.AnalyzeResponse> {
    const rpc = server.makeAnalyzeRpcFun("decoding-test", "0.0.1", "mandatory", policies);
    return new Promise((resolve, reject) => rpc({ request }, (error, response) => (error ? reject(error) : resolve(response!))));
}

function analyzeStack(policies: Policies, request: analyzerProto.AnalyzeStackRequest): Promise<void> {
    const rpc = server.makeAnalyzeStackRpcFun("decoding-test", "0.0.1", "mandatory", policies);
    return new Promise((resolve, reject) => rpc({ request }, (error) => (error ? reject(error) : resolve())));
}

function stackRequest(count: number): analyzerProto.AnalyzeStackRequest {
    const request = new analyzerProto.AnalyzeStackRequest();
    for (let index = 0; index < count; index++) {
        const resource = new analyzerProto.AnalyzerResource();
        resource.setType("aws:s3/bucketV2:BucketV2");
        resource.setUrn(`urn:pulumi:test::beacon::aws:s3/bucketV2:BucketV2::bucket-${index}`);
        resource.setName(`bucket-${index}`);
        resource.setProperties(Struct.fromJavaScript({ bucket: `bucket-${index}` }));
        resource.setOptions(new analyzerProto.AnalyzerResourceOptions());
        request.addResources(resource);
    }
    return request;
}

/** An analyze request for one resource; `decodes` counts how often its properties are decoded. */
function requestFor(type: string, props: Record<string, unknown>) {
    const request = new analyzerProto.AnalyzeRequest();
    request.setType(type);
    request.setUrn(`urn:pulumi:test::beacon::${type}::subject`);
    request.setName("subject");
    request.setProperties(Struct.fromJavaScript(props as never));
    request.setOptions(new analyzerProto.AnalyzerResourceOptions());
    const properties = request.getProperties()!;
    const decode = properties.toJavaScript.bind(properties);
    const counter = { decodes: 0 };
    properties.toJavaScript = () => {
        counter.decodes++;
        return decode();
    };
    return { request, counter };
}

const INFO: Omit<RuleInfo, "name"> = {
    pack: "security",
    description: "test rule",
    severity: "low",
    remediation: "none",
    controls: "best-practice",
};

function countingRule(name: string, types: readonly string[]) {
    const seen: string[] = [];
    const rule = resourceRule({
        ...INFO,
        name,
        types,
        check: (resource) => {
            seen.push(resource.type);
            return resource.props.open === true ? ["open"] : [];
        },
    });
    return { policy: rule.policy as ResourceValidationPolicy, seen };
}

describe("policy packs decode and check a resource only for the rules of its type", () => {
    it("marks every single-type resource rule, through the exemptions wrapper, with its type", () => {
        const resourceRules = allRules().filter((entry) => "validateResource" in entry.rule.policy);
        const wrapped = new Map(
            withExemptions(
                resourceRules.map((entry) => entry.rule.policy),
                [],
            ).map((policy) => [policy.name, policy]),
        );
        let single = 0;
        for (const entry of resourceRules) {
            const types = entry.rule.policy.tags!.filter((tag) => tag.startsWith(APPLIES_TO)).map((tag) => tag.slice(APPLIES_TO.length));
            const validation = (wrapped.get(entry.rule.name) as ResourceValidationPolicy).validateResource!;
            assert.ok(!Array.isArray(validation), `${entry.rule.name}: one validation, as the server's type check needs`);
            assert.equal(markedType(validation), types.length === 1 && types[0] !== "*" ? types[0] : undefined, entry.rule.name);
            single += types.length === 1 && types[0] !== "*" ? 1 : 0;
        }
        assert.ok(single > 50, `only ${single} single-type rules`);
    });

    it("answers not-applicable for another type without decoding the resource or calling the rule", async () => {
        const bucketRule = countingRule("bucket-rule", ["aws:s3/bucketV2:BucketV2"]);
        const { request, counter } = requestFor("aws:ec2/vpc:Vpc", { open: true });
        const response = await analyze(withExemptions([bucketRule.policy], []).slice(0, 1), request);
        assert.equal(counter.decodes, 0);
        assert.deepEqual(bucketRule.seen, []);
        assert.deepEqual(
            response.getNotApplicableList().map((entry) => entry.getPolicyName()),
            ["bucket-rule"],
        );
    });

    it("still checks, and reports on, a resource of the rule's type", async () => {
        const bucketRule = countingRule("bucket-rule", ["aws:s3/bucketV2:BucketV2"]);
        const { request } = requestFor("aws:s3/bucketV2:BucketV2", { open: true });
        const response = await analyze(withExemptions([bucketRule.policy], []).slice(0, 1), request);
        assert.deepEqual(bucketRule.seen, ["aws:s3/bucketV2:BucketV2"]);
        assert.deepEqual(
            response.getDiagnosticsList().map((diagnostic) => [diagnostic.getPolicyname(), diagnostic.getMessage()]),
            [["bucket-rule", "test rule\nopen"]],
        );
    });

    it("decodes a resource once per request however many multi-type rules check it, each seeing it whole", async () => {
        decodeEachRequestOnce();
        const types = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];
        const rules = ["first", "second", "third"].map((name) => countingRule(name, types));
        const { request, counter } = requestFor(types[0], { open: true, spec: { replicas: 2 } });
        const response = await analyze(
            rules.map((rule) => rule.policy),
            request,
        );
        assert.equal(counter.decodes, 1);
        assert.deepEqual(
            rules.map((rule) => rule.seen),
            [[types[0]], [types[0]], [types[0]]],
        );
        assert.deepEqual(
            response.getDiagnosticsList().map((diagnostic) => diagnostic.getPolicyname()),
            ["first", "second", "third"],
        );
        const next = requestFor(types[0], { open: false });
        assert.equal((await analyze([rules[0].policy], next.request)).getDiagnosticsList().length, 0);
        assert.equal(next.counter.decodes, 1, "a new request is decoded afresh");
    });

    it("gives every stack policy of one request the same resource list, so caches keyed by it are built once", async () => {
        decodeEachRequestOnce();
        const lists: PolicyResource[][] = [];
        const recording = ["stack-a", "stack-b", "stack-c"].map(
            (name): StackValidationPolicy => ({
                name,
                description: "records what it is given",
                enforcementLevel: "advisory",
                validateStack: (args) => {
                    lists.push(args.resources);
                },
            }),
        );
        const policies = withExemptions(recording, []);
        await analyzeStack(policies, stackRequest(3));
        await analyzeStack(policies, stackRequest(3));
        const [first, second] = [lists.slice(0, 3), lists.slice(3, 6)];
        assert.ok(first.every((list) => list === first[0]) && second.every((list) => list === second[0]));
        assert.notEqual(first[0], second[0], "another request gets its own list");
        assert.deepEqual(
            first[0].map((resource) => [resource.name, resource.props.bucket]),
            [
                ["bucket-0", "bucket-0"],
                ["bucket-1", "bucket-1"],
                ["bucket-2", "bucket-2"],
            ],
        );
    });
});
