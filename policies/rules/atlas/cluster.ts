import { SITES } from "../../../model/stacks";
import { ATLAS_PROVIDER, DATABASE_DOMAINS, survivorsAfterLosing, type DatabaseTopology } from "../../../model/topology";
import { arrayInput, objectInput } from "../../lib/props";
import { resourceRule, stackRule } from "../../lib/rules";

export const ATLAS_CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";

export const atlasClusterTls = resourceRule({
    name: "atlas-cluster-tls-1-2",
    pack: "security",
    description: "The database accepts only TLS 1.2 or later.",
    severity: "high",
    remediation: "Set advancedConfiguration.minimumEnabledTlsProtocol to TLS1_2.",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: [ATLAS_CLUSTER],
    check: ({ props }) => {
        const minimum = String(objectInput(props.advancedConfiguration)?.minimumEnabledTlsProtocol ?? "TLS1_0");
        return ["TLS1_2", "TLS1_3"].includes(minimum) ? [] : [`minimum TLS is ${minimum}; allowed: TLS1_2, TLS1_3`];
    },
});

export const atlasClusterBackup = resourceRule({
    name: "atlas-cluster-continuous-backup",
    pack: "compliance",
    description: "The database takes snapshots and keeps its oplog for point-in-time restore.",
    severity: "high",
    remediation: "Set backupEnabled and pitEnabled to true.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: [ATLAS_CLUSTER],
    check: ({ props }) => [
        ...(props.backupEnabled === true ? [] : ["backups are off"]),
        ...(props.pitEnabled === true ? [] : ["point-in-time restore is off"]),
    ],
});

export const atlasMajorityWrites = resourceRule({
    name: "atlas-majority-write-concern",
    pack: "resilience",
    description: "Writes are acknowledged by a majority of electable nodes by default, so a committed write survives a failover.",
    severity: "high",
    remediation: "Set advancedConfiguration.defaultWriteConcern to majority.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: [ATLAS_CLUSTER],
    check: ({ props }) => {
        const concern = String(objectInput(props.advancedConfiguration)?.defaultWriteConcern ?? "unset");
        return concern === "majority" ? [] : [`default write concern is ${concern}; allowed: majority`];
    },
});

export const databaseMajoritySurvives = stackRule({
    name: "database-majority-survives-cloud-loss",
    pack: "resilience",
    description: "The database's electable nodes are placed so that losing all of AWS, or all of Azure, leaves a majority.",
    severity: "critical",
    remediation: "Place the electable nodes 2 AWS + 2 Azure + 1 in a third cloud (or another split where no cloud holds half).",
    controls: { soc2: ["A1.2", "CC9.1"] },
    check: (stack) =>
        stack.ofType(ATLAS_CLUSTER).flatMap((cluster) => {
            // The planned placement, read back into the topology the schema checks before planning.
            const regions = arrayInput(arrayInput(cluster.props.replicationSpecs)[0]?.regionConfigs);
            const placement = (domain: (typeof DATABASE_DOMAINS)[number]) => {
                const inCloud = regions.filter((region) => region.providerName === ATLAS_PROVIDER[domain]);
                return {
                    region: String(inCloud[0]?.regionName ?? ""),
                    electableNodes: inCloud.reduce((sum, region) => sum + Number(objectInput(region.electableSpecs)?.nodeCount ?? 0), 0),
                };
            };
            const topology = Object.fromEntries(DATABASE_DOMAINS.map((domain) => [domain, placement(domain)])) as DatabaseTopology;
            return SITES.flatMap((site) => {
                const { remaining, total, majority } = survivorsAfterLosing(topology, site);
                return majority
                    ? []
                    : [
                          {
                              message: `losing ${ATLAS_PROVIDER[site]} leaves ${remaining} of ${total} electable nodes, no majority`,
                              urn: cluster.urn,
                          },
                      ];
            });
        }),
});

export const atlasBackupCopied = resourceRule({
    name: "atlas-backup-copied-to-other-cloud",
    pack: "resilience",
    description:
        "Database snapshots and the oplog are copied to another region, so a restore needs neither the primary's region nor its cloud.",
    severity: "high",
    remediation: "Add copySettings to a region of the other cloud with shouldCopyOplogs and a daily copyPolicyItems entry at least.",
    controls: { soc2: ["A1.2", "CC9.1"], gdpr: ["32"] },
    types: ["mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule"],
    check: ({ props }) =>
        arrayInput(props.copySettings).some((copy) => copy.shouldCopyOplogs === true && copiesDailySnapshots(copy))
            ? []
            : ["snapshots are not copied, with the oplog, to another region"],
});

/** A copy setting copies the daily snapshots, in provider 4.x's copyPolicyItems or the deprecated frequencies. */
function copiesDailySnapshots(copy: Record<string, unknown>): boolean {
    return (
        arrayInput(copy.copyPolicyItems).some((item) => item.frequencyType === "daily") ||
        (Array.isArray(copy.frequencies) && (copy.frequencies as unknown[]).includes("DAILY"))
    );
}
