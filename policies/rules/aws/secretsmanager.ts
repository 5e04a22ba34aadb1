import type { PolicyResource } from "@pulumi/policy";
import { isSet, objectInput } from "../../lib/props";
import { propertyRule, stackRule } from "../../lib/rules";
import { referringResources, type Reference } from "./references";

export const awsSecretsEncrypted = propertyRule({
    name: "aws-secrets-manager-kms",
    pack: "security",
    description: "Secrets Manager secrets are encrypted with our own KMS key, not the account's default key.",
    severity: "medium",
    remediation: "Set kmsKeyId to the site's data key.",
    controls: { pciDss: ["3.6.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["aws:secretsmanager/secret:Secret"],
    problem: (props) => (props.kmsKeyId ? undefined : "uses the default AWS-managed key"),
});

export const awsSecretsRecoveryWindow = propertyRule({
    name: "aws-secrets-manager-recovery-window",
    pack: "compliance",
    description: "A deleted secret can be recovered for at least 7 days.",
    severity: "low",
    remediation: "Set recoveryWindowInDays to 7 or more (we use 30).",
    controls: { soc2: ["A1.2"] },
    types: ["aws:secretsmanager/secret:Secret"],
    problem: (props) =>
        Number(props.recoveryWindowInDays ?? 30) >= 7 ? undefined : `recoveryWindowInDays is ${String(props.recoveryWindowInDays)}`,
});

const SECRET_ID: Reference = { property: "secretId", targetKey: "name" };
/** `rate(30 days)`, `rate(1 day)`: the only schedule form whose period can be read without a calendar. */
const RATE_IN_DAYS = /^rate\((\d+) days?\)$/;

interface RotationConfig {
    maximumRotationDays: number;
}

/** What is wrong with a SecretRotation's schedule, if anything. */
function rotationProblem(rotation: PolicyResource, maximumDays: number): string | undefined {
    if (rotation.props.rotationEnabled === false) {
        return "its rotation is turned off";
    }
    const rules = objectInput(rotation.props.rotationRules) ?? {};
    const rate = RATE_IN_DAYS.exec(String(rules.scheduleExpression ?? ""));
    // Outputs: the bridge gives the nested attribute left unset as null.
    const days = isSet(rules.automaticallyAfterDays) ? Number(rules.automaticallyAfterDays) : rate ? Number(rate[1]) : undefined;
    return days !== undefined && days > maximumDays ? `rotates every ${days} days; at most ${maximumDays} allowed` : undefined;
}

/**
 * Secrets whose value this program writes are rotated (FSBP SecretsManager.1 and .4), by one of
 * the two mechanisms a plan can show: a SecretRotation with a schedule within the limit, or a
 * write-only value (`secretStringWo`) with its `secretStringWoVersion`, which the
 * program replaces by bumping the version (the AWS site's Redis AUTH token follows
 * `awsRedisAuthTokenVersion` that way, together with ElastiCache's ROTATE strategy). A value
 * written in plain inputs has neither: it is fixed in the state until someone edits the code.
 *
 * Secrets with no SecretVersion in the stack are not judged: their value is set outside the
 * program (the services' runtime secrets, the runner's GitHub credential), so the plan cannot
 * show how they rotate; docs/runbooks/secret-rotation.md is where that is kept. A SecretRotation
 * on such a secret is still held to the schedule limit.
 */
export const awsSecretsRotated = stackRule<RotationConfig>({
    name: "aws-secrets-manager-rotation",
    pack: "compliance",
    description: "Secrets whose value the program writes are rotated: by a SecretRotation on schedule, or as a versioned write-only value.",
    severity: "medium",
    remediation:
        "Add a secretsmanager.SecretRotation (automaticallyAfterDays within the limit), or write the value through secretStringWo with a secretStringWoVersion read from the stack's config.",
    controls: { pciDss: ["3.6.1"], soc2: ["CC6.1"] },
    configSchema: {
        properties: {
            maximumRotationDays: {
                type: "integer",
                minimum: 1,
                maximum: 365,
                default: 90,
                description: "The longest a scheduled rotation may wait (FSBP SecretsManager.4's default is 90 days).",
            },
        },
    },
    check: (stack, config) =>
        stack.ofType("aws:secretsmanager/secret:Secret").flatMap((secret) => {
            const finding = (message: string) => [{ message: `secret ${secret.name}: ${message}`, urn: secret.urn }];
            const rotations = referringResources(stack, secret, "aws:secretsmanager/secretRotation:SecretRotation", SECRET_ID);
            if (rotations.length > 0) {
                const problems = rotations.flatMap((rotation) => rotationProblem(rotation, config.maximumRotationDays) ?? []);
                return problems.length === rotations.length ? finding(problems.join("; ")) : [];
            }
            const versions = referringResources(stack, secret, "aws:secretsmanager/secretVersion:SecretVersion", SECRET_ID);
            // A stack policy reads outputs: an unset attribute is null there, and the write-only
            // value always is (the provider refuses it without its version).
            const unrotated = versions.filter((version) => isSet(version.props.secretString) || isSet(version.props.secretBinary));
            return unrotated.length > 0
                ? finding("the program writes its value with no rotation (no SecretRotation, no write-only version to bump)")
                : [];
        }),
});
