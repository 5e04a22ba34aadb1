import { propertyRule } from "../../lib/rules";

export const awsSqsEncrypted = propertyRule({
    name: "aws-sqs-kms",
    pack: "security",
    description: "SQS queues are encrypted with our own KMS key, as the SNS topics are.",
    severity: "medium",
    remediation: "Set kmsMasterKeyId on the queue.",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["aws:sqs/queue:Queue"],
    problem: (props) =>
        props.kmsMasterKeyId
            ? undefined
            : props.sqsManagedSseEnabled === false
              ? "the queue is not encrypted"
              : "the queue uses the SQS-owned key",
});
