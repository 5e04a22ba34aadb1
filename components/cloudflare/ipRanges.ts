import ranges from "./ip-ranges.json";

/**
 * Cloudflare's published edge address ranges: the only sources allowed to reach either site's
 * origin. Kept as data (ip-ranges.json, with its source and the date it was checked) so that a
 * change is a reviewed diff, not a fetch at deploy time.
 */
export const CLOUDFLARE_IPV4_RANGES: readonly string[] = ranges.ipv4;
export const CLOUDFLARE_IPV6_RANGES: readonly string[] = ranges.ipv6;
