import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule, stackRule } from "../../lib/rules";
import { AWS_LOAD_BALANCER_TYPES } from "./elb";

export const awsWafManagedRules = propertyRule({
    name: "aws-waf-managed-rules",
    pack: "security",
    description: "The web ACL runs AWS's common and known-bad-inputs rule groups.",
    severity: "high",
    remediation: "Add the AWSManagedRulesCommonRuleSet and AWSManagedRulesKnownBadInputsRuleSet rule groups.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"] },
    types: ["aws:wafv2/webAcl:WebAcl"],
    problem: (props) => {
        const groups = arrayInput(props.rules).map((rule) =>
            String(objectInput(objectInput(rule.statement)?.managedRuleGroupStatement)?.name ?? ""),
        );
        const missing = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"].filter((group) => !groups.includes(group));
        return missing.length > 0 ? `missing ${missing.join(", ")}` : undefined;
    },
});

export const awsWafRateLimit = propertyRule({
    name: "aws-waf-rate-limit",
    pack: "security",
    description: "The web ACL blocks clients that exceed a request rate.",
    severity: "medium",
    remediation: "Add a rate-based rule with a block action.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"] },
    types: ["aws:wafv2/webAcl:WebAcl"],
    problem: (props) =>
        arrayInput(props.rules).some(
            (rule) => objectInput(objectInput(rule.statement)?.rateBasedStatement) && objectInput(objectInput(rule.action)?.block),
        )
            ? undefined
            : "no blocking rate-based rule",
});

export const awsWafLogged = stackRule({
    name: "aws-waf-logged",
    pack: "compliance",
    description: "Every web ACL logs its decisions.",
    severity: "medium",
    remediation: "Add a wafv2.WebAclLoggingConfiguration for the web ACL.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    check: (stack) =>
        stack
            .ofType("aws:wafv2/webAcl:WebAcl")
            .filter(
                (acl) =>
                    stack.referencing(acl.urn, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "resourceArn").length ===
                    0,
            )
            .map((acl) => ({ message: `web ACL ${acl.name} does not log`, urn: acl.urn })),
});

export const albWafAssociated = stackRule({
    name: "aws-alb-waf-associated",
    pack: "security",
    description: "Every internet-facing application load balancer has a WAF web ACL.",
    severity: "critical",
    remediation: "Associate a WAFv2 web ACL with the load balancer (wafv2.WebAclAssociation).",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"], ccpa: ["1798.150"] },
    check: (stack) =>
        stack
            .ofType(...AWS_LOAD_BALANCER_TYPES)
            .filter((balancer) => balancer.props.internal !== true && (balancer.props.loadBalancerType ?? "application") === "application")
            .filter(
                (balancer) => stack.referencing(balancer.urn, "aws:wafv2/webAclAssociation:WebAclAssociation", "resourceArn").length === 0,
            )
            .map((balancer) => ({ message: `internet-facing load balancer ${balancer.name} has no WAF web ACL`, urn: balancer.urn })),
});
