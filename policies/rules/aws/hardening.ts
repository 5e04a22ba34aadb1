import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule, stackRule } from "../../lib/rules";
import { AWS_LOAD_BALANCER_TYPES } from "./platform";


/** A policy document, whether the input holds it as JSON text or as an object. */
function statements(policy: unknown): Record<string, unknown>[] {
    const document = objectInput(policy);
    const list = document?.Statement;
    return Array.isArray(list) ? arrayInput(list) : arrayInput(list === undefined ? [] : [list]);
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

export const awsS3Versioning = propertyRule({
    name: "aws-s3-versioning",
    description: "Buckets keep every version of every object, so an overwrite or delete can be undone.",
    severity: "medium",
    remediation: "Set versioningConfiguration.status to Enabled (SecureBucket does).",
    controls: { soc2: ["A1.2"], gdpr: ["32"] },
    types: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    problem: (props) => (objectInput(props.versioningConfiguration)?.status === "Enabled" ? undefined : "versioning is not enabled"),
});

export const awsS3AclsDisabled = propertyRule({
    name: "aws-s3-acls-disabled",
    description: "Bucket ACLs are disabled: the bucket owner owns every object, and only policies grant access.",
    severity: "medium",
    remediation: "Set the ownership controls rule's objectOwnership to BucketOwnerEnforced.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"] },
    types: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    problem: (props) => {
        const ownership = objectInput(props.rule)?.objectOwnership;
        return ownership === "BucketOwnerEnforced" ? undefined : `objectOwnership is ${String(ownership)}; allowed: BucketOwnerEnforced`;
    },
});

export const awsS3TlsOnly = propertyRule({
    name: "aws-s3-tls-only",
    description: "Bucket policies deny every request that is not made over TLS.",
    severity: "high",
    remediation: "Add a Deny statement for s3:* when aws:SecureTransport is false (SecureBucket does).",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    types: ["aws:s3/bucketPolicy:BucketPolicy"],
    problem: (props) =>
        statements(props.policy).some((statement) => statement.Effect === "Deny" && objectInput(objectInput(statement.Condition)?.Bool)?.["aws:SecureTransport"] === "false")
            ? undefined
            : "no statement denies requests without TLS",
});

export const awsS3Lifecycle = propertyRule({
    name: "aws-s3-lifecycle",
    description: "Buckets expire what they no longer need (old versions, logs), so data is not kept longer than its purpose.",
    severity: "low",
    remediation: "Give the bucket a lifecycle configuration with at least one enabled rule.",
    controls: { gdpr: ["5"], ccpa: ["1798.100"] },
    types: ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"],
    problem: (props) => (arrayInput(props.rules).some((rule) => rule.status === "Enabled") ? undefined : "no enabled lifecycle rule"),
});

