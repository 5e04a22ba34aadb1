import { propertyRule } from "../../lib/rules";

/** Owner, Contributor, User Access Administrator. */
const BROAD_ROLES = [
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
];

export const azureRoleAssignmentScoped = propertyRule({
    name: "azure-role-assignment-least-privilege",
    pack: "security",
    description: "No identity is made Owner, Contributor or User Access Administrator by the stacks.",
    severity: "critical",
    remediation: "Assign a data-plane or narrowly scoped built-in role.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"], gdpr: ["25"] },
    types: ["azure-native:authorization:RoleAssignment"],
    problem: (props) =>
        BROAD_ROLES.some((role) => String(props.roleDefinitionId).endsWith(role)) ? "assigns a broad administrative role" : undefined,
});
