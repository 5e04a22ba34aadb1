import * as assert from "node:assert/strict";
import { BENCHMARKS, type BenchmarkControl } from "../../policies/lib/benchmarks";
import { allRules } from "../../policies/lib/registry";

/** The benchmark coverage data, held to the rules that exist: a renamed or deleted rule cannot leave a control claimed. */
describe("benchmark coverage", () => {
    const rules = new Set(allRules().map(({ rule }) => rule.name));

    for (const [name, benchmark] of Object.entries(BENCHMARKS)) {
        const controls: readonly BenchmarkControl[] = benchmark.controls;
        it(`${name}: each control is covered by rules that exist, or says why not`, () => {
            for (const control of controls) {
                const covering = control.rules ?? [];
                assert.ok(
                    covering.length > 0 !== (control.reason !== undefined),
                    `${name} ${control.id} needs rules or a reason, not both`,
                );
                assert.deepEqual(
                    covering.filter((rule) => !rules.has(rule)),
                    [],
                    `${name} ${control.id} names rules that do not exist`,
                );
            }
            assert.equal(new Set(controls.map((control) => control.id)).size, controls.length, `${name} lists a control twice`);
            assert.deepEqual(
                controls.filter((control) => control.scope !== undefined && control.rules === undefined).map((control) => control.id),
                [],
                `${name}: a scope narrows what covering rules check, so only a covered control has one`,
            );
            assert.ok(benchmark.source.length > 0, `${name} says where its ids were checked`);
        });
    }

    /**
     * The number of controls in each domain of the Microsoft cloud security benchmark v1, as its
     * workbook lists them (MicrosoftDocs/SecurityBenchmarks, Microsoft_cloud_security_benchmark_v1.xlsx),
     * so an id the benchmark does not have (NS-11, a typo, an ASB v2 id) cannot be claimed.
     */
    const MCSB_V1_DOMAIN_SIZES: Readonly<Record<string, number>> = {
        NS: 10,
        IM: 9,
        PA: 8,
        DP: 8,
        AM: 5,
        LT: 7,
        IR: 7,
        PV: 7,
        ES: 3,
        BR: 4,
        DS: 7,
        GS: 11,
    };

    it("azureSecurityBenchmark names only controls the Microsoft cloud security benchmark v1 has", () => {
        const unknown = BENCHMARKS.azureSecurityBenchmark.controls
            .map((control) => control.id)
            .filter((id) => {
                const match = /^([A-Z]{2})-([1-9][0-9]?)$/.exec(id);
                const size = match === null ? undefined : MCSB_V1_DOMAIN_SIZES[match[1]];
                return match === null || size === undefined || Number(match[2]) > size;
            });
        assert.deepEqual(unknown, []);
    });
});
