import { resourceRule } from "../../lib/rules";

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
