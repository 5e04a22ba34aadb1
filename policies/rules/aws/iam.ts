import { arrayInput, asList, statements } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

const INLINE_POLICIES = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"];

export const awsIamNoWildcardPolicy = propertyRule({
    name: "aws-iam-no-wildcard-policy",
    pack: "security",
    description: "No policy, managed or inline, on a role, user or group, allows every action on every resource.",
    severity: "critical",
    remediation: "Name the actions and resources the role needs.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"], gdpr: ["25"] },
    types: [...INLINE_POLICIES, "aws:iam/policy:Policy", "aws:iam/role:Role"],
    problem: (props) => {
        // A role can also carry its inline policies as inlinePolicies [{ name, policy }].
        const documents = [props.policy, ...arrayInput(props.inlinePolicies).map((inline) => inline.policy)];
        return documents.some((document) =>
            statements(document).some(
                (statement) =>
                    statement.Effect === "Allow" && asList(statement.Action).includes("*") && asList(statement.Resource).includes("*"),
            ),
        )
            ? "allows * on *"
            : undefined;
    },
});

export const awsIamNoAdministratorAccess = propertyRule({
    name: "aws-iam-no-administrator-access",
    pack: "security",
    description: "No role, user or group is given AWS's AdministratorAccess, IAMFullAccess or PowerUserAccess managed policy.",
    severity: "critical",
    remediation: "Attach a policy scoped to what the role does.",
    controls: { pciDss: ["7.2.1", "7.2.2"], soc2: ["CC6.1"] },
    types: [
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        "aws:iam/policyAttachment:PolicyAttachment",
        "aws:iam/role:Role",
    ],
    problem: (props) => {
        const broad = [props.policyArn, ...asList(props.managedPolicyArns)]
            .map(String)
            .filter((arn) => /:policy\/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$/.test(arn));
        return broad.length > 0 ? `attaches ${broad.join(", ")}` : undefined;
    },
});

export const awsIamNoAccessKeys = propertyRule({
    name: "aws-iam-no-access-keys",
    pack: "security",
    description:
        "No IAM access key is created: people sign in through the identity provider, workloads and pipelines use roles (IRSA, OIDC).",
    severity: "high",
    remediation: "Delete the access key; give the workload a role (IRSA on EKS, OIDC in GitHub Actions).",
    controls: { pciDss: ["8.2.2", "8.3.1"], soc2: ["CC6.1"] },
    types: ["aws:iam/accessKey:AccessKey"],
    problem: (props) => `creates a long-lived access key for user ${String(props.user)}`,
});

export const awsIamUsersNoPolicies = propertyRule({
    name: "aws-iam-users-no-policies",
    pack: "security",
    description: "IAM users get permissions only through groups or roles, never policies of their own.",
    severity: "medium",
    remediation: "Put the user in a group that holds the policy, or give the workload a role.",
    controls: { pciDss: ["7.2.1", "7.2.2"], soc2: ["CC6.1"] },
    types: ["aws:iam/userPolicy:UserPolicy", "aws:iam/userPolicyAttachment:UserPolicyAttachment"],
    problem: (props) => `gives user ${String(props.user)} a policy of its own`,
});