export const awsSecretsEncrypted = propertyRule({
    name: "aws-secrets-manager-kms",
    description: "Secrets Manager secrets are encrypted with our own KMS key, not the account's default key.",
    severity: "medium",
    remediation: "Set kmsKeyId to the site's data key.",
    controls: { pciDss: ["3.6.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["aws:secretsmanager/secret:Secret"],
    problem: (props) => (props.kmsKeyId ? undefined : "uses the default AWS-managed key"),
});

export const awsSecretsRecoveryWindow = propertyRule({
    name: "aws-secrets-manager-recovery-window",
    description: "A deleted secret can be recovered for at least 7 days.",
    severity: "low",
    remediation: "Set recoveryWindowInDays to 7 or more (we use 30).",
    controls: { soc2: ["A1.2"] },
    types: ["aws:secretsmanager/secret:Secret"],
    problem: (props) => (Number(props.recoveryWindowInDays ?? 30) >= 7 ? undefined : `recoveryWindowInDays is ${String(props.recoveryWindowInDays)}`),
});

export const awsSnsEncrypted = propertyRule({
    name: "aws-sns-encrypted",
    description: "SNS topics (alarm notifications) are encrypted with KMS.",
    severity: "medium",
    remediation: "Set kmsMasterKeyId on the topic.",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"] },
    types: ["aws:sns/topic:Topic"],
    problem: (props) => (props.kmsMasterKeyId ? undefined : "the topic is not encrypted"),
});

export const awsBackupVaultEncrypted = propertyRule({
    name: "aws-backup-vault-kms",
    description: "Backup vaults encrypt recovery points with our own KMS key.",
    severity: "high",
    remediation: "Set kmsKeyArn on the vault.",
    controls: { pciDss: ["3.5.1", "3.6.1"], soc2: ["A1.2", "CC6.1"], gdpr: ["32"] },
    types: ["aws:backup/vault:Vault"],
    problem: (props) => (props.kmsKeyArn ? undefined : "the vault uses the default key"),
});

export const awsBackupVaultLocked = propertyRule({
    name: "aws-backup-vault-lock",
    description: "Backup vaults are locked: recovery points cannot be deleted before their minimum retention, even by an administrator.",
    severity: "high",
    remediation: "Give the vault a lock configuration with minRetentionDays and a changeableForDays grace period (compliance mode).",
    controls: { pciDss: ["10.3.2"], soc2: ["A1.2"] },
    types: ["aws:backup/vaultLockConfiguration:VaultLockConfiguration"],
    problem: (props) =>
        Number(props.minRetentionDays ?? 0) >= 1 && props.changeableForDays !== undefined ? undefined : "the lock is not in compliance mode with a minimum retention",
});

export const awsWafManagedRules = propertyRule({
    name: "aws-waf-managed-rules",
    description: "The web ACL runs AWS's common and known-bad-inputs rule groups.",
    severity: "high",
    remediation: "Add the AWSManagedRulesCommonRuleSet and AWSManagedRulesKnownBadInputsRuleSet rule groups.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"] },
    types: ["aws:wafv2/webAcl:WebAcl"],
    problem: (props) => {
        const groups = arrayInput(props.rules).map((rule) => String(objectInput(objectInput(rule.statement)?.managedRuleGroupStatement)?.name ?? ""));
        const missing = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"].filter((group) => !groups.includes(group));
        return missing.length > 0 ? `missing ${missing.join(", ")}` : undefined;
    },
});

export const awsWafRateLimit = propertyRule({
    name: "aws-waf-rate-limit",
    description: "The web ACL blocks clients that exceed a request rate.",
    severity: "medium",
    remediation: "Add a rate-based rule with a block action.",
    controls: { pciDss: ["6.4.2"], soc2: ["CC6.6"] },
    types: ["aws:wafv2/webAcl:WebAcl"],
    problem: (props) =>
        arrayInput(props.rules).some((rule) => objectInput(objectInput(rule.statement)?.rateBasedStatement) && objectInput(objectInput(rule.action)?.block)) ? undefined : "no blocking rate-based rule",
});

export const awsWafLogged = stackRule({
    name: "aws-waf-logged",
    description: "Every web ACL logs its decisions.",
    severity: "medium",
    remediation: "Add a wafv2.WebAclLoggingConfiguration for the web ACL.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    check: (stack) =>
        stack
            .ofType("aws:wafv2/webAcl:WebAcl")
            .filter((acl) => stack.referencing(acl.urn, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "resourceArn").length === 0)
            .map((acl) => ({ message: `web ACL ${acl.name} does not log`, urn: acl.urn })),
});

export const awsApiAccessLogs = propertyRule({
    name: "aws-api-gateway-access-logs",
    description: "API stages write access logs.",
    severity: "medium",
    remediation: "Set accessLogSettings.destinationArn to an encrypted log group.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    types: ["aws:apigatewayv2/stage:Stage"],
    problem: (props) => (objectInput(props.accessLogSettings)?.destinationArn ? undefined : "the stage has no access log"),
});

export const awsApiThrottled = propertyRule({
    name: "aws-api-gateway-throttled",
    description: "API stages throttle requests, so one client cannot exhaust the services.",
    severity: "medium",
    remediation: "Set defaultRouteSettings.throttlingBurstLimit and throttlingRateLimit.",
    controls: { soc2: ["A1.2", "CC6.6"] },
    types: ["aws:apigatewayv2/stage:Stage"],
    problem: (props) => {
        const settings = objectInput(props.defaultRouteSettings);
        return settings?.throttlingBurstLimit !== undefined && settings?.throttlingRateLimit !== undefined ? undefined : "the stage is not throttled";
    },
});

