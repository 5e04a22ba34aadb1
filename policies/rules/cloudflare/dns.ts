import { resourceRule } from "../../lib/rules";

export const cloudflareDnsProxied = resourceRule<{ unproxiedNames?: string[] }>({
    name: "cloudflare-dns-proxied",
    pack: "security",
    description: "Address records are proxied, so the origins' addresses stay hidden behind the WAF.",
    severity: "high",
    remediation: "Set proxied: true on A, AAAA and CNAME records, or list a deliberate exception in the policy config (unproxiedNames).",
    controls: { pciDss: ["1.4.2", "6.4.2"], soc2: ["CC6.6"] },
    configSchema: { properties: { unproxiedNames: { type: "array", items: { type: "string" }, default: [] } } },
    types: ["cloudflare:index/dnsRecord:DnsRecord"],
    check: ({ props }, config) =>
        ["A", "AAAA", "CNAME"].includes(String(props.type)) &&
        props.proxied !== true &&
        !(config.unproxiedNames ?? []).includes(String(props.name))
            ? [`${String(props.type)} record ${String(props.name)} is not proxied`]
            : [],
});
