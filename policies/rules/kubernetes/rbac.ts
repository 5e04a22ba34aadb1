import { arrayInput, objectInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";
import { WORKLOAD_TYPES, podOf } from "../../lib/workloads";

const ROLES = ["kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"];
const BINDINGS = ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"];

/** Roles that hold every permission of the cluster (or of a namespace) under a built-in name. */
const ADMIN_ROLES = new Set(["cluster-admin", "admin", "system:masters"]);

export const k8sServiceAccountNoToken = resourceRule({
    name: "k8s-service-account-no-token",
    pack: "security",
    description: "ServiceAccounts do not hand out Kubernetes API tokens by default.",
    severity: "low",
    remediation: "Set automountServiceAccountToken: false on the ServiceAccount.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"] },
    types: ["kubernetes:core/v1:ServiceAccount"],
    check: ({ props }) => (props.automountServiceAccountToken === false ? [] : ["mounts an API token into every pod by default"]),
});

export const k8sNoAdminBinding = resourceRule({
    name: "k8s-no-admin-binding",
    pack: "security",
    description:
        "No binding grants cluster-admin (or the namespace admin role, or the system:masters group); workloads get roles that name what they do.",
    severity: "critical",
    remediation: "Bind a Role that lists the resources and verbs the subject needs.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"], gdpr: ["25"] },
    types: BINDINGS,
    check: ({ props }) => {
        const role = String(objectInput(props.roleRef)?.name ?? "");
        const masters = arrayInput(props.subjects).some((subject) => subject.kind === "Group" && subject.name === "system:masters");
        return ADMIN_ROLES.has(role) || masters ? [`grants ${masters ? "the system:masters group" : role}`] : [];
    },
});

export const k8sNoWildcardRbac = resourceRule({
    name: "k8s-no-wildcard-rbac",
    pack: "security",
    description: "Roles name their API groups, resources and verbs: a wildcard grants every permission the API will ever have.",
    severity: "high",
    remediation: "Replace * in apiGroups, resources and verbs with the names the role needs.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"] },
    types: ROLES,
    check: ({ props }) =>
        arrayInput(props.rules).flatMap((rule, position) => {
            const wild = ["apiGroups", "resources", "verbs"].filter(
                (field) => Array.isArray(rule[field]) && (rule[field] as unknown[]).includes("*"),
            );
            return wild.length > 0 ? [`rule ${position} has * in ${wild.join(", ")}`] : [];
        }),
});

export const k8sNoDefaultServiceAccount = resourceRule({
    name: "k8s-no-default-service-account",
    pack: "security",
    description:
        "Pods run under a service account of their own, never the namespace's default one, so that no permission given to one workload reaches another.",
    severity: "medium",
    remediation: "Create a ServiceAccount for the workload and set serviceAccountName on its pod spec.",
    controls: { pciDss: ["7.2.1", "8.2.2"], soc2: ["CC6.1"] },
    types: [...WORKLOAD_TYPES, ...BINDINGS],
    check: (resource) => {
        if (BINDINGS.includes(resource.type)) {
            return arrayInput(resource.props.subjects).some((subject) => subject.kind === "ServiceAccount" && subject.name === "default")
                ? ["binds a role to the default service account"]
                : [];
        }
        const account = podOf(resource)?.pod.serviceAccountName;
        return account === undefined || account === "default" ? ["runs under the default service account"] : [];
    },
});
