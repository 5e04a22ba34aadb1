import { propertyRule } from "../../lib/rules";

export const awsEfsEncrypted = propertyRule({
    name: "aws-efs-encrypted",
    pack: "security",
    description: "EFS file systems encrypt their data at rest.",
    severity: "high",
    remediation: "Set encrypted: true and kmsKeyId (it cannot be turned on for an existing file system).",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["aws:efs/fileSystem:FileSystem"],
    problem: (props) => (props.encrypted === true ? undefined : "the file system is not encrypted"),
});
