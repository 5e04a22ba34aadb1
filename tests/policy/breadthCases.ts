/**
 * The passing and failing case of each rule that guards kinds our own stacks do not deploy. Each
 * kind is a module of a family's fixture program (tests/fixtures/policy-breadth/<family>/kinds/<kind>.ts),
 * planned on its own twice: with Pulumi.secure.yaml (the rule finds nothing) and Pulumi.insecure.yaml
 * (the rule finds exactly `findings`, each written as "<resource name>: <message>").
 */
export interface BreadthCase {
    readonly rule: string;
    /** `<family>/<kind>`. */
    readonly kind: `${"kubernetes" | "aws" | "azure" | "cloudflare"}/${string}`;
    readonly findings: readonly RegExp[];
}

export const BREADTH_CASES: readonly BreadthCase[] = [
    { rule: "k8s-no-host-namespaces", kind: "kubernetes/pod", findings: [/^reports-pod: shares the node's hostNetwork$/] },
    { rule: "k8s-no-host-namespaces", kind: "kubernetes/daemonset", findings: [/^node-agent: shares the node's hostPID$/] },
    { rule: "k8s-no-host-path", kind: "kubernetes/daemonset", findings: [/^node-agent: volume host-logs mounts the node's \/var\/log$/] },
    { rule: "k8s-not-privileged", kind: "kubernetes/deployment", findings: [/^reports: container reports: runs privileged$/] },
    { rule: "k8s-run-as-non-root", kind: "kubernetes/statefulset", findings: [/^reports-store: container reports: may run as root$/] },
    {
        rule: "k8s-no-privilege-escalation",
        kind: "kubernetes/replicaset",
        findings: [/^reports-rs: container reports: privilege escalation is allowed$/],
    },
    { rule: "k8s-drop-all-capabilities", kind: "kubernetes/job", findings: [/^reports-once: container reports: .*SYS_ADMIN/] },
    {
        rule: "k8s-seccomp-runtime-default",
        kind: "kubernetes/cronjob",
        findings: [/^reports-nightly: container reports: seccomp profile is Unconfined$/],
    },
    {
        rule: "k8s-no-default-service-account",
        kind: "kubernetes/job",
        findings: [/^reports-once: runs under the default service account$/],
    },
    { rule: "k8s-no-admin-binding", kind: "kubernetes/rbac", findings: [/^reports-admin: grants cluster-admin$/] },
    { rule: "k8s-no-wildcard-rbac", kind: "kubernetes/rbac", findings: [/^reports: rule 0 has \* in apiGroups, resources, verbs$/] },
    { rule: "k8s-ingress-tls", kind: "kubernetes/ingress", findings: [/^reports: has no TLS$/] },
    {
        rule: "k8s-load-balancer-source-ranges",
        kind: "kubernetes/service",
        findings: [/^reports: an internet-facing load balancer with no loadBalancerSourceRanges$/],
    },
    { rule: "k8s-no-literal-secret-manifest", kind: "kubernetes/secret", findings: [/^reports-db: holds password as literal data$/] },
    { rule: "aws-rds-encrypted", kind: "aws/rds", findings: [/^orders: storage is not encrypted$/] },
    {
        rule: "aws-rds-not-public",
        kind: "aws/rds",
        findings: [/^orders: publiclyAccessible is true$/, /^ledger-1: publiclyAccessible is true$/],
    },
    { rule: "aws-rds-backups", kind: "aws/rds", findings: [/^orders: backupRetentionPeriod is 1; at least 7 required$/] },
    { rule: "aws-rds-deletion-protection", kind: "aws/rds", findings: [/^orders: deletion protection is off$/] },
    { rule: "aws-rds-iam-authentication", kind: "aws/rds", findings: [/^orders: IAM authentication is off$/] },
    { rule: "aws-lambda-url-authenticated", kind: "aws/lambda", findings: [/^report: authorizationType is NONE; allowed: AWS_IAM$/] },
    { rule: "aws-lambda-no-public-permission", kind: "aws/lambda", findings: [/^report-invoke: lets any principal invoke the function$/] },
    { rule: "aws-lambda-supported-runtime", kind: "aws/lambda", findings: [/^report: runtime nodejs16\.x is deprecated$/] },
    { rule: "aws-dynamodb-point-in-time-recovery", kind: "aws/dynamodb", findings: [/^sessions: point-in-time recovery is off$/] },
    { rule: "aws-dynamodb-kms", kind: "aws/dynamodb", findings: [/^sessions: uses the AWS-owned key$/] },
    { rule: "aws-efs-encrypted", kind: "aws/efs", findings: [/^shared: the file system is not encrypted$/] },
    {
        rule: "aws-opensearch-hardened",
        kind: "aws/opensearch",
        findings: [
            /^search: not encrypted at rest, HTTP is allowed, tlsSecurityPolicy is not Policy-Min-TLS-1-2-PFS-2023-10, the endpoint is public$/,
        ],
    },
    {
        rule: "aws-ebs-encrypted",
        kind: "aws/ebs",
        findings: [/^scratch: the volume is not encrypted$/, /^account: EBS encryption by default is disabled$/],
    },
    { rule: "aws-imdsv2-required", kind: "aws/ec2", findings: [/^bastion: IMDSv2 is not required$/] },
    { rule: "aws-instance-no-public-ip", kind: "aws/ec2", findings: [/^bastion: associatePublicIpAddress is true$/] },
    { rule: "aws-iam-no-wildcard-policy", kind: "aws/iam", findings: [/^report: allows \* on \*$/] },
    {
        rule: "aws-iam-no-administrator-access",
        kind: "aws/iam",
        findings: [
            /^report: attaches arn:aws:iam::aws:policy\/AdministratorAccess$/,
            /^analyst-power: attaches arn:aws:iam::aws:policy\/PowerUserAccess$/,
        ],
    },
    { rule: "aws-iam-no-access-keys", kind: "aws/iam", findings: [/^analyst: creates a long-lived access key for user analyst$/] },
    { rule: "aws-iam-users-no-policies", kind: "aws/iam", findings: [/^analyst-power: gives user analyst a policy of its own$/] },
    { rule: "aws-sqs-kms", kind: "aws/sqs", findings: [/^jobs: the queue is not encrypted$/] },
    { rule: "aws-sns-encrypted", kind: "aws/sns", findings: [/^alerts: the topic is not encrypted$/] },
    {
        rule: "aws-secrets-manager-rotation",
        kind: "aws/secretsmanager",
        findings: [
            /^api-key: secret api-key: the program writes its value with no rotation/,
            /^db-credentials: secret db-credentials: rotates every 365 days; at most 90 allowed$/,
        ],
    },
    {
        rule: "aws-cloudtrail-bucket-access-logged",
        kind: "aws/cloudtrail",
        findings: [
            /^audit-trail: bucket audit-trail of trail audit has no server access logging$/,
            /^org-trail: bucket org-trail of trail org has no server access logging$/,
        ],
    },
    {
        rule: "aws-eks-node-volumes-customer-key",
        kind: "aws/eks",
        findings: [
            /^general: node group general: launch template general has 1 volume\(s\) not on a customer-managed key$/,
            /^batch: node group batch: has no launch template, so its volumes use the AWS-managed key$/,
        ],
    },
    { rule: "aws-s3-no-public-acl", kind: "aws/s3", findings: [/^reports: acl is public-read$/, /^reports: grants access to everyone$/] },
    { rule: "aws-s3-no-public-policy", kind: "aws/s3", findings: [/^reports: allows anyone, with no condition$/] },
    {
        rule: "aws-api-gateway-access-logs",
        kind: "aws/apigateway",
        findings: [/^reports: the stage has no access log$/, /^quotes: the stage has no access log$/],
    },
    { rule: "aws-api-gateway-throttled", kind: "aws/apigateway", findings: [/^quotes: the stage is not throttled$/] },
    {
        rule: "azure-sql-server-locked-down",
        kind: "azure/sql",
        findings: [/^ledger: public network access is allowed, minimalTlsVersion is 1\.0, SQL logins are allowed$/],
    },
    { rule: "azure-sql-firewall-not-open", kind: "azure/sql", findings: [/^ledger-office: admits 0\.0\.0\.0 to 255\.255\.255\.255$/] },
    {
        rule: "azure-cosmos-locked-down",
        kind: "azure/cosmosdb",
        findings: [/^profiles: public network access is allowed, account keys are accepted$/],
    },
    {
        rule: "azure-flexible-server-private",
        kind: "azure/flexibleservers",
        findings: [/^reports: public network access is allowed$/, /^catalog: public network access is allowed$/],
    },
    { rule: "azure-postgres-entra-only", kind: "azure/flexibleservers", findings: [/^reports: password authentication is on$/] },
    {
        rule: "azure-web-app-https",
        kind: "azure/web",
        findings: [/^portal: HTTP is served, minTlsVersion is 1\.0, plain FTP is allowed$/, /^jobs: HTTP is served$/],
    },
    {
        rule: "azure-redis-classic-tls-private",
        kind: "azure/redis",
        findings: [/^cache: the non-TLS port is open, minimumTlsVersion is 1\.0, public network access is allowed$/],
    },
    {
        rule: "azure-vm-no-password-auth",
        kind: "azure/compute",
        findings: [/^jump: password authentication is allowed$/, /^workers: password authentication is allowed$/],
    },
    {
        rule: "azure-vm-no-public-ip",
        kind: "azure/compute",
        findings: [/^jump: IP configuration primary has a public IP$/, /^workers: IP configuration worker-ip has a public IP$/],
    },
    {
        rule: "azure-storage-secure",
        kind: "azure/storage",
        findings: [
            /^teamdata: accepts plain HTTP$/,
            /^teamdata: accepts TLS below 1\.2$/,
            /^teamdata: allows public blob access$/,
            /^teamdata: allows shared-key access$/,
        ],
    },
    { rule: "azure-storage-infrastructure-encryption", kind: "azure/storage", findings: [/^teamdata: infrastructure encryption is off$/] },
    { rule: "azure-storage-network-deny", kind: "azure/storage", findings: [/^teamdata: network access is allowed by default$/] },
    { rule: "azure-storage-versioning", kind: "azure/storage", findings: [/^teamdata: versioning or soft delete is off$/] },
    { rule: "azure-storage-container-private", kind: "azure/storage", findings: [/^reports: publicAccess is Blob$/] },
    {
        rule: "azure-acr-locked-down",
        kind: "azure/registry",
        findings: [
            /^teamimages: the admin user is enabled$/,
            /^teamimages: anonymous pull is enabled$/,
            /^teamimages: public network access is allowed$/,
        ],
    },
    { rule: "azure-acr-retention", kind: "azure/registry", findings: [/^teamimages: no retention policy$/] },
    { rule: "azure-acr-zone-redundant", kind: "azure/registry", findings: [/^teamimages: the registry is not zone-redundant$/] },
    {
        rule: "azure-key-vault-protected",
        kind: "azure/keyvault",
        findings: [
            /^team-secrets: access policies instead of Azure RBAC$/,
            /^team-secrets: purge protection is off$/,
            /^team-secrets: soft delete is off$/,
            /^team-secrets: public network access is allowed$/,
        ],
    },
    {
        rule: "azure-nsg-no-open-inbound",
        kind: "azure/network",
        findings: [/^ssh: .*allows inbound traffic from any address on ports 22$/],
    },
    {
        rule: "cloudflare-security-level",
        kind: "cloudflare/zonesettings",
        findings: [/^team-security-level: security_level is "essentially_off"/],
    },
    { rule: "cloudflare-browser-check", kind: "cloudflare/zonesettings", findings: [/^team-browser-check: browser_check is "off"/] },
    {
        rule: "cloudflare-automatic-https-rewrites",
        kind: "cloudflare/zonesettings",
        findings: [/^team-automatic-https-rewrites: automatic_https_rewrites is "off"/],
    },
    { rule: "cloudflare-no-0rtt", kind: "cloudflare/zonesettings", findings: [/^team-0rtt: 0rtt is "on"/] },
    { rule: "cloudflare-ssl-strict", kind: "cloudflare/zonesettings", findings: [/^team-ssl: ssl is "flexible"/] },
    {
        rule: "cloudflare-access-rule-not-allow-all",
        kind: "cloudflare/accessrules",
        findings: [/^partner: allow-lists 0\.0\.0\.0\/0, skipping every security feature$/],
    },
    { rule: "cloudflare-access-policy-not-everyone", kind: "cloudflare/zerotrust", findings: [/^admin: allows everyone$/] },
    { rule: "cloudflare-dns-proxied", kind: "cloudflare/records", findings: [/^origin: A record reports\.example\.com is not proxied/] },
    {
        rule: "cloudflare-monitor-https",
        kind: "cloudflare/monitors",
        findings: [/^origin: monitor type is http; allowed: https$/, /^origin: the monitor accepts invalid certificates$/],
    },
];
