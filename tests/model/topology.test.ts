import * as assert from "node:assert/strict";
import fc from "fast-check";
import { SITES } from "../../model/stacks";
import { DATABASE_DOMAINS, MAX_ELECTABLE_NODES_PER_DOMAIN, primaryPriorities, type DatabaseTopology } from "../../model/topology";
import { databaseTopology, roleSchemas } from "../../stacks/config/schema";
import { EDGE_CONFIG } from "./schemaSamples";

const nodeCount = fc.integer({ min: 0, max: MAX_ELECTABLE_NODES_PER_DOMAIN });
const nodeCounts = fc.record({ aws: nodeCount, azure: nodeCount, tieBreaker: nodeCount });

function edgeConfigWith(nodes: { aws: number; azure: number; tieBreaker: number }) {
    return roleSchemas.edge.safeParse({
        ...EDGE_CONFIG,
        databaseAwsElectableNodes: nodes.aws,
        databaseAzureElectableNodes: nodes.azure,
        databaseTieBreakerElectableNodes: nodes.tieBreaker,
    });
}

/** Counted here, not by the model: the nodes left are a strict majority of all electable nodes. */
function keepsMajorityWithout(topology: DatabaseTopology, lost: (typeof DATABASE_DOMAINS)[number]): boolean {
    const total = topology.aws.electableNodes + topology.azure.electableNodes + topology.tieBreaker.electableNodes;
    return 2 * (total - topology[lost].electableNodes) > total;
}

describe("model: database topology", () => {
    it("every topology the schema accepts keeps a majority after losing any one site or the tie-breaker", () => {
        fc.assert(
            fc.property(nodeCounts, (nodes) => {
                const parsed = edgeConfigWith(nodes);
                if (!parsed.success) {
                    return;
                }
                const topology = databaseTopology(parsed.data);
                for (const lost of DATABASE_DOMAINS) {
                    assert.ok(keepsMajorityWithout(topology, lost), `${JSON.stringify(nodes)} keeps a majority without ${lost}`);
                }
                assert.ok(
                    SITES.every((site) => topology[site].electableNodes > 0),
                    "each site has local nodes",
                );
            }),
            { numRuns: 400 },
        );
    });

    it("accepts every 3, 5 or 7 node placement that survives each loss and gives each site nodes", () => {
        fc.assert(
            fc.property(nodeCounts, (nodes) => {
                const topology = databaseTopology(edgeConfigWith({ aws: 2, azure: 2, tieBreaker: 1 }).data!);
                const candidate: DatabaseTopology = {
                    aws: { ...topology.aws, electableNodes: nodes.aws },
                    azure: { ...topology.azure, electableNodes: nodes.azure },
                    tieBreaker: { ...topology.tieBreaker, electableNodes: nodes.tieBreaker },
                };
                const total = nodes.aws + nodes.azure + nodes.tieBreaker;
                const viable =
                    [3, 5, 7].includes(total) &&
                    nodes.aws > 0 &&
                    nodes.azure > 0 &&
                    DATABASE_DOMAINS.every((lost) => keepsMajorityWithout(candidate, lost));
                assert.equal(edgeConfigWith(nodes).success, viable, JSON.stringify(nodes));
            }),
            { numRuns: 400 },
        );
    });

    it("prefers the active site for primary, then the other site, and never the tie-breaker over either", () => {
        for (const active of SITES) {
            const priorities = primaryPriorities(active);
            const other = SITES.find((site) => site !== active)!;
            assert.ok(priorities[active] > priorities[other], `${active} before ${other}`);
            assert.ok(priorities[other] > priorities.tieBreaker, "the tie-breaker only votes");
            assert.equal(priorities[active], 7, "Atlas's highest priority");
        }
    });
});
