import { propertyRule, resourceRule } from "../../lib/rules";

export const awsElasticacheEncrypted = resourceRule({
    name: "aws-elasticache-encrypted",
    pack: "security",
    description: "Redis replication groups require TLS in transit and encrypt at rest.",
    severity: "high",
    remediation: "Set transitEncryptionEnabled: true, transitEncryptionMode: required and atRestEncryptionEnabled: true.",
    controls: { pciDss: ["3.5.1", "4.2.1"], soc2: ["CC6.1", "CC6.7"], gdpr: ["32"] },
    types: ["aws:elasticache/replicationGroup:ReplicationGroup"],
    check: ({ props }) => [
        ...(props.transitEncryptionEnabled !== true || props.transitEncryptionMode === "preferred"
            ? ["TLS is not required in transit"]
            : []),
        ...(props.atRestEncryptionEnabled !== true ? ["not encrypted at rest"] : []),
    ],
});

export const awsElasticacheFailover = propertyRule({
    name: "aws-elasticache-multi-az",
    pack: "resilience",
    description: "Redis replication groups span zones and fail over automatically.",
    severity: "medium",
    remediation: "Set automaticFailoverEnabled and multiAzEnabled to true, with at least two nodes.",
    controls: { soc2: ["A1.2"] },
    types: ["aws:elasticache/replicationGroup:ReplicationGroup"],
    problem: (props) =>
        props.automaticFailoverEnabled === true && props.multiAzEnabled === true ? undefined : "no automatic multi-zone failover",
});

export const awsElasticacheSnapshots = propertyRule({
    name: "aws-elasticache-snapshots",
    pack: "resilience",
    description: "Redis keeps daily snapshots.",
    severity: "low",
    remediation: "Set snapshotRetentionLimit to at least 1.",
    controls: { soc2: ["A1.2"] },
    types: ["aws:elasticache/replicationGroup:ReplicationGroup"],
    problem: (props) => (Number(props.snapshotRetentionLimit ?? 0) >= 1 ? undefined : "no snapshots are kept"),
});
