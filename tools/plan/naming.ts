/**
 * Physical names as the providers' Check builds them, and the cloud APIs' rules for them.
 *
 * Auto-naming, as the providers do it:
 * - pulumi-aws (a Terraform bridge): the logical name, "-", then 7 random hex characters
 *   (`tfbridge.AutoName(property, maxLength, "-")` in `provider/resources.go`; the provider-wide
 *   default is `SetAutonaming(255, "-")`). When the logical name plus separator plus the random
 *   part is longer than the property's cap, Check fails with "name '<prefix>' plus 7 random
 *   chars is longer than maximum length <cap>" (`NewUniqueHex` in pulumi's
 *   `sdk/go/common/resource/properties_id.go`). Some properties are lowercased too
 *   (`AutoNameTransform` with `strings.ToLower`: S3 buckets, ElastiCache groups).
 * - pulumi-azure-native: the logical name plus 8 random characters, no separator and no
 *   cleaning; the Azure API's own rules then apply to the result.
 *
 * The API rules come from the services' references: Azure's "Naming rules and restrictions for
 * Azure resources" (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules)
 * and each AWS API's Create* reference, linked per rule. Offline, only rules on the name's own
 * text can be checked: global uniqueness (S3 buckets, storage accounts, registries, key vaults)
 * and names reserved by another account cannot be known without the cloud.
 */

import { CONTAINER_REGISTRY_NAME, STORAGE_ACCOUNT_NAME, type AlphanumericNameRule } from "../../components/azure/names";

/** How a provider fills a name the program left out. */
export interface AutoNaming {
    readonly separator: string;
    readonly randomLength: number;
    /** The provider's cap on logical name + separator + random part; none for azure-native. */
    readonly maxLength?: number;
    readonly lowercase?: boolean;
}

/** The API's rule for one resource type's name. */
export interface NameRule {
    /** The input that carries the physical name. */
    readonly property: string;
    readonly minLength: number;
    readonly maxLength: number;
    readonly pattern: RegExp;
    /** The rule in words, as a reader would look it up. */
    readonly allowed: string;
    /** Where the rule is documented. */
    readonly source: string;
    readonly autoNaming: AutoNaming;
}

/** The engine's stand-in for an unknown string (`UnknownStringValue` in pulumi's `sdk/go/common/resource/plugin/rpc.go`). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const AWS_RANDOM_LENGTH = 7;
const AZURE_RANDOM_LENGTH = 8;
const AZURE_RULES_SOURCE = "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules";

function aws(
    property: string,
    maxLength: number,
    pattern: RegExp,
    allowed: string,
    source: string,
    options: { minLength?: number; lowercase?: boolean; autoNameMaxLength?: number } = {},
): NameRule {
    return {
        property,
        minLength: options.minLength ?? 1,
        maxLength,
        pattern,
        allowed,
        source,
        autoNaming: {
            separator: "-",
            randomLength: AWS_RANDOM_LENGTH,
            maxLength: options.autoNameMaxLength ?? maxLength,
            lowercase: options.lowercase,
        },
    };
}

function azure(property: string, minLength: number, maxLength: number, pattern: RegExp, allowed: string): NameRule {
    return {
        property,
        minLength,
        maxLength,
        pattern,
        allowed,
        source: AZURE_RULES_SOURCE,
        autoNaming: { separator: "", randomLength: AZURE_RANDOM_LENGTH },
    };
}

function alphanumeric(property: string, rule: AlphanumericNameRule): NameRule {
    return azure(property, rule.minLength, rule.maxLength, rule.pattern, rule.allowed);
}

const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_ALLOWED = "letters, digits and + = , . @ _ -";
const LOWER_HYPHENATED_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$|^[a-z]$/;
/** Most Microsoft.Network names: start alphanumeric, end alphanumeric or underscore. */
const NETWORK_NAME = /^[a-zA-Z0-9](?:[\w.-]*\w)?$/;
const NETWORK_ALLOWED =
    "letters, digits, underscores, periods and hyphens; starts with a letter or digit, ends with a letter, digit or underscore";

