/**
 * Coverage of the benchmarks a security reviewer holds infrastructure code to, for the services
 * this platform runs or a team typically adds. Each control is either covered, by the rules
 * named, or not, with the reason. Titles are short paraphrases, except where a benchmark's
 * `source` says they are quoted; the benchmarks' own texts are authoritative. Controls that
 * concern accounts, tenants or runtime operations rather than the code are listed too, so that
 * nothing is left out silently. tests/policy/benchmarks.test.ts
 * holds every named rule to the rules that exist. Each benchmark's `source` says where its ids
 * and titles were checked.
 */
export interface BenchmarkControl {
    readonly id: string;
    readonly title: string;
    /** The rules that check it. */
    readonly rules?: readonly string[];
    /** Why no rule checks it. */
    readonly reason?: string;
    /** The part of the control the rules check, where it is narrower than the control. @default the whole control */
    readonly scope?: string;
}

export interface Benchmark {
    readonly title: string;
    /** Where the control ids and titles were checked. */
    readonly source: string;
    readonly controls: readonly BenchmarkControl[];
}

const ACCOUNT = "account or organization setting, outside the stacks (set once per account, not in this repository)";
const TENANT = "Entra ID tenant or subscription setting, outside the stacks";
const MANAGED_CONTROL_PLANE = "managed control plane: EKS and AKS configure the API server, etcd, controller manager and scheduler";
const PROGRAM_WRITTEN_SECRETS =
    "secrets whose value the program writes (a SecretVersion in the stack); a secret set out of band is rotated as docs/runbooks/secret-rotation.md says, which a plan cannot show";
const ADMISSION =
    "no rule reads it; in namespaces labelled restricted (k8s-namespace-restricted) Pod Security Admission refuses such pods when they are created";

