import { arrayInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

export const azureLogRetention = propertyRule({
    name: "azure-log-analytics-retention",
    pack: "compliance",
    description: "The Log Analytics workspace keeps logs for at least 12 months, as PCI DSS asks.",
    severity: "medium",
    remediation: "Set retentionInDays to at least 365.",
    controls: { pciDss: ["10.5.1"], soc2: ["CC7.2"] },
    types: ["azure-native:operationalinsights:Workspace"],
    problem: (props) =>
        Number(props.retentionInDays ?? 30) >= 365
            ? undefined
            : `retentionInDays is ${String(props.retentionInDays ?? 30)}; at least 365 required`,
});

/** Resource types with metrics but no log categories: Azure refuses allLogs on them (Managed Redis logs live on its databases). */
const METRICS_ONLY_RESOURCE_TYPE = /\/providers\/Microsoft\.Cache\/redisEnterprise\/[^/]+$/i;

export const azureDiagnosticsAllLogs = propertyRule({
    name: "azure-diagnostics-all-logs",
    pack: "compliance",
    description: "Diagnostic settings send every log category to the site's workspace (resources that have logs).",
    severity: "medium",
    remediation: "Enable the allLogs category group with a workspaceId.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    types: ["azure-native:monitor:DiagnosticSetting"],
    problem: (props) =>
        METRICS_ONLY_RESOURCE_TYPE.test(String(props.resourceUri)) ||
        (props.workspaceId && arrayInput(props.logs).some((log) => log.categoryGroup === "allLogs" && log.enabled === true))
            ? undefined
            : "not every log reaches the workspace",
});

export const azureAlertsNotify = propertyRule({
    name: "azure-alerts-notify",
    pack: "compliance",
    description: "Every metric alert notifies an action group.",
    severity: "medium",
    remediation: "Add the site's action group to the alert's actions.",
    controls: { pciDss: ["10.7.2"], soc2: ["CC7.2"] },
    types: ["azure-native:monitor:MetricAlert"],
    problem: (props) => (arrayInput(props.actions).length > 0 ? undefined : "the alert notifies nobody"),
});