/** Both S3 bucket types name the same API's bucket. */
const S3_BUCKET_NAME = aws(
    "bucket",
    63,
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    "3-63 lowercase letters, digits, dots and hyphens; starts and ends with a letter or digit",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    { minLength: 3, lowercase: true },
);

/** Name rules by resource type: the types this project uses and the ones public programs commonly use. */
export const NAME_RULES: Readonly<Record<string, NameRule>> = {
    "aws:s3/bucket:Bucket": S3_BUCKET_NAME,
    "aws:s3/bucketV2:BucketV2": S3_BUCKET_NAME,
    "aws:lb/loadBalancer:LoadBalancer": aws(
        "name",
        32,
        /^(?!internal-)[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
        '1-32 letters, digits and hyphens; no hyphen first or last; does not start with "internal-"',
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
    ),
    "aws:lb/targetGroup:TargetGroup": aws(
        "name",
        32,
        /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
        "1-32 letters, digits and hyphens; no hyphen first or last",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
    ),
    "aws:iam/role:Role": aws(
        "name",
        64,
        IAM_NAME,
        `1-64 ${IAM_ALLOWED}`,
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
    ),
    "aws:iam/policy:Policy": aws(
        "name",
        128,
        IAM_NAME,
        `1-128 ${IAM_ALLOWED}`,
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html",
    ),
    "aws:iam/rolePolicy:RolePolicy": aws(
        "name",
        128,
        IAM_NAME,
        `1-128 ${IAM_ALLOWED}`,
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
        { autoNameMaxLength: 255 },
    ),
    "aws:iam/user:User": aws(
        "name",
        64,
        IAM_NAME,
        `1-64 ${IAM_ALLOWED}`,
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html",
    ),
    "aws:eks/cluster:Cluster": aws(
        "name",
        100,
        /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
        "1-100 letters, digits, hyphens and underscores; starts with a letter or digit",
        "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html",
    ),
    "aws:ecr/repository:Repository": aws(
        "name",
        256,
        /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
        "2-256 lowercase letters and digits, separated by single . _ - or /",
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
        { minLength: 2 },
    ),
    "aws:cloudwatch/logGroup:LogGroup": aws(
        "name",
        512,
        /^[.\-_/#A-Za-z0-9]+$/,
        "1-512 letters, digits and . - _ / #",
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    ),
    "aws:sns/topic:Topic": aws(
        "name",
        256,
        /^[\w-]+(?:\.fifo)?$/,
        '1-256 letters, digits, hyphens and underscores (".fifo" last for FIFO topics)',
        "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
    ),
    "aws:sqs/queue:Queue": aws(
        "name",
        80,
        /^[\w-]+(?:\.fifo)?$/,
        '1-80 letters, digits, hyphens and underscores (".fifo" last for FIFO queues)',
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
    ),
    "aws:lambda/function:Function": aws(
        "name",
        64,
        /^[\w-]+$/,
        "1-64 letters, digits, hyphens and underscores",
        "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
    ),
    "aws:dynamodb/table:Table": aws(
        "name",
        255,
        /^[\w.-]+$/,
        "3-255 letters, digits and _ . -",
        "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html",
        { minLength: 3 },
    ),
    "aws:elasticache/replicationGroup:ReplicationGroup": aws(
        "replicationGroupId",
        40,
        LOWER_HYPHENATED_IDENTIFIER,
        "1-40 letters, digits and hyphens; starts with a letter; no two hyphens in a row; no hyphen last",
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html",
        { lowercase: true },
    ),
    "aws:rds/instance:Instance": aws(
        "identifier",
        63,
        LOWER_HYPHENATED_IDENTIFIER,
        "1-63 letters, digits and hyphens; starts with a letter; no two hyphens in a row; no hyphen last",
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
        { lowercase: true, autoNameMaxLength: 255 },
    ),
    "aws:backup/vault:Vault": aws(
        "name",
        50,
        /^[\w-]+$/,
        "2-50 letters, digits, hyphens and underscores",
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html",
        { minLength: 2, autoNameMaxLength: 255 },
    ),
    "aws:cloudtrail/trail:Trail": aws(
        "name",
        128,
        /^[a-zA-Z0-9](?:[\w.-]*[a-zA-Z0-9])?$/,
        "3-128 letters, digits, periods, underscores and hyphens; starts and ends with a letter or digit",
        "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html",
        { minLength: 3, autoNameMaxLength: 255 },
    ),
    "aws:wafv2/webAcl:WebAcl": aws(
        "name",
        128,
        /^[\w-]+$/,
        "1-128 letters, digits, hyphens and underscores",
        "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html",
        { autoNameMaxLength: 255 },
    ),
    "aws:secretsmanager/secret:Secret": aws(
        "name",
        512,
        /^[\w/+=.@-]+$/,
        "1-512 letters, digits and / _ + = . @ -",
        "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
        { autoNameMaxLength: 255 },
    ),

    "azure-native:storage:StorageAccount": alphanumeric("accountName", STORAGE_ACCOUNT_NAME),
    "azure-native:storage:BlobContainer": azure(
        "containerName",
        3,
        63,
        /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/,
        "3-63 lowercase letters, digits and hyphens; starts and ends with a letter or digit; no two hyphens in a row",
    ),
    "azure-native:containerregistry:Registry": alphanumeric("registryName", CONTAINER_REGISTRY_NAME),
    "azure-native:keyvault:Vault": azure(
        "vaultName",
        3,
        24,
        /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        "3-24 letters, digits and hyphens; starts with a letter; ends with a letter or digit; no two hyphens in a row",
    ),
    "azure-native:resources:ResourceGroup": azure(
        "resourceGroupName",
        1,
        90,
        /^[-\w.()]*[-\w()]$/,
        "1-90 letters, digits, underscores, hyphens, periods and parentheses; does not end with a period",
    ),
    "azure-native:containerservice:ManagedCluster": azure(
        "resourceName",
        1,
        63,
        /^[a-zA-Z0-9](?:[\w-]*[a-zA-Z0-9])?$/,
        "1-63 letters, digits, underscores and hyphens; starts and ends with a letter or digit",
    ),
    "azure-native:containerservice:AgentPool": azure(
        "agentPoolName",
        1,
        12,
        /^[a-z][a-z0-9]*$/,
        "1-12 lowercase letters and digits; starts with a letter",
    ),
    "azure-native:network:VirtualNetwork": azure("virtualNetworkName", 2, 64, NETWORK_NAME, `2-64 ${NETWORK_ALLOWED}`),
    "azure-native:network:Subnet": azure("subnetName", 1, 80, NETWORK_NAME, `1-80 ${NETWORK_ALLOWED}`),
    "azure-native:network:NetworkSecurityGroup": azure("networkSecurityGroupName", 1, 80, NETWORK_NAME, `1-80 ${NETWORK_ALLOWED}`),
    "azure-native:network:PublicIPAddress": azure("publicIpAddressName", 1, 80, NETWORK_NAME, `1-80 ${NETWORK_ALLOWED}`),
    "azure-native:network:PrivateEndpoint": azure("privateEndpointName", 2, 64, NETWORK_NAME, `2-64 ${NETWORK_ALLOWED}`),
    "azure-native:network:ApplicationGateway": azure("applicationGatewayName", 1, 80, NETWORK_NAME, `1-80 ${NETWORK_ALLOWED}`),
    "azure-native:network:WebApplicationFirewallPolicy": azure("policyName", 1, 80, NETWORK_NAME, `1-80 ${NETWORK_ALLOWED}`),
    "azure-native:operationalinsights:Workspace": azure(
        "workspaceName",
        4,
        63,
        /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
        "4-63 letters, digits and hyphens; starts and ends with a letter or digit",
    ),
    "azure-native:managedidentity:UserAssignedIdentity": azure(
        "resourceName",
        3,
        128,
        /^[a-zA-Z0-9][\w-]*$/,
        "3-128 letters, digits, hyphens and underscores; starts with a letter or digit",
    ),
    "azure-native:redisenterprise:RedisEnterprise": azure(
        "clusterName",
        1,
        60,
        /^[a-zA-Z0-9](?!.*--)(?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
        "1-60 letters, digits and hyphens; starts and ends with a letter or digit; no two hyphens in a row",
    ),
    "azure-native:dataprotection:BackupVault": azure(
        "vaultName",
        2,
        50,
        /^[a-zA-Z][a-zA-Z0-9-]*$/,
        "2-50 letters, digits and hyphens; starts with a letter",
    ),
};

/** A name the provider or the API would refuse, named as the CLI would name it. */
export interface NameViolation {
    readonly type: string;
    readonly resource: string;
    readonly property: string;
    readonly name: string;
    /** Why it is refused: the provider's auto-name error or the API's rule. */
    readonly reason: string;
}

export function describeViolation(violation: NameViolation): string {
    return `${violation.type} "${violation.resource}": ${violation.property} "${violation.name}" ${violation.reason}`;
}

/** The result of the provider's Check for a resource's name. */
export interface CheckedName {
    /** The property that carries the name, or undefined for a type without a known rule. */
    readonly property?: string;
    /** The physical name: the program's, or the one the provider generates. */
    readonly name: string;
    /** Whether the provider generated it (and so adds it to the checked inputs). */
    readonly generated: boolean;
    readonly violation?: NameViolation;
}

/**
 * Builds and checks a resource's physical name as its provider's Check would. `random` gives
 * the offline stand-in for the provider's random characters (hex, deterministic per resource).
 */
export function checkName(
    type: string,
    logicalName: string,
    inputs: Record<string, unknown>,
    random: (length: number) => string,
): CheckedName {
    const rule = NAME_RULES[type];
    if (!rule) {
        return { name: typeof inputs.name === "string" ? inputs.name : fallbackAutoName(type, logicalName, random), generated: false };
    }
    const given = inputs[rule.property];
    if ((given !== undefined && typeof given !== "string") || given === UNKNOWN_STRING) {
        // An unknown (an output of another resource): the provider checks it once it is known.
        return { property: rule.property, name: String(given), generated: false };
    }
    if (typeof given === "string") {
        return { property: rule.property, name: given, generated: false, violation: apiViolation(type, logicalName, rule, given) };
    }
    // A prefix input (namePrefix, bucketPrefix) makes the provider build the name itself, not auto-name it.
    const prefixInput = inputs[`${rule.property}Prefix`];
    if (typeof prefixInput === "string") {
        return { property: rule.property, name: prefixInput, generated: false };
    }
    const { separator, randomLength, maxLength, lowercase } = rule.autoNaming;
    const prefix = `${logicalName}${separator}`;
    if (maxLength !== undefined && prefix.length + randomLength > maxLength) {
        return {
            property: rule.property,
            name: prefix,
            generated: true,
            violation: {
                type,
                resource: logicalName,
                property: rule.property,
                name: prefix,
                reason: `plus ${randomLength} random chars is longer than maximum length ${maxLength} (the provider's auto-name; set ${rule.property} or shorten the resource name)`,
            },
        };
    }
    const generated = `${prefix}${random(randomLength)}`;
    const name = lowercase ? generated.toLowerCase() : generated;
    return { property: rule.property, name, generated: true, violation: apiViolation(type, logicalName, rule, name) };
}

/** Providers without a listed rule: pulumi-aws's provider-wide default, the logical name otherwise. */
function fallbackAutoName(type: string, logicalName: string, random: (length: number) => string): string {
    return type.startsWith("aws:") ? `${logicalName}-${random(AWS_RANDOM_LENGTH)}` : `${logicalName}${random(AZURE_RANDOM_LENGTH)}`;
}

function apiViolation(type: string, logicalName: string, rule: NameRule, name: string): NameViolation | undefined {
    if (name.length >= rule.minLength && name.length <= rule.maxLength && rule.pattern.test(name)) {
        return undefined;
    }
    return {
        type,
        resource: logicalName,
        property: rule.property,
        name,
        reason: `breaks the API's name rule: ${rule.allowed} (${rule.source})`,
    };
}
