import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule, resourceRule } from "../../lib/rules";

/** Load balancer types: the v7 `lb` token and the `alb` alias that still exists. */
export const AWS_LOAD_BALANCER_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];

export const awsAlbDropsInvalidHeaders = resourceRule({
    name: "aws-alb-drops-invalid-headers",
    pack: "security",
    description: "Application load balancers drop invalid HTTP headers, closing a request-smuggling path.",
    severity: "medium",
    remediation: "Set dropInvalidHeaderFields: true on the load balancer.",
    controls: { pciDss: ["6.4.1"], soc2: ["CC6.6"] },
    types: AWS_LOAD_BALANCER_TYPES,
    check: ({ props }) =>
        (props.loadBalancerType ?? "application") === "application" && props.dropInvalidHeaderFields !== true
            ? ["dropInvalidHeaderFields is not true"]
            : [],
});

export const awsListenerEncrypted = resourceRule({
    name: "aws-listener-https-only",
    pack: "security",
    description: "Load balancer listeners serve HTTPS with a TLS 1.2+ policy; plain HTTP only redirects to HTTPS.",
    severity: "high",
    remediation: "Serve HTTPS with an ELBSecurityPolicy-TLS13-1-2-* policy; make HTTP listeners redirect to HTTPS.",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    check: ({ props }) => {
        if (props.protocol === "HTTP") {
            const redirects = arrayInput(props.defaultActions).every(
                (action) => action.type === "redirect" && objectInput(action.redirect)?.protocol === "HTTPS",
            );
            return redirects ? [] : ["serves plain HTTP; redirect it to HTTPS"];
        }
        if (props.protocol === "HTTPS" && !/TLS13-1-2|TLS-1-2/.test(String(props.sslPolicy ?? ""))) {
            return [`sslPolicy ${String(props.sslPolicy)} allows TLS below 1.2`];
        }
        return [];
    },
});

export const awsAlbAccessLogs = propertyRule({
    name: "aws-alb-access-logs",
    pack: "compliance",
    description: "Load balancers write access logs.",
    severity: "medium",
    remediation: "Set accessLogs { bucket, enabled: true }.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    types: AWS_LOAD_BALANCER_TYPES,
    problem: (props) => (objectInput(props.accessLogs)?.enabled === true ? undefined : "access logs are off"),
});

export const awsAlbDesyncMitigation = propertyRule({
    name: "aws-alb-desync-mitigation",
    pack: "security",
    description: "Application load balancers reject ambiguous requests (HTTP desync).",
    severity: "medium",
    remediation: "Set desyncMitigationMode to strictest (or defensive).",
    controls: { pciDss: ["6.4.1"], soc2: ["CC6.6"] },
    types: AWS_LOAD_BALANCER_TYPES,
    problem: (props) =>
        (props.loadBalancerType ?? "application") !== "application" ||
        ["strictest", "defensive"].includes(String(props.desyncMitigationMode ?? "defensive"))
            ? undefined
            : `desyncMitigationMode is ${String(props.desyncMitigationMode)}`,
});

export const awsTargetGroupHealthCheck = propertyRule({
    name: "aws-target-group-health-check",
    pack: "resilience",
    description: "Target groups check their targets' health on a path, so dead nodes leave the rotation.",
    severity: "medium",
    remediation: "Set healthCheck { path, matcher } and leave it enabled.",
    controls: { soc2: ["A1.2"] },
    types: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
    problem: (props) => {
        const check = objectInput(props.healthCheck);
        return check && check.enabled !== false && (check.path || props.protocol === "TCP") ? undefined : "no health check";
    },
});
