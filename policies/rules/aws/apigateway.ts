import { objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

export const awsApiAccessLogs = propertyRule({
    name: "aws-api-gateway-access-logs",
    pack: "compliance",
    description: "API stages, HTTP (v2) and REST (v1), write access logs.",
    severity: "medium",
    remediation: "Set accessLogSettings.destinationArn to an encrypted log group.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    types: ["aws:apigatewayv2/stage:Stage", "aws:apigateway/stage:Stage"],
    problem: (props) => (objectInput(props.accessLogSettings)?.destinationArn ? undefined : "the stage has no access log"),
});

export const awsApiThrottled = propertyRule({
    name: "aws-api-gateway-throttled",
    pack: "resilience",
    description: "API stages throttle requests, so one client cannot exhaust the services.",
    severity: "medium",
    remediation: "Set defaultRouteSettings.throttlingBurstLimit and throttlingRateLimit.",
    controls: { soc2: ["A1.2", "CC6.6"] },
    types: ["aws:apigatewayv2/stage:Stage"],
    problem: (props) => {
        const settings = objectInput(props.defaultRouteSettings);
        return settings?.throttlingBurstLimit !== undefined && settings?.throttlingRateLimit !== undefined
            ? undefined
            : "the stage is not throttled";
    },
});
