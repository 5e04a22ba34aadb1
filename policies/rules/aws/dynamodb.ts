import { objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

const TABLE = "aws:dynamodb/table:Table";

export const awsDynamodbRecovery = propertyRule({
    name: "aws-dynamodb-point-in-time-recovery",
    pack: "resilience",
    description: "DynamoDB tables keep point-in-time recovery, so a bad write can be undone to the second.",
    severity: "medium",
    remediation: "Set pointInTimeRecovery.enabled: true.",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: [TABLE],
    problem: (props) => (objectInput(props.pointInTimeRecovery)?.enabled === true ? undefined : "point-in-time recovery is off"),
});

export const awsDynamodbKms = propertyRule({
    name: "aws-dynamodb-kms",
    pack: "security",
    description: "DynamoDB tables are encrypted with our own KMS key, not the AWS-owned one.",
    severity: "medium",
    remediation: "Set serverSideEncryption { enabled: true, kmsKeyArn } to the site's data key.",
    controls: { pciDss: ["3.5.1", "3.6.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: [TABLE],
    problem: (props) => {
        const encryption = objectInput(props.serverSideEncryption);
        return encryption?.enabled === true && encryption.kmsKeyArn ? undefined : "uses the AWS-owned key";
    },
});
