import { asList } from "../../lib/props";
import { propertyRule, resourceRule } from "../../lib/rules";

export const awsAlarmsNotify = propertyRule({
    name: "aws-alarms-notify",
    pack: "compliance",
    description: "Every alarm notifies someone.",
    severity: "medium",
    remediation: "Set alarmActions to the site's alarm topic.",
    controls: { pciDss: ["10.7.2"], soc2: ["CC7.2"] },
    types: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
    problem: (props) => (asList(props.alarmActions).length > 0 ? undefined : "the alarm notifies nobody"),
});

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

interface RetentionConfig {
    minimumDays: number;
}

export const awsLogGroupRetention = resourceRule<RetentionConfig>({
    name: "aws-log-group-retention",
    pack: "compliance",
    description: "CloudWatch log groups keep their events at least as long as audits need them.",
    severity: "medium",
    remediation: "Set retentionInDays to at least the configured minimum (PCI DSS asks for 12 months).",
    controls: { pciDss: ["10.5.1"], soc2: ["CC7.2"] },
    configSchema: {
        properties: { minimumDays: { type: "integer", minimum: 1, default: 365, description: "Least retention, in days." } },
    },
    types: [LOG_GROUP],
    check: ({ props }, config) => {
        const days = props.retentionInDays;
        // An unset or zero retention keeps events forever.
        if (days === undefined || days === 0) {
            return [];
        }
        return typeof days === "number" && days < config.minimumDays
            ? [`retentionInDays is ${days}; at least ${config.minimumDays} required`]
            : [];
    },
});

export const awsLogGroupEncrypted = resourceRule({
    name: "aws-log-group-encrypted",
    pack: "compliance",
    description: "CloudWatch log groups are encrypted with a customer-managed KMS key.",
    severity: "medium",
    remediation: "Set kmsKeyId to the ARN of a KMS key whose policy lets CloudWatch Logs use it.",
    controls: { pciDss: ["3.5.1", "10.3.2"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: [LOG_GROUP],
    check: ({ props }) =>
        typeof props.kmsKeyId === "string" && props.kmsKeyId !== "" ? [] : ["has no kmsKeyId; encrypt it with a KMS key"],
});
