import { arrayInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";

export const atlasNoOpenAccess = resourceRule({
    name: "atlas-no-public-access",
    pack: "security",
    description: "No IP access list entry opens the database project to the internet; the sites use private endpoints.",
    severity: "critical",
    remediation: "Remove the access list entry; reach the cluster through the sites' private endpoints.",
    controls: { pciDss: ["1.3.1", "1.4.4"], soc2: ["CC6.6"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["mongodbatlas:index/projectIpAccessList:ProjectIpAccessList"],
    check: ({ props }) => {
        const cidr = String(props.cidrBlock ?? (props.ipAddress ? `${String(props.ipAddress)}/32` : ""));
        return cidr.endsWith("/0") ? [`access list entry ${cidr} admits the whole internet`] : [];
    },
});

export const atlasUserLeastPrivilege = resourceRule({
    name: "atlas-user-least-privilege",
    pack: "security",
    description: "Application database users hold no administrative or any-database role, and are scoped to their cluster.",
    severity: "high",
    remediation: "Grant readWrite on the application's database only, and scope the user to its cluster.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["mongodbatlas:index/databaseUser:DatabaseUser"],
    check: ({ props }) => {
        const broad = arrayInput(props.roles)
            .map((role) => String(role.roleName))
            .filter((role) => /^(atlasAdmin|dbAdminAnyDatabase|readWriteAnyDatabase|userAdminAnyDatabase|clusterManager|root)$/.test(role));
        return [
            ...(broad.length > 0 ? [`holds ${broad.join(", ")}`] : []),
            ...(arrayInput(props.scopes).length === 0 ? ["is not scoped to a cluster"] : []),
        ];
    },
});
