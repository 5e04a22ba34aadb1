import { propertyRule } from "../../lib/rules";

export const azureRedisTls = propertyRule({
    name: "azure-redis-tls-private",
    pack: "security",
    description: "Azure Managed Redis requires TLS 1.2 and takes no public traffic.",
    severity: "high",
    remediation: "Set minimumTlsVersion 1.2 and publicNetworkAccess Disabled.",
    controls: { pciDss: ["4.2.1", "1.3.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    types: ["azure-native:redisenterprise:RedisEnterprise"],
    problem: (props) =>
        props.minimumTlsVersion === "1.2" && props.publicNetworkAccess === "Disabled"
            ? undefined
            : "TLS below 1.2 or public access allowed",
});

export const azureRedisDatabaseLocked = propertyRule({
    name: "azure-redis-database-entra-tls",
    pack: "security",
    description: "Redis databases speak TLS only and accept Entra ID, not access keys.",
    severity: "high",
    remediation: "Set clientProtocol Encrypted and accessKeysAuthentication Disabled.",
    controls: { pciDss: ["4.2.1", "8.2.2"], soc2: ["CC6.1", "CC6.7"] },
    types: ["azure-native:redisenterprise:Database"],
    problem: (props) => {
        const problems = [
            ...(props.clientProtocol === "Encrypted" ? [] : ["plaintext protocol"]),
            ...(props.accessKeysAuthentication === "Disabled" ? [] : ["access keys enabled"]),
        ];
        return problems.length > 0 ? problems.join("; ") : undefined;
    },
});

export const azureRedisClassicTls = propertyRule({
    name: "azure-redis-classic-tls-private",
    pack: "security",
    description: "Classic Azure Cache for Redis keeps its plain-text port closed, refuses TLS below 1.2 and takes no public traffic.",
    severity: "high",
    remediation:
        "Set enableNonSslPort: false, minimumTlsVersion: 1.2 and publicNetworkAccess: Disabled (or move to Azure Managed Redis, as the sites do).",
    controls: { pciDss: ["1.4.4", "4.2.1"], soc2: ["CC6.6", "CC6.7"], gdpr: ["32"] },
    types: ["azure-native:redis:Redis"],
    problem: (props) => {
        const problems = [
            ...(props.enableNonSslPort === true ? ["the non-TLS port is open"] : []),
            ...(["1.2", "1.3"].includes(String(props.minimumTlsVersion))
                ? []
                : [`minimumTlsVersion is ${String(props.minimumTlsVersion)}`]),
            ...(props.publicNetworkAccess === "Disabled" ? [] : ["public network access is allowed"]),
        ];
        return problems.length > 0 ? problems.join(", ") : undefined;
    },
});
