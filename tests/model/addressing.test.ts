import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
    AWS_SUBNET_TIER_NAMES,
    AWS_ZONE_COUNT,
    awsSubnetPlan,
    azureIngressAddress,
    azureSubnetPlan,
    azureVpnGatewaySubnet,
    blockContains,
    blocksOverlap,
    CLUSTER_INTERNAL_RANGES,
    formatCidr,
    mustParse,
    natGatewayCountProblem,
    parseIpv4Cidr,
    SITE_ADDRESS_SPACE_PREFIX,
} from "../../model/addressing";
import { roleSchemas } from "../../stacks/config/schema";

/** Canonical IPv4 blocks with a site's prefix lengths, and some that sit on the cluster-internal ranges. */
const siteBlockCandidates = fc.oneof(
    fc
        .record({ address: fc.integer({ min: 0, max: 2 ** 32 - 1 }), prefixLength: fc.integer({ min: 12, max: 24 }) })
        .map(({ address, prefixLength }) => formatCidr({ base: address - (address % 2 ** (32 - prefixLength)), prefixLength })),
    fc.constantFrom(...CLUSTER_INTERNAL_RANGES.map((range) => range.cidr), "172.20.128.0/17", "100.64.0.0/20", "100.0.0.0/8"),
);

/** What the schema accepts for a site's address space, asked of the schema itself. */
const acceptedBySchema = (cidr: string) =>
    roleSchemas["aws-site"].shape.awsVpcCidr.safeParse(cidr).success &&
    roleSchemas["azure-site"].shape.azureVnetCidr.safeParse(cidr).success;

const siteAddressSpaces = siteBlockCandidates.filter(acceptedBySchema);

function assertDisjointInside(parent: string, children: readonly string[]) {
    const parentBlock = mustParse(parent);
    const blocks = children.map(mustParse);
    blocks.forEach((block, index) => {
        assert.ok(blockContains(parentBlock, block), `${children[index]} lies inside ${parent}`);
        blocks.slice(index + 1).forEach((other, offset) => {
            assert.ok(!blocksOverlap(block, other), `${children[index]} and ${children[index + 1 + offset]} are disjoint`);
        });
    });
}

describe("model: address plans", () => {
    it("accepts only canonical /16 to /20 site spaces clear of the clusters' internal ranges", () => {
        fc.assert(
            fc.property(siteBlockCandidates, (cidr) => {
                const block = mustParse(cidr);
                const expected =
                    block.prefixLength >= SITE_ADDRESS_SPACE_PREFIX.min &&
                    block.prefixLength <= SITE_ADDRESS_SPACE_PREFIX.max &&
                    CLUSTER_INTERNAL_RANGES.every((range) => !blocksOverlap(block, mustParse(range.cidr)));
                assert.equal(acceptedBySchema(cidr), expected, cidr);
            }),
            { numRuns: 500 },
        );
    });

    it("refuses a site space on the EKS service range or the AKS overlay, naming the range", () => {
        const refused = roleSchemas["aws-site"].shape.awsVpcCidr.safeParse("172.20.0.0/16");
        assert.equal(refused.success, false);
        assert.match(refused.error!.issues[0].message, /overlaps 172\.20\.0\.0\/16, the EKS service range/);
        assert.match(
            roleSchemas["azure-site"].shape.azureVnetCidr.safeParse("100.64.0.0/18").error!.issues[0].message,
            /overlaps 100\.64\.0\.0\/16, the AKS pod overlay/,
        );
    });

    it("carves AWS subnets that never overlap and stay inside the VPC, for every space and zone count the schema accepts", () => {
        fc.assert(
            fc.property(siteAddressSpaces, fc.integer({ min: AWS_ZONE_COUNT.min, max: AWS_ZONE_COUNT.max }), (vpc, zones) => {
                const plan = awsSubnetPlan(vpc, zones);
                for (const tier of AWS_SUBNET_TIER_NAMES) {
                    assert.equal(plan[tier].length, zones, `one ${tier} subnet per zone`);
                }
                assertDisjointInside(
                    vpc,
                    AWS_SUBNET_TIER_NAMES.flatMap((tier) => plan[tier]),
                );
            }),
            { numRuns: 300 },
        );
    });

    it("carves Azure subnets (and the VPN's GatewaySubnet) that never overlap and stay inside the VNet, with the gateway's address inside the node subnet", () => {
        fc.assert(
            fc.property(siteAddressSpaces, (vnet) => {
                const plan = azureSubnetPlan(vnet);
                assertDisjointInside(vnet, [...Object.values(plan), azureVpnGatewaySubnet(vnet)]);
                const nodes = mustParse(plan.aksNodes);
                const ingress = mustParse(`${azureIngressAddress(plan.aksNodes)}/32`);
                assert.ok(blockContains(nodes, ingress), "the internal load balancer's address is in the node subnet");
                assert.ok(
                    ingress.base > nodes.base && ingress.base < nodes.base + 2 ** (32 - nodes.prefixLength) - 1,
                    "neither network nor broadcast",
                );
            }),
            { numRuns: 300 },
        );
    });

    it("keeps every subnet clear of the clusters' internal ranges", () => {
        fc.assert(
            fc.property(siteAddressSpaces, (space) => {
                const subnets = [
                    ...Object.values(awsSubnetPlan(space, AWS_ZONE_COUNT.max)).flat(),
                    ...Object.values(azureSubnetPlan(space)),
                ];
                for (const subnet of subnets) {
                    for (const range of CLUSTER_INTERNAL_RANGES) {
                        assert.ok(!blocksOverlap(mustParse(subnet), mustParse(range.cidr)), `${subnet} is clear of ${range.cidr}`);
                    }
                }
            }),
            { numRuns: 200 },
        );
    });

    it("formats what it parses back to the same block, and refuses host bits", () => {
        fc.assert(
            fc.property(siteBlockCandidates, (cidr) => assert.equal(formatCidr(mustParse(cidr)), cidr)),
            { numRuns: 300 },
        );
        assert.equal(parseIpv4Cidr("10.0.0.1/16"), undefined);
    });

    it("admits from one NAT gateway up to one per zone, never more than the zones", () => {
        fc.assert(
            fc.property(fc.integer({ min: -1, max: 6 }), fc.integer({ min: AWS_ZONE_COUNT.min, max: AWS_ZONE_COUNT.max }), (nat, zones) => {
                assert.equal(natGatewayCountProblem(nat, zones) === undefined, nat >= 1 && nat <= zones);
            }),
        );
        assert.match(natGatewayCountProblem(3, 2)!, /from 1 to the zone count \(2\)/);
    });
});
