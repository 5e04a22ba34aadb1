import { objectInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";

export const awsEksPrivateEncrypted = resourceRule({
    name: "aws-eks-private-encrypted",
    pack: "security",
    description: "EKS clusters keep a private API endpoint (public only for listed networks), encrypt secrets and log audit events.",
    severity: "high",
    remediation:
        "Enable endpointPrivateAccess, list publicAccessCidrs when the endpoint is public, encrypt secrets with KMS, enable the audit log.",
    controls: { pciDss: ["1.3.1", "3.5.1", "10.2.1"], soc2: ["CC6.1", "CC6.6", "CC7.2"], gdpr: ["32"] },
    types: ["aws:eks/cluster:Cluster"],
    check: ({ props }) => {
        const vpc = objectInput(props.vpcConfig) ?? {};
        const cidrs = Array.isArray(vpc.publicAccessCidrs) ? (vpc.publicAccessCidrs as string[]) : [];
        const encrypted =
            Array.isArray(objectInput(props.encryptionConfig)?.resources) &&
            (objectInput(props.encryptionConfig)!.resources as string[]).includes("secrets");
        const logs = Array.isArray(props.enabledClusterLogTypes) ? (props.enabledClusterLogTypes as string[]) : [];
        return [
            ...(vpc.endpointPrivateAccess !== true ? ["the API endpoint is not private"] : []),
            ...(vpc.endpointPublicAccess !== false && (cidrs.length === 0 || cidrs.some((cidr) => cidr.endsWith("/0")))
                ? ["the API endpoint is open to the internet"]
                : []),
            ...(!encrypted ? ["secrets are not encrypted with KMS"] : []),
            ...(!logs.includes("audit") ? ["the audit log is off"] : []),
        ];
    },
});
