import { propertyRule } from "../../lib/rules";

export const awsSnsEncrypted = propertyRule({
    name: "aws-sns-encrypted",
    pack: "security",
    description: "SNS topics (alarm notifications) are encrypted with KMS.",
    severity: "medium",
    remediation: "Set kmsMasterKeyId on the topic.",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"] },
    types: ["aws:sns/topic:Topic"],
    problem: (props) => (props.kmsMasterKeyId ? undefined : "the topic is not encrypted"),
});