export const awsAlbAccessLogs = propertyRule({
    name: "aws-alb-access-logs",
    description: "Load balancers write access logs.",
    severity: "medium",
    remediation: "Set accessLogs { bucket, enabled: true }.",
    controls: { pciDss: ["10.2.1"], soc2: ["CC7.2"] },
    types: AWS_LOAD_BALANCER_TYPES,
    problem: (props) => (objectInput(props.accessLogs)?.enabled === true ? undefined : "access logs are off"),
});

export const awsAlbDesyncMitigation = propertyRule({
    name: "aws-alb-desync-mitigation",
    description: "Application load balancers reject ambiguous requests (HTTP desync).",
    severity: "medium",
    remediation: "Set desyncMitigationMode to strictest (or defensive).",
    controls: { pciDss: ["6.4.1"], soc2: ["CC6.6"] },
    types: AWS_LOAD_BALANCER_TYPES,
    problem: (props) =>
        (props.loadBalancerType ?? "application") !== "application" || ["strictest", "defensive"].includes(String(props.desyncMitigationMode ?? "defensive"))
            ? undefined
            : `desyncMitigationMode is ${String(props.desyncMitigationMode)}`,
});

export const awsLaunchTemplateEncrypted = propertyRule({
    name: "aws-node-volumes-encrypted",
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

export const awsIamNoWildcardPolicy = propertyRule({
    name: "aws-iam-no-wildcard-policy",
    description: "No inline policy allows every action on every resource.",
    severity: "critical",
    remediation: "Name the actions and resources the role needs.",
    controls: { pciDss: ["7.2.1"], soc2: ["CC6.1"], gdpr: ["25"] },
    types: ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"],
    problem: (props) =>
        statements(props.policy).some((statement) => statement.Effect === "Allow" && asList(statement.Action).includes("*") && asList(statement.Resource).includes("*"))
            ? "allows * on *"
            : undefined,
});

export const awsIamNoAdministratorAccess = propertyRule({
    name: "aws-iam-no-administrator-access",
    description: "No role is given AWS's AdministratorAccess or IAMFullAccess managed policy.",
    severity: "critical",
    remediation: "Attach a policy scoped to what the role does.",
    controls: { pciDss: ["7.2.1", "7.2.2"], soc2: ["CC6.1"] },
    types: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
    problem: (props) => (/:policy\/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$/.test(String(props.policyArn)) ? `attaches ${String(props.policyArn)}` : undefined),
});

export const awsAlarmsNotify = propertyRule({
    name: "aws-alarms-notify",
    description: "Every alarm notifies someone.",
    severity: "medium",
    remediation: "Set alarmActions to the site's alarm topic.",
    controls: { pciDss: ["10.7.2"], soc2: ["CC7.2"] },
    types: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
    problem: (props) => (asList(props.alarmActions).length > 0 ? undefined : "the alarm notifies nobody"),
});

export const awsElasticacheFailover = propertyRule({
    name: "aws-elasticache-multi-az",
    description: "Redis replication groups span zones and fail over automatically.",
    severity: "medium",
    remediation: "Set automaticFailoverEnabled and multiAzEnabled to true, with at least two nodes.",
    controls: { soc2: ["A1.2"] },
    types: ["aws:elasticache/replicationGroup:ReplicationGroup"],
    problem: (props) => (props.automaticFailoverEnabled === true && props.multiAzEnabled === true ? undefined : "no automatic multi-zone failover"),
});

export const awsElasticacheSnapshots = propertyRule({
    name: "aws-elasticache-snapshots",
    description: "Redis keeps daily snapshots.",
    severity: "low",
    remediation: "Set snapshotRetentionLimit to at least 1.",
    controls: { soc2: ["A1.2"] },
    types: ["aws:elasticache/replicationGroup:ReplicationGroup"],
    problem: (props) => (Number(props.snapshotRetentionLimit ?? 0) >= 1 ? undefined : "no snapshots are kept"),
});

export const awsEndpointsPrivateDns = propertyRule({
    name: "aws-vpc-endpoint-private-dns",
    description: "Interface endpoints for AWS services resolve the services' public names privately, so clients use them without configuration.",
    severity: "low",
    remediation: "Set privateDnsEnabled on interface endpoints of AWS services.",
    controls: { pciDss: ["1.3.2"], soc2: ["CC6.6"] },
    types: ["aws:ec2/vpcEndpoint:VpcEndpoint"],
    problem: (props) =>
        // Endpoint services of other parties (com.amazonaws.vpce.<region>.vpce-svc-...) have no AWS name to resolve.
        props.vpcEndpointType === "Interface" && !String(props.serviceName).includes(".vpce-svc-") && props.privateDnsEnabled !== true ? "private DNS is off" : undefined,
});

/** Ingress rules that admit the whole internet. */
function openIngress(rules: Record<string, unknown>[]): string[] {
    return rules
        .filter((rule) => asList(rule.cidrBlocks).includes("0.0.0.0/0") || asList(rule.ipv6CidrBlocks).includes("::/0"))
        .map((rule) => `${String(rule.fromPort)}-${String(rule.toPort)}`);
}

export const awsSecurityGroupNoOpenIngress = propertyRule({
    name: "aws-security-group-no-open-ingress",
    description: "No security group admits the whole internet; the origins admit only Cloudflare's ranges.",
    severity: "critical",
    remediation: "List the networks that need access (for the origin: Cloudflare's published ranges).",
    controls: { pciDss: ["1.3.1", "1.4.2"], soc2: ["CC6.6"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["aws:ec2/securityGroup:SecurityGroup"],
    problem: (props) => {
        const open = openIngress(arrayInput(props.ingress));
        return open.length > 0 ? `admits the internet on ports ${open.join(", ")}` : undefined;
    },
});

export const awsSecurityGroupRuleNoOpenIngress = propertyRule({
    name: "aws-security-group-rule-no-open-ingress",
    description: "No standalone security group rule admits the whole internet.",
    severity: "critical",
    remediation: "Admit a security group or the networks that need access instead.",
    controls: { pciDss: ["1.3.1", "1.4.2"], soc2: ["CC6.6"] },
    types: ["aws:ec2/securityGroupRule:SecurityGroupRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"],
    problem: (props) =>
        (props.type ?? "ingress") === "ingress" && (asList(props.cidrBlocks).includes("0.0.0.0/0") || props.cidrIpv4 === "0.0.0.0/0") ? "admits the internet" : undefined,
});

export const awsKmsDeletionWindow = propertyRule({
    name: "aws-kms-deletion-window",
    description: "A KMS key scheduled for deletion can be rescued for at least 14 days.",
    severity: "medium",
    remediation: "Set deletionWindowInDays to 14 or more (we use 30).",
    controls: { pciDss: ["3.6.1"], soc2: ["A1.2"] },
    types: ["aws:kms/key:Key"],
    problem: (props) => (Number(props.deletionWindowInDays ?? 30) >= 14 ? undefined : `deletionWindowInDays is ${String(props.deletionWindowInDays)}`),
});


export const awsTargetGroupHealthCheck = propertyRule({
    name: "aws-target-group-health-check",
    description: "Target groups check their targets' health on a path, so dead nodes leave the rotation.",
    severity: "medium",
    remediation: "Set healthCheck { path, matcher } and leave it enabled.",
    controls: { soc2: ["A1.2"] },
    types: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
    problem: (props) => {
        const check = objectInput(props.healthCheck);
        return check && check.enabled !== false && (check.path || props.protocol === "TCP") ? undefined : "no health check";
    },
});

export const awsEcrLifecycle = stackRule({
    name: "aws-ecr-lifecycle",
    description: "Every image repository expires untagged and old images.",
    severity: "low",
    remediation: "Add an ecr.LifecyclePolicy for the repository.",
    controls: { pciDss: ["6.3.2"], soc2: ["CC8.1"] },
    check: (stack) =>
        stack
            .ofType("aws:ecr/repository:Repository")
            .filter((repository) => stack.referencing(repository.urn, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "repository").length === 0)
            .map((repository) => ({ message: `repository ${repository.name} keeps every image forever`, urn: repository.urn })),
});

export const awsEcrKms = propertyRule({
    name: "aws-ecr-kms",
    description: "Image repositories encrypt their layers with our own KMS key.",
    severity: "medium",
    remediation: "Set encryptionConfigurations [{ encryptionType: KMS, kmsKey }].",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"] },
    types: ["aws:ecr/repository:Repository"],
    problem: (props) => (arrayInput(props.encryptionConfigurations).some((config) => config.encryptionType === "KMS" && config.kmsKey) ? undefined : "layers use the default AES-256 key"),
});
