import type { PolicyResource } from "@pulumi/policy";
import { arrayInput, objectInput } from "../../lib/props";
import { resourceRule, stackRule, type StackIndex } from "../../lib/rules";

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

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
/** The AWS-managed EBS key, by alias or as an alias ARN. */
const AWS_MANAGED_EBS_KEY = /(^|:)alias\/aws\/ebs$/;

/** The launch template a node group names: by dependency, or by a name written out. */
function nodeGroupLaunchTemplate(stack: StackIndex, nodeGroup: PolicyResource): PolicyResource | undefined {
    const dependencies = new Set((nodeGroup.propertyDependencies?.launchTemplate ?? []).map((dependency) => dependency.urn));
    const name = objectInput(nodeGroup.props.launchTemplate)?.name;
    return stack
        .ofType(LAUNCH_TEMPLATE)
        .find((template) => dependencies.has(template.urn) || (typeof name === "string" && template.props.name === name));
}

/**
 * Managed node groups' volumes are encrypted with a key the site owns, so who may read a node's
 * disk follows the site's key policy. A node group without a launch template, or a template
 * without block device mappings, gets the AMI's volume, encrypted (if at all) with the account's
 * default, the AWS-managed `aws/ebs` key, whose policy no one here controls.
 */
export const awsEksNodeVolumesCustomerKey = stackRule({
    name: "aws-eks-node-volumes-customer-key",
    pack: "security",
    description: "EKS managed node groups encrypt their volumes with a customer-managed KMS key, not the AWS-managed aws/ebs key.",
    severity: "medium",
    remediation:
        "Give the node group a launch template whose block device mappings set ebs.encrypted and ebs.kmsKeyId to the site's data key.",
    controls: { pciDss: ["3.5.1", "3.6.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    check: (stack) =>
        stack.ofType("aws:eks/nodeGroup:NodeGroup").flatMap((nodeGroup) => {
            const finding = (message: string) => [{ message: `node group ${nodeGroup.name}: ${message}`, urn: nodeGroup.urn }];
            if (!objectInput(nodeGroup.props.launchTemplate)) {
                return finding("has no launch template, so its volumes use the AWS-managed key");
            }
            const template = nodeGroupLaunchTemplate(stack, nodeGroup);
            if (!template) {
                return finding("its launch template is not in this stack, so its volumes' key cannot be checked");
            }
            const volumes = arrayInput(template.props.blockDeviceMappings).map((mapping) => objectInput(mapping.ebs) ?? {});
            if (volumes.length === 0) {
                return finding(`launch template ${template.name} maps no volume, so the AMI's uses the AWS-managed key`);
            }
            // Whether a volume is encrypted at all is aws-node-volumes-encrypted's concern; this rule judges the key.
            const onManagedKey = volumes.filter((volume) => !volume.kmsKeyId || AWS_MANAGED_EBS_KEY.test(String(volume.kmsKeyId)));
            return onManagedKey.length > 0
                ? finding(`launch template ${template.name} has ${onManagedKey.length} volume(s) not on a customer-managed key`)
                : [];
        }),
});
