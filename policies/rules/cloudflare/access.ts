import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

const EVERY_ADDRESS = new Set(["0.0.0.0/0", "::/0"]);

export const cloudflareAccessRuleNotAllowAll = propertyRule({
    name: "cloudflare-access-rule-not-allow-all",
    pack: "security",
    description: "No IP access rule allow-lists every address: an allow-listed request skips the WAF, rate limits and bot checks.",
    severity: "critical",
    remediation: "Allow-list only the networks that need it (a partner's range), never 0.0.0.0/0 or ::/0.",
    controls: { pciDss: ["1.3.1", "6.4.2"], soc2: ["CC6.6"] },
    types: ["cloudflare:index/accessRule:AccessRule"],
    problem: (props) => {
        const value = String(objectInput(props.configuration)?.value ?? "");
        return props.mode === "whitelist" && EVERY_ADDRESS.has(value) ? `allow-lists ${value}, skipping every security feature` : undefined;
    },
});

export const cloudflareAccessPolicyNotEveryone = propertyRule({
    name: "cloudflare-access-policy-not-everyone",
    pack: "security",
    description: "No Zero Trust Access policy allows everyone, or every address: the application behind it would be public.",
    severity: "critical",
    remediation: "Include the identity provider's groups or emails that need the application.",
    controls: { pciDss: ["7.2.1", "8.3.1"], soc2: ["CC6.1"] },
    types: ["cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy"],
    problem: (props) => {
        if (props.decision !== "allow" && props.decision !== "bypass") {
            return undefined;
        }
        const open = arrayInput(props.includes).some(
            (include) => objectInput(include.everyone) !== undefined || EVERY_ADDRESS.has(String(objectInput(include.ip)?.ip)),
        );
        return open ? `${String(props.decision)}s everyone` : undefined;
    },
});
