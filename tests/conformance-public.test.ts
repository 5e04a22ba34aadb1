import * as assert from "node:assert/strict";
import * as path from "node:path";
import {
    dependencyVerdict,
    findPrograms,
    requiredConfig,
    runPrograms,
    summarize,
    type ProgramResult,
} from "../tools/conformance/publicPrograms";
import { FIXTURES } from "./helpers";

/** Programs written here in the shape of pulumi/examples, to hold the public-program run to its rules. */
const EXAMPLES = path.join(FIXTURES, "conformance", "public-programs");
const installed = new Map([
    ["@pulumi/aws", "7.48.0"],
    ["@pulumi/azure-native", "3.28.0"],
    ["@pulumi/pulumi", "3.276.0"],
]);

describe("conformance: the public-program run", function () {
    this.timeout(180_000);

    it("finds every Node.js program and sorts out those whose dependencies are not ours or target an older provider major", () => {
        const programs = findPrograms(EXAMPLES);
        assert.deepEqual(
            programs.map((program) => program.name),
            ["bucket-site", "needs-awsx", "older-azure"],
        );
        const verdicts = programs.map((program) => dependencyVerdict(program.manifest, installed));
        assert.equal(verdicts[0], undefined, "type-only @types packages need not be installed");
        assert.deepEqual(verdicts[1], { kind: "missing-packages", reason: "not installed here: @pulumi/awsx" });
        assert.deepEqual(verdicts[2], { kind: "older-major", reason: "@pulumi/azure-native@2.92.3 (ours 3.28.0)" });
    });

    it("gives a program the config its README sets, then a value of the right kind for each key its code requires", () => {
        const config = requiredConfig(path.join(EXAMPLES, "bucket-site"), EXAMPLES, "bucket-site");
        assert.deepEqual(Object.fromEntries(config), {
            "aws:region": { secret: false, value: "us-west-2", source: "README" },
            "bucket-site:apiToken": { secret: true, value: "t0ken value", source: "README" },
            "bucket-site:bucketPrefix": { secret: false, value: "example-bucketprefix", source: "code" },
            "bucket-site:copies": { secret: false, value: "1", source: "code" },
        });
    });

    it("plans the eligible programs as npm run plan would, and counts them", () => {
        const results = runPrograms([EXAMPLES], undefined, () => undefined);
        assert.deepEqual(
            results.map((result) => [result.program, result.verdict.kind]),
            [
                ["bucket-site", "planned"],
                ["needs-awsx", "missing-packages"],
                ["older-azure", "older-major"],
            ],
        );
        // The stack and the one bucket its generated config asks for (copies: "1").
        assert.deepEqual(results[0].verdict, { kind: "planned", resources: 2 });
        assert.deepEqual(summarize(results), { eligible: 1, planned: 1, needsNetwork: 0, failsAsCli: 0 });
    });

    it("sets apart programs that fetch from the network, and counts one reading another project's stack as not planned", () => {
        const verdicts: [string, ProgramResult["verdict"]][] = [
            ["planned", { kind: "planned", resources: 3 }],
            ["chart", { kind: "needs-network", reason: "a chart from a repository" }],
            ["reference", { kind: "needs-other-stack", reason: "names a stack outside project" }],
            ["broken", { kind: "failed", reason: "TypeError" }],
            ["cli", { kind: "fails-as-cli", reason: "helm.v2" }],
        ];
        const results = verdicts.map(([program, verdict]) => ({ program, verdict }) as ProgramResult);
        assert.deepEqual(summarize(results), { eligible: 3, planned: 1, needsNetwork: 1, failsAsCli: 1 });
    });
});
