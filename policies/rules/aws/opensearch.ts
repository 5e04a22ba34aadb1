import { objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

/** The newest TLS security policy OpenSearch offers: TLS 1.2 with forward secrecy (FSBP Opensearch.8 asks for the latest). */
const LATEST_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";

export const awsOpensearchHardened = propertyRule({
    name: "aws-opensearch-hardened",
    pack: "security",
    description: "OpenSearch domains encrypt at rest and between nodes, refuse plain HTTP and old TLS, and live in the VPC.",
    severity: "high",
    remediation:
        "Set encryptAtRest.enabled, nodeToNodeEncryption.enabled, domainEndpointOptions.enforceHttps with the latest tlsSecurityPolicy, and vpcOptions.subnetIds.",
    controls: { pciDss: ["1.4.4", "3.5.1", "4.2.1"], soc2: ["CC6.1", "CC6.7"], gdpr: ["32"] },
    types: ["aws:opensearch/domain:Domain"],
    problem: (props) => {
        const problems = [
            ...(objectInput(props.encryptAtRest)?.enabled === true ? [] : ["not encrypted at rest"]),
            ...(objectInput(props.nodeToNodeEncryption)?.enabled === true ? [] : ["nodes talk in clear text"]),
            ...(objectInput(props.domainEndpointOptions)?.enforceHttps === true ? [] : ["HTTP is allowed"]),
            ...(objectInput(props.domainEndpointOptions)?.tlsSecurityPolicy === LATEST_TLS_POLICY
                ? []
                : [`tlsSecurityPolicy is not ${LATEST_TLS_POLICY}`]),
            ...(Array.isArray(objectInput(props.vpcOptions)?.subnetIds) ? [] : ["the endpoint is public"]),
        ];
        return problems.length > 0 ? problems.join(", ") : undefined;
    },
});
