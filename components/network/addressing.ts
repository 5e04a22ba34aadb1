import * as ipaddr from "ipaddr.js";

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
    const bytes = [24, 16, 8, 0].map((shift) => Math.floor(block.base / 2 ** shift) % 256);
    return `${bytes.join(".")}/${block.prefixLength}`;
}

/** True when the two blocks share at least one address. */
export function blocksOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
    const aEnd = a.base + blockSize(a.prefixLength);
    const bEnd = b.base + blockSize(b.prefixLength);
    return a.base < bEnd && b.base < aEnd;
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

function blockSize(prefixLength: number): number {
    return 2 ** (32 - prefixLength);
}

function toInteger(bytes: number[]): number {
    return bytes.reduce((value, byte) => value * 256 + byte, 0);
}
