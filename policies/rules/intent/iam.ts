import { list, object, statements, wildcardMatch } from "./plan";

/** A request as IAM evaluates it: who, what, on which ARN, with which context keys. */
export interface IamRequest {
    readonly action: string;
    readonly resource: string;
    /** `AWS` principal ARN, or a `Service` principal such as `logging.s3.amazonaws.com`. */
    readonly principal: { readonly arn?: string; readonly service?: string };
    /** Condition keys present in the request, e.g. `aws:SourceVpce`, `aws:SecureTransport`. */
    readonly context: Readonly<Record<string, string>>;
}

function principalMatches(principal: unknown, request: IamRequest): boolean {
    if (principal === "*") {
        return true;
    }
    const byKind = object(principal);
    if (
        list<string>(byKind.AWS).some(
            (arn) =>
                arn === "*" ||
                (request.principal.arn !== undefined &&
                    (arn === request.principal.arn ||
                        (arn.endsWith(":root") && request.principal.arn.startsWith(arn.slice(0, -"root".length))))),
        )
    ) {
        return true;
    }
    return list<string>(byKind.Service).some((service) => service === request.principal.service);
}

/** One condition operator over the request's context, `IfExists` included; an operator we do not model never matches. */
function conditionHolds(operator: string, conditions: Record<string, unknown>, context: Readonly<Record<string, string>>): boolean {
    const ifExists = operator.endsWith("IfExists");
    const base = ifExists ? operator.slice(0, -"IfExists".length) : operator;
    return Object.entries(conditions).every(([key, expected]) => {
        const actual = context[key];
        if (actual === undefined) {
            return ifExists || base.includes("Not");
        }
        const values = list<string>(expected).map(String);
        switch (base) {
            case "StringEquals":
            case "ArnEquals":
            case "Bool":
                return values.includes(actual);
            case "StringNotEquals":
            case "ArnNotEquals":
                return !values.includes(actual);
            case "StringLike":
            case "ArnLike":
                return values.some((pattern) => wildcardMatch(pattern, actual));
            case "StringNotLike":
            case "ArnNotLike":
                return !values.some((pattern) => wildcardMatch(pattern, actual));
            default:
                return false;
        }
    });
}

function statementMatches(statement: Record<string, unknown>, request: IamRequest, withPrincipal: boolean): boolean {
    if (withPrincipal && !principalMatches(statement.Principal, request)) {
        return false;
    }
    const actionOk = list<string>(statement.Action).some((action) => wildcardMatch(action, request.action, true));
    const resourceOk =
        statement.Resource === undefined || list<string>(statement.Resource).some((resource) => wildcardMatch(resource, request.resource));
    const conditions = object(statement.Condition);
    return (
        actionOk &&
        resourceOk &&
        Object.entries(conditions).every(([operator, values]) => conditionHolds(operator, object(values), request.context))
    );
}

/** The statement of a policy document that allows the request, by its Sid or position. */
export function allowingStatement(document: unknown, request: IamRequest, withPrincipal: boolean): string | undefined {
    const all = statements(document);
    const index = all.findIndex((statement) => statement.Effect === "Allow" && statementMatches(statement, request, withPrincipal));
    return index < 0 ? undefined : String(all[index].Sid ?? `statement ${index}`);
}

/** The statement that denies the request, if any: an explicit deny wins over every allow. */
export function denyingStatement(document: unknown, request: IamRequest, withPrincipal: boolean): string | undefined {
    const all = statements(document);
    const index = all.findIndex((statement) => statement.Effect === "Deny" && statementMatches(statement, request, withPrincipal));
    return index < 0 ? undefined : String(all[index].Sid ?? `statement ${index}`);
}

/**
 * The actions that intent checks ask about which AWS managed policies we attach hold: a managed
 * policy is not in the plan. From the managed policy reference
 * (docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html); the service-role
 * `AWSBackupServiceRolePolicyForBackup` holds no S3 actions, `…ForS3Backup` does.
 */
export const AWS_MANAGED_POLICIES: Readonly<Record<string, readonly string[]>> = {
    AmazonEC2ContainerRegistryReadOnly: [
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:GetRepositoryPolicy",
        "ecr:DescribeRepositories",
        "ecr:ListImages",
        "ecr:DescribeImages",
        "ecr:BatchGetImage",
        "ecr:GetLifecyclePolicy",
        "ecr:GetLifecyclePolicyPreview",
        "ecr:ListTagsForResource",
        "ecr:DescribeImageScanFindings",
    ],
    AmazonEC2ContainerRegistryPullOnly: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    AWSBackupServiceRolePolicyForS3Backup: [
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:ListBucket",
        "s3:GetBucketVersioning",
        "s3:GetObjectTagging",
        "s3:GetObjectAcl",
        "kms:Decrypt",
    ],
    AWSBackupServiceRolePolicyForS3Restore: [
        "s3:CreateBucket",
        "s3:ListBucket",
        "s3:GetBucketVersioning",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
    ],
};

/** The name of a managed policy from its ARN (`arn:aws:iam::aws:policy/service-role/X` → `X`). */
export function managedPolicyName(arn: string): string | undefined {
    const match = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    return match?.[1];
}
