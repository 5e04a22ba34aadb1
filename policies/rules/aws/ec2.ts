import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule, resourceRule } from "../../lib/rules";

export const awsImdsv2Required = resourceRule({
    name: "aws-imdsv2-required",
    pack: "security",
    description: "Launch templates require IMDSv2 tokens, so SSRF cannot read the instance's credentials.",
    severity: "high",
    remediation: "Set metadataOptions.httpTokens to required (and the hop limit to 1 where pods must not reach it).",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.1"] },
    types: ["aws:ec2/launchTemplate:LaunchTemplate"],
    check: ({ props }) => (objectInput(props.metadataOptions)?.httpTokens !== "required" ? ["IMDSv2 is not required"] : []),
});

export const awsLaunchTemplateEncrypted = propertyRule({
    name: "aws-node-volumes-encrypted",
    pack: "security",
    description: "Cluster nodes' volumes are encrypted.",
    severity: "high",
    remediation: "Set ebs.encrypted on every block device mapping of the launch template.",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["aws:ec2/launchTemplate:LaunchTemplate"],
    problem: (props) => {
        const mappings = arrayInput(props.blockDeviceMappings);
        return mappings.length > 0 && mappings.every((mapping) => String(objectInput(mapping.ebs)?.encrypted) === "true") ? undefined : "a volume is not encrypted";
    },
});
