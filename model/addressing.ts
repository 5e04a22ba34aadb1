import * as ipaddr from "ipaddr.js";

/**
 * The address plans of both sites: IPv4 block arithmetic, how each site carves its subnets out of
 * its address space, and the cluster-internal ranges both clusters use. The schema validates the
 * address spaces against these plans, the network components build them, and the edge checks the
 * two sites' spaces are disjoint.
 */

/** An IPv4 block, parsed once so that containment and carving are integer arithmetic. */
export interface Ipv4Block {
    /** First address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefixLength: number;
}

/** Parses `a.b.c.d/n`, returning undefined when it is not a canonical IPv4 CIDR block. */
export function parseIpv4Cidr(cidr: string): Ipv4Block | undefined {
    if (!ipaddr.IPv4.isValidCIDR(cidr)) {
        return undefined;
    }
    const [address, prefixLength] = ipaddr.IPv4.parseCIDR(cidr);
    const base = toInteger(address.toByteArray());
    // A block whose address has host bits set (10.0.0.1/16) is almost always a typo.
    if (base % blockSize(prefixLength) !== 0) {
        return undefined;
    }
    return { base, prefixLength };
}

/** Formats a block back to `a.b.c.d/n`. */
export function formatCidr(block: Ipv4Block): string {
    return `${formatAddress(block.base)}/${block.prefixLength}`;
}

/** Formats an address, an unsigned 32-bit integer, as `a.b.c.d`. */
export function formatAddress(address: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** True when the two blocks share at least one address. */
export function blocksOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
    return a.base < blockEnd(b) && b.base < blockEnd(a);
}

/** True when every address of `inner` is in `outer`. */
export function blockContains(outer: Ipv4Block, inner: Ipv4Block): boolean {
    return outer.base <= inner.base && blockEnd(inner) <= blockEnd(outer);
}

/** True when two CIDR strings overlap; both must be valid CIDRs. */
export function cidrsOverlap(a: string, b: string): boolean {
    return blocksOverlap(mustParse(a), mustParse(b));
}

/**
 * Returns the `index`-th sub-block of `parent` with the given prefix length, e.g. the third /24
 * of a /16. Throws when the sub-block would fall outside the parent.
 */
export function subBlock(parent: Ipv4Block, prefixLength: number, index: number): Ipv4Block {
    if (prefixLength < parent.prefixLength || prefixLength > 32) {
        throw new Error(`prefixLength ${prefixLength} must be between ${parent.prefixLength} and 32`);
    }
    const count = 2 ** (prefixLength - parent.prefixLength);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(`index ${index} must be between 0 and ${count - 1} for a /${prefixLength} of ${formatCidr(parent)}`);
    }
    return { base: parent.base + index * blockSize(prefixLength), prefixLength };
}

/** Parses a CIDR that is already known to be valid (validated config). */
export function mustParse(cidr: string): Ipv4Block {
    const block = parseIpv4Cidr(cidr);
    if (!block) {
        throw new Error(`"${cidr}" is not a canonical IPv4 CIDR block`);
    }
    return block;
}

/** The prefix lengths a site's address space may have: every subnet tier below must fit. */
export const SITE_ADDRESS_SPACE_PREFIX = { min: 16, max: 20 } as const;

/** The availability zones the AWS site's VPC may span: the address plan carves three zones at most. */
export const AWS_ZONE_COUNT = { min: 2, max: 3 } as const;

/** Why a NAT gateway count does not fit the zones; undefined when it does. A zone holds at most one. */
export function natGatewayCountProblem(natGatewayCount: number, zoneCount: number): string | undefined {
    return Number.isInteger(natGatewayCount) && natGatewayCount >= 1 && natGatewayCount <= zoneCount
        ? undefined
        : `${natGatewayCount} must be from 1 to the zone count (${zoneCount}): a zone holds at most one NAT gateway`;
}

/** Why a site's address space is unusable; undefined when the plans can be carved from it. */
export function siteAddressSpaceProblem(cidr: string): string | undefined {
    const block = parseIpv4Cidr(cidr);
    if (!block) {
        return "must be a canonical IPv4 CIDR block (a.b.c.d/n, no host bits set), e.g. 10.10.0.0/16";
    }
    if (block.prefixLength < SITE_ADDRESS_SPACE_PREFIX.min || block.prefixLength > SITE_ADDRESS_SPACE_PREFIX.max) {
        return `must have a prefix length from /${SITE_ADDRESS_SPACE_PREFIX.min} to /${SITE_ADDRESS_SPACE_PREFIX.max}, so that every subnet tier fits`;
    }
    const clash = CLUSTER_INTERNAL_RANGES.find((range) => cidrsOverlap(cidr, range.cidr));
    if (clash) {
        return `overlaps ${clash.cidr}, ${clash.what}; choose a range outside it, e.g. 10.10.0.0/16`;
    }
    return undefined;
}

/** The tiers of the AWS site's address plan, as carved from the VPC block (prefix p). */
export const AWS_SUBNET_TIERS = {
    /** Workloads (EKS nodes and pods): a /p+2 per zone, the first three quarters of the VPC. */
    private: { prefixOffset: 2, firstIndex: 0 },
    /** Load balancers and NAT gateways: /p+5 blocks in the last quarter. */
    public: { prefixOffset: 5, firstIndex: 24 },
    /** Data stores, no route out of the VPC: /p+5 blocks after the public ones. */
    isolated: { prefixOffset: 5, firstIndex: 28 },
} as const;
export type AwsSubnetTier = keyof typeof AWS_SUBNET_TIERS;
export const AWS_SUBNET_TIER_NAMES = Object.keys(AWS_SUBNET_TIERS) as AwsSubnetTier[];

