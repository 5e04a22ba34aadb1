import { resourceRule } from "../../lib/rules";

export const k8sHelmPinned = resourceRule({
    name: "k8s-helm-chart-pinned",
    pack: "security",
    description: "Helm releases pin their chart version.",
    severity: "medium",
    remediation: "Set version on the release to an exact chart version.",
    controls: { pciDss: ["6.3.2"], soc2: ["CC8.1"] },
    types: ["kubernetes:helm.sh/v3:Release"],
    check: ({ props }) =>
        /^v?\d+\.\d+\.\d+$/.test(String(props.version ?? "")) ? [] : [`chart ${String(props.chart)} is not pinned to an exact version`],
});
