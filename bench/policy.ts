/**
 * `npm run bench:policy`: pushes synthetic stacks of 2,500 and 5,000 resources through all three
 * packs over the Analyzer protocol and reports resources per second. The stacks are copies of
 * the planned prod AWS and Azure sites with renamed URNs, so every rule, stack rules included,
 * sees realistic resources and references. Pack start-up (ts-node type-checks each pack) is
 * reported on its own line and not counted. Last line: `policy-5000-sec=<s> scale-ratio=<t5000/t2500>`.
 */
import { planStack, type PlannedResource } from "../tools/plan/planner";
import { readPolicyConfigFile } from "../tools/policy/config";
import { DEFAULT_PACKS, PolicyRunner } from "../tools/policy/runner";

const RUNS = 3;

/** `copies` copies of the resources, each copy's URNs (and references to them) suffixed. */
function replicate(resources: readonly PlannedResource[], count: number): PlannedResource[] {
    const copies: PlannedResource[] = [];
    for (let copy = 0; copies.length < count; copy++) {
        const rename = (urn: string) => `${urn}-copy${copy}`;
        for (const resource of resources) {
            if (copies.length === count) {
                break;
            }
            copies.push({
                ...resource,
                urn: rename(resource.urn),
                name: `${resource.name}-copy${copy}`,
                parent: resource.parent && rename(resource.parent),
                provider: resource.provider && rename(resource.provider),
                dependencies: resource.dependencies.map(rename),
                propertyDependencies: Object.fromEntries(Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, urns.map(rename)])),
            });
        }
    }
    return copies;
}

function median(values: number[]): number {
    return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function main(): Promise<void> {
    const startedAt = Date.now();
    const [runner, aws, azure] = await Promise.all([PolicyRunner.start(DEFAULT_PACKS), planStack({ stack: "prod-aws" }), planStack({ stack: "prod-azure" })]);
    console.log(`packs started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (not counted)`);
    try {
        const site = [...aws.resources, ...azure.resources];
        const config = readPolicyConfigFile("policies/config/prod-aws.json");
        const seconds: Record<number, number> = {};
        for (const size of [2500, 5000]) {
            const resources = replicate(site, size);
            await runner.check("bench", resources.slice(0, 200), config); // warm the packs' code paths
            const times: number[] = [];
            for (let run = 0; run < RUNS; run++) {
                const started = process.hrtime.bigint();
                const check = await runner.check("bench", resources, config);
                times.push(Number(process.hrtime.bigint() - started) / 1e9);
                if (check.resourceCount !== size) {
                    throw new Error(`checked ${check.resourceCount} resources, expected ${size}`);
                }
            }
            seconds[size] = median(times);
            console.log(`${String(size).padStart(5)} resources x 3 packs: median ${seconds[size].toFixed(2)} s, ${Math.round(size / seconds[size])} resources/s (runs: ${times.map((time) => time.toFixed(2)).join(", ")})`);
        }
        console.log(`policy-5000-sec=${seconds[5000].toFixed(2)} scale-ratio=${(seconds[5000] / seconds[2500]).toFixed(2)}`);
    } finally {
        runner.close();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