/** Each tier's subnets of the AWS site, one per zone, zone order. */
export function awsSubnetPlan(vpcCidr: string, zoneCount: number): Record<AwsSubnetTier, string[]> {
    const vpc = mustParse(vpcCidr);
    return Object.fromEntries(
        AWS_SUBNET_TIER_NAMES.map((tier) => {
            const { prefixOffset, firstIndex } = AWS_SUBNET_TIERS[tier];
            return [
                tier,
                Array.from({ length: zoneCount }, (_, zone) =>
                    formatCidr(subBlock(vpc, vpc.prefixLength + prefixOffset, firstIndex + zone)),
                ),
            ];
        }),
    ) as Record<AwsSubnetTier, string[]>;
}

/** The subnets of the Azure site, carved from the address space (prefix p). */
export const AZURE_SUBNETS = {
    /** AKS nodes: the first half, /p+1 (pods use an overlay, not these addresses). */
    aksNodes: { name: "aks-nodes", prefixOffset: 1, index: 0 },
    /** Application Gateway WAF v2, the site's origin behind Cloudflare. */
    gateway: { name: "gateway", prefixOffset: 4, index: 8 },
    /** Private endpoints of the data stores, Key Vault and the registry. */
    privateEndpoints: { name: "private-endpoints", prefixOffset: 4, index: 9 },
    /** Self-hosted deploy runners (components/azure/deployRunner.ts), which call the private AKS API. */
    deployRunner: { name: "deploy-runner", prefixOffset: 4, index: 10 },
} as const;
export type AzureSubnet = keyof typeof AZURE_SUBNETS;
export const AZURE_SUBNET_NAMES = Object.keys(AZURE_SUBNETS) as AzureSubnet[];

/** The Azure site's subnet prefixes. */
export function azureSubnetPlan(addressSpace: string): Record<AzureSubnet, string> {
    const block = mustParse(addressSpace);
    return Object.fromEntries(
        AZURE_SUBNET_NAMES.map((subnet) => {
            const { prefixOffset, index } = AZURE_SUBNETS[subnet];
            return [subnet, formatCidr(subBlock(block, block.prefixLength + prefixOffset, index))];
        }),
    ) as Record<AzureSubnet, string>;
}

/** The VPN gateway's subnet, only where a site-to-site VPN needs one; Azure fixes its name. */
export const AZURE_VPN_GATEWAY_SUBNET = { name: "GatewaySubnet", prefixOffset: 4, index: 11 } as const;

/** The prefix of the Azure site's `GatewaySubnet`: the /p+4 after the deploy runners'. */
export function azureVpnGatewaySubnet(addressSpace: string): string {
    const block = mustParse(addressSpace);
    return formatCidr(subBlock(block, block.prefixLength + AZURE_VPN_GATEWAY_SUBNET.prefixOffset, AZURE_VPN_GATEWAY_SUBNET.index));
}

/**
 * The address the in-cluster gateway's internal load balancer takes in the AKS node subnet: near
 * the top, clear of the nodes Azure hands addresses out to from the bottom, and of the last
 * address, which Azure reserves.
 */
export function azureIngressAddress(nodeSubnet: string): string {
    const block = mustParse(nodeSubnet);
    return formatAddress(subBlock(block, 32, 2 ** (32 - block.prefixLength) - 6).base);
}

/**
 * EKS's Service network, set rather than left to EKS's choice so that NetworkPolicies can name the
 * API server's ClusterIP, and outside both sites' address plans.
 */
export const EKS_SERVICE_CIDR = "172.20.0.0/16";
/** The ClusterIP of the Kubernetes API service: the first address of the service range. */
export const KUBERNETES_API_SERVICE_CIDR = formatCidr({ base: mustParse(EKS_SERVICE_CIDR).base + 1, prefixLength: 32 });

/**
 * AKS's overlay ranges, outside both sites' address plans. Overlay pod traffic between nodes is
 * not encapsulated, so the node subnet's NSG sees pod addresses and must admit them
 * (learn.microsoft.com/azure/aks/azure-cni-overlay: "allow traffic between the pod CIDR").
 */
export const AKS_POD_CIDR = "100.64.0.0/16";
export const AKS_SERVICE_CIDR = "100.65.0.0/16";
export const AKS_DNS_SERVICE_IP = "100.65.0.10";

/** Ranges the clusters use inside themselves: a site address space that overlapped one would route into the cluster. */
export const CLUSTER_INTERNAL_RANGES: readonly { readonly cidr: string; readonly what: string }[] = [
    { cidr: EKS_SERVICE_CIDR, what: "the EKS service range" },
    { cidr: AKS_POD_CIDR, what: "the AKS pod overlay" },
    { cidr: AKS_SERVICE_CIDR, what: "the AKS service range" },
];

function blockSize(prefixLength: number): number {
    return 2 ** (32 - prefixLength);
}

function blockEnd(block: Ipv4Block): number {
    return block.base + blockSize(block.prefixLength);
}

function toInteger(bytes: number[]): number {
    return bytes.reduce((value, byte) => value * 256 + byte, 0);
}
