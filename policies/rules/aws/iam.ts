import { asList, statements } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

export const awsIamNoWildcardPolicy = propertyRule({
    name: "aws-iam-no-wildcard-policy",
    pack: "security",
    description: "No inline policy allows every action on every resource.",
    severity: "critical",
    remediation: "Name the actions and resources the role needs.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"], gdpr: ["25"] },
    types: ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"],
    problem: (props) =>
        statements(props.policy).some((statement) => statement.Effect === "Allow" && asList(statement.Action).includes("*") && asList(statement.Resource).includes("*"))
            ? "allows * on *"
            : undefined,
});

export const awsIamNoAdministratorAccess = propertyRule({
    name: "aws-iam-no-administrator-access",
    pack: "security",
    description: "No role is given AWS's AdministratorAccess or IAMFullAccess managed policy.",
    severity: "critical",
    remediation: "Attach a policy scoped to what the role does.",
    controls: { pciDss: ["7.2.1", "7.2.2"], soc2: ["CC6.1"] },
    types: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
    problem: (props) => (/:policy\/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$/.test(String(props.policyArn)) ? `attaches ${String(props.policyArn)}` : undefined),
});
