import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule, resourceRule } from "../../lib/rules";

export const awsImdsv2Required = resourceRule({
    name: "aws-imdsv2-required",
    pack: "security",
    description: "Instances and launch templates require IMDSv2 tokens, so SSRF cannot read the instance's credentials.",
    severity: "high",
    remediation: "Set metadataOptions.httpTokens to required (and the hop limit to 1 where pods must not reach it).",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.1"] },
    types: ["aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"],
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
        return mappings.length > 0 && mappings.every((mapping) => String(objectInput(mapping.ebs)?.encrypted) === "true")
            ? undefined
            : "a volume is not encrypted";
    },
});

export const awsInstanceNoPublicIp = propertyRule({
    name: "aws-instance-no-public-ip",
    pack: "security",
    description: "Instances get no public IP address: they are reached through a load balancer or Session Manager.",
    severity: "high",
    remediation: "Set associatePublicIpAddress: false and place the instance in a private subnet.",
    controls: { pciDss: ["1.4.4"], soc2: ["CC6.6"] },
    types: ["aws:ec2/instance:Instance"],
    problem: (props) => (props.associatePublicIpAddress === true ? "associatePublicIpAddress is true" : undefined),
});

export const awsEbsEncrypted = propertyRule({
    name: "aws-ebs-encrypted",
    pack: "security",
    description: "EBS volumes, instances' root and extra volumes, and the account's default encrypt at rest.",
    severity: "high",
    remediation: "Set encrypted: true (and a kmsKeyId) on the volume or block device; keep EBS encryption by default enabled.",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["aws:ebs/volume:Volume", "aws:ec2/instance:Instance", "aws:ebs/encryptionByDefault:EncryptionByDefault"],
    problem: (props, { type }) => {
        if (type === "aws:ebs/encryptionByDefault:EncryptionByDefault") {
            return props.enabled === false ? "EBS encryption by default is disabled" : undefined;
        }
        if (type === "aws:ebs/volume:Volume") {
            return props.encrypted === true ? undefined : "the volume is not encrypted";
        }
        const devices = [objectInput(props.rootBlockDevice) ?? {}, ...arrayInput(props.ebsBlockDevices)];
        return devices.every((device) => device.encrypted === true) ? undefined : "a block device is not encrypted";
    },
});