export const BENCHMARKS = {
    cisAwsFoundations: {
        title: "CIS Amazon Web Services Foundations Benchmark v3.0.0",
        source: "the v3.0.0 recommendation titles as AWS Security Hub's CIS v3.0.0 standard lists them (docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html), cross-read with turbot/steampipe-mod-aws-compliance cis_v300/section_3.sp and section_5.sp",
        controls: [
            { id: "1.4", title: "No access key exists for the root user", reason: ACCOUNT },
            { id: "1.5", title: "MFA is enabled for the root user", reason: ACCOUNT },
            { id: "1.8", title: "The IAM password policy requires a minimum length of 14", reason: ACCOUNT },
            { id: "1.10", title: "MFA is enabled for every IAM user with a console password", reason: ACCOUNT },
            { id: "1.14", title: "Access keys are rotated every 90 days or less", rules: ["aws-iam-no-access-keys"] },
            { id: "1.15", title: "IAM users receive permissions only through groups", rules: ["aws-iam-users-no-policies"] },
            {
                id: "1.16",
                title: "No IAM policy allowing full *:* administrative privileges is attached",
                rules: ["aws-iam-no-wildcard-policy", "aws-iam-no-administrator-access"],
            },
            { id: "2.1.1", title: "S3 bucket policies deny HTTP requests", rules: ["aws-s3-tls-only"] },
            {
                id: "2.1.4",
                title: "S3 buckets are configured with Block Public Access",
                rules: ["aws-s3-public-access-blocked", "aws-s3-no-public-acl", "aws-s3-no-public-policy"],
            },
            { id: "2.2.1", title: "EBS volume encryption is enabled", rules: ["aws-ebs-encrypted", "aws-node-volumes-encrypted"] },
            { id: "2.3.1", title: "Encryption at rest is enabled for RDS instances", rules: ["aws-rds-encrypted"] },
            { id: "2.3.3", title: "RDS instances are not publicly accessible", rules: ["aws-rds-not-public"] },
            { id: "2.4.1", title: "Encryption is enabled for EFS file systems", rules: ["aws-efs-encrypted"] },
            { id: "3.1", title: "CloudTrail is enabled in all regions", rules: ["aws-cloudtrail-validated"] },
            { id: "3.2", title: "CloudTrail log file validation is enabled", rules: ["aws-cloudtrail-validated"] },
            { id: "3.3", title: "AWS Config is enabled in all regions", reason: ACCOUNT },
            {
                id: "3.4",
                title: "S3 bucket access logging is enabled on the CloudTrail S3 bucket",
                rules: ["aws-cloudtrail-bucket-access-logged"],
            },
            { id: "3.5", title: "CloudTrail logs are encrypted at rest with KMS keys", rules: ["aws-cloudtrail-validated"] },
            { id: "3.6", title: "Rotation is enabled for customer-created symmetric KMS keys", rules: ["aws-kms-key-rotation"] },
            { id: "3.7", title: "VPC flow logging is enabled in all VPCs", rules: ["aws-vpc-flow-logs"] },
            {
                id: "4.1",
                title: "Unauthorized API calls are monitored (metric filter and alarm)",
                reason: "not built: the sites alarm on service health; CloudTrail metric filters are not managed in this repository",
            },
            {
                id: "5.1",
                title: "No network ACL allows ingress from 0.0.0.0/0 to administration ports",
                reason: "the sites keep the default network ACL and filter with security groups (5.2, 5.3)",
            },
            {
                id: "5.2",
                title: "No security group allows ingress from 0.0.0.0/0 to administration ports",
                rules: ["aws-security-group-no-open-ingress", "aws-security-group-rule-no-open-ingress"],
            },
            {
                id: "5.3",
                title: "No security group allows ingress from ::/0 to administration ports",
                rules: ["aws-security-group-no-open-ingress"],
            },
            {
                id: "5.4",
                title: "The default security group of every VPC restricts all traffic",
                rules: ["aws-default-security-group-closed"],
            },
            { id: "5.6", title: "EC2 instances require IMDSv2", rules: ["aws-imdsv2-required"] },
        ],
    },
    awsFoundationalSecurityBestPractices: {
        title: "AWS Foundational Security Best Practices",
        source: "AWS Security Hub's control reference, one page per service (docs.aws.amazon.com/securityhub/latest/userguide/<service>-controls.html): ids, titles and, for S3.1, the resource type (AWS::::Account)",
        controls: [
            {
                id: "APIGateway.1",
                title: "REST and WebSocket API execution logging is enabled",
                reason: "not read: stage execution logging lives in MethodSettings; access logs are checked (APIGateway.9)",
            },
            {
                id: "APIGateway.9",
                title: "Access logging is configured for API Gateway V2 stages",
                rules: ["aws-api-gateway-access-logs"],
                scope: "the rule reads REST (v1) stages too",
            },
            { id: "CloudTrail.1", title: "A multi-region trail with read and write events exists", rules: ["aws-cloudtrail-validated"] },
            { id: "CloudTrail.2", title: "CloudTrail encryption at rest is enabled", rules: ["aws-cloudtrail-validated"] },
            { id: "CloudTrail.4", title: "CloudTrail log file validation is enabled", rules: ["aws-cloudtrail-validated"] },
            {
                id: "CloudTrail.7",
                title: "S3 bucket access logging is enabled on the CloudTrail S3 bucket",
                rules: ["aws-cloudtrail-bucket-access-logged"],
            },
            { id: "DynamoDB.2", title: "DynamoDB tables have point-in-time recovery", rules: ["aws-dynamodb-point-in-time-recovery"] },
            { id: "EC2.2", title: "VPC default security groups allow no traffic", rules: ["aws-default-security-group-closed"] },
            {
                id: "EC2.3",
                title: "Attached EBS volumes are encrypted at rest",
                rules: ["aws-ebs-encrypted", "aws-node-volumes-encrypted"],
            },
            { id: "EC2.6", title: "VPC flow logging is enabled in all VPCs", rules: ["aws-vpc-flow-logs"] },
            { id: "EC2.7", title: "EBS default encryption is enabled", rules: ["aws-ebs-encrypted"] },
            { id: "EC2.8", title: "EC2 instances use IMDSv2", rules: ["aws-imdsv2-required"] },
            { id: "EC2.9", title: "EC2 instances have no public IPv4 address", rules: ["aws-instance-no-public-ip"] },
            { id: "EC2.15", title: "Subnets do not assign public IP addresses automatically", rules: ["aws-subnet-no-auto-public-ip"] },
            {
                id: "EC2.19",
                title: "Security groups allow no unrestricted access to high-risk ports",
                rules: ["aws-security-group-no-open-ingress", "aws-security-group-rule-no-open-ingress"],
            },
            { id: "ECR.1", title: "Private repositories scan images", rules: ["aws-ecr-immutable-scanned"] },
            { id: "ECR.2", title: "Private repositories have tag immutability", rules: ["aws-ecr-immutable-scanned"] },
            { id: "ECR.3", title: "Repositories have a lifecycle policy", rules: ["aws-ecr-lifecycle"] },
            { id: "EFS.1", title: "EFS encrypts file data at rest with KMS", rules: ["aws-efs-encrypted"] },
            { id: "EKS.1", title: "EKS cluster endpoints are not publicly accessible", rules: ["aws-eks-private-encrypted"] },
            { id: "EKS.3", title: "EKS clusters use encrypted Kubernetes secrets", rules: ["aws-eks-private-encrypted"] },
            { id: "EKS.8", title: "EKS clusters have audit logging enabled", rules: ["aws-eks-private-encrypted"] },
            { id: "ElastiCache.1", title: "Redis clusters have automatic backups", rules: ["aws-elasticache-snapshots"] },
            { id: "ElastiCache.3", title: "Replication groups have automatic failover", rules: ["aws-elasticache-multi-az"] },
            { id: "ElastiCache.4", title: "Replication groups are encrypted at rest", rules: ["aws-elasticache-encrypted"] },
            { id: "ElastiCache.5", title: "Replication groups are encrypted in transit", rules: ["aws-elasticache-encrypted"] },
            { id: "ELB.4", title: "Application load balancers drop invalid HTTP headers", rules: ["aws-alb-drops-invalid-headers"] },
            { id: "ELB.5", title: "Load balancer logging is enabled", rules: ["aws-alb-access-logs"] },
            {
                id: "ELB.12",
                title: "Application load balancers use defensive or strictest desync mitigation",
                rules: ["aws-alb-desync-mitigation"],
            },
            {
                id: "IAM.1",
                title: "IAM policies allow no full *:* administrative privileges",
                rules: ["aws-iam-no-wildcard-policy", "aws-iam-no-administrator-access"],
            },
            { id: "IAM.2", title: "IAM users have no IAM policies attached", rules: ["aws-iam-users-no-policies"] },
            { id: "IAM.3", title: "IAM users' access keys are rotated every 90 days", rules: ["aws-iam-no-access-keys"] },
            { id: "IAM.4", title: "No root user access key exists", reason: ACCOUNT },
            { id: "IAM.6", title: "Hardware MFA is enabled for the root user", reason: ACCOUNT },
            { id: "KMS.4", title: "KMS key rotation is enabled", rules: ["aws-kms-key-rotation"] },
            {
                id: "Lambda.1",
                title: "Lambda function policies prohibit public access",
                rules: ["aws-lambda-no-public-permission", "aws-lambda-url-authenticated"],
            },
            { id: "Lambda.2", title: "Lambda functions use supported runtimes", rules: ["aws-lambda-supported-runtime"] },
            { id: "Opensearch.1", title: "OpenSearch domains have encryption at rest", rules: ["aws-opensearch-hardened"] },
            { id: "Opensearch.2", title: "OpenSearch domains are not publicly accessible", rules: ["aws-opensearch-hardened"] },
            { id: "Opensearch.3", title: "OpenSearch domains encrypt data sent between nodes", rules: ["aws-opensearch-hardened"] },
            {
                id: "Opensearch.8",
                title: "Connections to OpenSearch domains are encrypted using the latest TLS security policy",
                rules: ["aws-opensearch-hardened"],
            },
            { id: "RDS.2", title: "RDS instances prohibit public access", rules: ["aws-rds-not-public"] },
            { id: "RDS.3", title: "RDS instances have encryption at rest", rules: ["aws-rds-encrypted"] },
            { id: "RDS.7", title: "RDS clusters have deletion protection", rules: ["aws-rds-deletion-protection"] },
            { id: "RDS.8", title: "RDS instances have deletion protection", rules: ["aws-rds-deletion-protection"] },
            { id: "RDS.10", title: "IAM authentication is configured for RDS instances", rules: ["aws-rds-iam-authentication"] },
            { id: "RDS.11", title: "RDS instances have automatic backups", rules: ["aws-rds-backups"] },
            { id: "RDS.12", title: "IAM authentication is configured for RDS clusters", rules: ["aws-rds-iam-authentication"] },
            { id: "RDS.27", title: "RDS DB clusters are encrypted at rest", rules: ["aws-rds-encrypted"] },
            {
                id: "S3.1",
                title: "S3 general purpose buckets have block public access settings enabled (the account's setting)",
                reason: `${ACCOUNT}; each bucket's own block is checked (S3.8)`,
            },
            { id: "S3.2", title: "S3 buckets prohibit public read access", rules: ["aws-s3-no-public-acl", "aws-s3-no-public-policy"] },
            { id: "S3.3", title: "S3 buckets prohibit public write access", rules: ["aws-s3-no-public-acl", "aws-s3-no-public-policy"] },
            { id: "S3.5", title: "S3 buckets require requests to use SSL", rules: ["aws-s3-tls-only"] },
            { id: "S3.8", title: "S3 general purpose buckets block public access", rules: ["aws-s3-public-access-blocked"] },
            {
                id: "S3.9",
                title: "S3 general purpose buckets have server access logging enabled",
                reason: "not a rule for every bucket: the site's access-log bucket is where the others log, and cannot log to itself; the CloudTrail bucket's logging is checked (CloudTrail.7)",
            },
            { id: "S3.12", title: "ACLs are not used to manage access to buckets", rules: ["aws-s3-acls-disabled"] },
            { id: "S3.13", title: "S3 buckets have lifecycle configurations", rules: ["aws-s3-lifecycle"] },
            { id: "S3.14", title: "S3 buckets have versioning enabled", rules: ["aws-s3-versioning"] },
            {
                id: "SecretsManager.1",
                title: "Secrets Manager secrets have automatic rotation enabled",
                rules: ["aws-secrets-manager-rotation"],
                scope: PROGRAM_WRITTEN_SECRETS,
            },
            {
                id: "SecretsManager.4",
                title: "Secrets Manager secrets are rotated within a specified number of days",
                rules: ["aws-secrets-manager-rotation"],
                scope: `${PROGRAM_WRITTEN_SECRETS}; the limit is the rule's maximumRotationDays (90 by default)`,
            },
            { id: "SNS.1", title: "SNS topics are encrypted at rest with KMS", rules: ["aws-sns-encrypted"] },
            { id: "SQS.1", title: "SQS queues are encrypted at rest", rules: ["aws-sqs-kms"] },
            { id: "WAF.10", title: "WAF web ACLs have at least one rule", rules: ["aws-waf-managed-rules"] },
            { id: "WAF.11", title: "WAF web ACL logging is enabled", rules: ["aws-waf-logged"] },
        ],
    },
    azureSecurityBenchmark: {
        title: "Microsoft cloud security benchmark v1 (Azure Security Benchmark v3)",
        source: "the Microsoft cloud security benchmark v1 workbook, column Recommendation (MicrosoftDocs/SecurityBenchmarks, Microsoft Cloud Security Benchmark/Microsoft_cloud_security_benchmark_v1.xlsx at 2e2db1189667b3108c91fe104661f6869fffd965); titles are quoted from it. Azure Security Benchmark v3 (Azure Security Benchmark/3.0/azure-security-benchmark-v3.0.xlsx in the same repository) has the same ids and titles but for NS-2, which it calls Secure cloud services with network controls",
        controls: [
            {
                id: "NS-1",
                title: "Establish network segmentation boundaries",
                rules: ["azure-subnet-has-nsg", "azure-nsg-no-open-inbound", "azure-vm-no-public-ip"],
            },
            {
                id: "NS-2",
                title: "Secure cloud native services with network controls",
                rules: [
                    "azure-storage-network-deny",
                    "azure-sql-server-locked-down",
                    "azure-sql-firewall-not-open",
                    "azure-cosmos-locked-down",
                    "azure-flexible-server-private",
                    "azure-redis-tls-private",
                    "azure-redis-classic-tls-private",
                    "azure-key-vault-protected",
                    "azure-acr-locked-down",
                    "azure-aks-locked-down",
                ],
            },
            { id: "NS-6", title: "Deploy web application firewall", rules: ["azure-waf-prevention"] },
            {
                id: "NS-8",
                title: "Detect and disable insecure services and protocols",
                rules: [
                    "azure-app-gateway-tls-policy",
                    "azure-web-app-https",
                    "azure-redis-classic-tls-private",
                    "azure-storage-secure",
                    "azure-sql-server-locked-down",
                ],
                scope: "the TLS versions and plain-HTTP endpoints the resources accept; discovering insecure protocols in use is a runtime task",
            },
            {
                id: "IM-1",
                title: "Use centralized identity and authentication system",
                rules: [
                    "azure-sql-server-locked-down",
                    "azure-postgres-entra-only",
                    "azure-cosmos-locked-down",
                    "azure-aks-locked-down",
                    "azure-redis-database-entra-tls",
                    "azure-storage-secure",
                    "azure-acr-locked-down",
                ],
                scope: "that the services refuse their local authentication methods (keys, admin users, local accounts) for Entra ID",
            },
            { id: "IM-3", title: "Manage application identities securely and automatically", rules: ["azure-aks-workload-identity"] },
            { id: "IM-6", title: "Use strong authentication controls", reason: `${TENANT}: passwordless sign-in and MFA for users` },
            {
                id: "IM-8",
                title: "Restrict the exposure of credential and secrets",
                rules: ["azure-aks-key-vault-secrets-provider"],
                scope: "that AKS workloads read their secrets from Key Vault with rotation; scanning code for credentials is the repository's, not a plan's",
            },
            { id: "PA-1", title: "Separate and limit highly privileged/administrative users", reason: TENANT },
            {
                id: "PA-7",
                title: "Follow just enough administration (least privilege) principle",
                rules: ["azure-role-assignment-least-privilege"],
            },
            {
                id: "DP-3",
                title: "Encrypt sensitive data in transit",
                rules: [
                    "azure-web-app-https",
                    "azure-sql-server-locked-down",
                    "azure-redis-database-entra-tls",
                    "azure-redis-classic-tls-private",
                    "azure-storage-secure",
                    "azure-app-gateway-tls-policy",
                ],
            },
            {
                id: "DP-4",
                title: "Enable data at rest encryption by default",
                rules: ["azure-storage-infrastructure-encryption", "azure-aks-encryption-at-host"],
            },
            { id: "DP-8", title: "Ensure security of key and certificate repository", rules: ["azure-key-vault-protected"] },
            {
                id: "LT-1",
                title: "Enable threat detection capabilities",
                reason: "subscription-level Defender plans, outside the stacks",
            },
            { id: "LT-3", title: "Enable logging for security investigation", rules: ["azure-diagnostics-all-logs"] },
            { id: "LT-4", title: "Enable network logging for security investigation", rules: ["azure-flow-log-retention"] },
            { id: "LT-6", title: "Configure log storage retention", rules: ["azure-log-analytics-retention"] },
            { id: "BR-1", title: "Ensure regular automated backups", rules: ["data-stores-backed-up", "azure-storage-versioning"] },
            { id: "BR-2", title: "Protect backup and recovery data", rules: ["azure-backup-vault-resilient"] },
            { id: "PV-5", title: "Perform vulnerability assessments", reason: "runtime scanning, not infrastructure code" },
        ],
    },
    cisKubernetes: {
        title: "CIS Kubernetes Benchmark v1.9 (workload sections)",
        source: "section 5 (Policies) as Aqua's CIS Kubernetes 1.24+ compliance pages list it (avd.aquasec.com/compliance/kubernetes/cis-1.24): 5.2.1 the policy control mechanism, then 5.2.2 privileged to 5.2.13 host ports in the order checked here; 5.1, 5.3, 5.4 and 5.7 numbers as in the same list",
        controls: [
            {
                id: "1-4",
                title: "Control plane, etcd, control plane configuration and worker node settings",
                reason: MANAGED_CONTROL_PLANE,
            },
            { id: "5.1.1", title: "The cluster-admin role is used only where required", rules: ["k8s-no-admin-binding"] },
            { id: "5.1.3", title: "Wildcards are minimised in Roles and ClusterRoles", rules: ["k8s-no-wildcard-rbac"] },
            { id: "5.1.5", title: "Default service accounts are not actively used", rules: ["k8s-no-default-service-account"] },
            {
                id: "5.1.6",
                title: "Service account tokens are mounted only where necessary",
                rules: ["k8s-no-service-account-token", "k8s-service-account-no-token"],
            },
            { id: "5.2.1", title: "The cluster has at least one active policy control mechanism", rules: ["k8s-namespace-restricted"] },
            { id: "5.2.2", title: "Privileged containers are not admitted", rules: ["k8s-not-privileged"] },
            { id: "5.2.3", title: "Containers sharing the host process ID namespace are not admitted", rules: ["k8s-no-host-namespaces"] },
            { id: "5.2.4", title: "Containers sharing the host IPC namespace are not admitted", rules: ["k8s-no-host-namespaces"] },
            { id: "5.2.5", title: "Containers sharing the host network namespace are not admitted", rules: ["k8s-no-host-namespaces"] },
            { id: "5.2.6", title: "Containers with allowPrivilegeEscalation are not admitted", rules: ["k8s-no-privilege-escalation"] },
            { id: "5.2.7", title: "Root containers are not admitted", rules: ["k8s-run-as-non-root"] },
            { id: "5.2.8", title: "Containers with the NET_RAW capability are not admitted", rules: ["k8s-drop-all-capabilities"] },
            { id: "5.2.9", title: "Containers with added capabilities are not admitted", rules: ["k8s-drop-all-capabilities"] },
            {
                id: "5.2.10",
                title: "Containers with capabilities assigned are minimised",
                rules: ["k8s-drop-all-capabilities"],
            },
            { id: "5.2.11", title: "Windows HostProcess containers are not admitted", reason: ADMISSION },
            { id: "5.2.12", title: "HostPath volumes are not admitted", rules: ["k8s-no-host-path"] },
            {
                id: "5.2.13",
                title: "Containers which use HostPorts are not admitted",
                reason: `not checked yet: ${ADMISSION}`,
            },
            { id: "5.3.2", title: "All namespaces have network policies", rules: ["k8s-namespace-default-deny"] },
            {
                id: "5.4.1",
                title: "Secrets are used as files, not environment variables",
                rules: ["k8s-no-literal-secret-env", "k8s-no-literal-secret-manifest"],
            },
            { id: "5.7.2", title: "The seccomp profile is set to RuntimeDefault", rules: ["k8s-seccomp-runtime-default"] },
            {
                id: "5.7.4",
                title: "The default namespace is not used",
                reason: "not checked: the hub's components always name their namespace; no rule reads metadata.namespace",
            },
        ],
    },
    podSecurityRestricted: {
        title: "Kubernetes Pod Security Standards, restricted profile",
        source: "kubernetes.io/docs/concepts/security/pod-security-standards: the restricted profile is every baseline control plus its own; ids here are the controls' names there",
        controls: [
            { id: "HostProcess", title: "Windows HostProcess containers are disallowed", reason: ADMISSION },
            { id: "Host Namespaces", title: "hostNetwork, hostPID and hostIPC are unset or false", rules: ["k8s-no-host-namespaces"] },
            { id: "Privileged Containers", title: "Privileged pods are disallowed", rules: ["k8s-not-privileged"] },
            { id: "HostPath Volumes", title: "HostPath volumes are forbidden", rules: ["k8s-no-host-path"] },
            { id: "Host Ports", title: "Host ports are disallowed", reason: `not checked yet: ${ADMISSION}` },
            { id: "AppArmor", title: "The AppArmor profile is not overridden to unconfined", reason: ADMISSION },
            { id: "SELinux", title: "No custom SELinux user or role is set", reason: ADMISSION },
            { id: "/proc Mount Type", title: "The default /proc masks are kept", reason: ADMISSION },
            { id: "Sysctls", title: "Only the safe sysctls are set", reason: ADMISSION },
            {
                id: "Volume Types",
                title: "Only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes are used",
                rules: ["k8s-no-host-path"],
                scope: "hostPath only; the other types (nfs, iscsi, ...) are refused by Pod Security Admission in restricted namespaces",
            },
            { id: "Privilege Escalation", title: "Privilege escalation is disallowed", rules: ["k8s-no-privilege-escalation"] },
            { id: "Running as Non-root", title: "Containers must set runAsNonRoot: true", rules: ["k8s-run-as-non-root"] },
            { id: "Running as Non-root user", title: "Containers do not set runAsUser to 0", reason: ADMISSION },
            { id: "Seccomp", title: "The seccomp profile is RuntimeDefault or Localhost", rules: ["k8s-seccomp-runtime-default"] },
            {
                id: "Capabilities",
                title: "Every capability is dropped; only NET_BIND_SERVICE may be added",
                rules: ["k8s-drop-all-capabilities"],
            },
            {
                id: "Enforcement (pod-security.kubernetes.io/enforce)",
                title: "Namespaces enforce the restricted profile through Pod Security Admission",
                rules: ["k8s-namespace-restricted"],
                scope: "how the profile is enforced, not a control of the profile itself",
            },
        ],
    },
} as const satisfies Readonly<Record<string, Benchmark>>;

export type BenchmarkName = keyof typeof BENCHMARKS;
