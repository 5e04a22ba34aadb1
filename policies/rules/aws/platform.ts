import { arrayInput, objectInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";

/** Load balancer types: the v7 `lb` token and the `alb` alias that still exists. */
export const AWS_LOAD_BALANCER_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];

/** S3 bucket types: the v7 name and the old V2 one, which still exists. */
const S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

export const awsS3PublicAccessBlocked = resourceRule({
    name: "aws-s3-public-access-blocked",
    description: "Every bucket's public access block blocks public ACLs and policies, and ignores and restricts them.",
    severity: "critical",
    remediation: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true (SecureBucket does).",
    controls: { pciDss: ["1.4.4", "7.2.1"], soc2: ["CC6.1", "CC6.6"], gdpr: ["25", "32"], ccpa: ["1798.150"] },
    types: [S3_PUBLIC_ACCESS_BLOCK],
    check: ({ props }) => {
        const open = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((key) => props[key] !== true);
        return open.length > 0 ? [`${open.join(", ")} not true`] : [];
    },
});

export const awsS3DefaultEncryption = resourceRule({
    name: "aws-s3-default-encryption",
    description: "Buckets encrypt objects by default, with KMS unless the writer demands SSE-S3.",
    severity: "high",
    remediation: "Give the bucket a server-side encryption configuration with sseAlgorithm aws:kms (or AES256 for log buckets).",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"],
    check: ({ props }) => {
        const algorithms = arrayInput(props.rules).map((rule) => objectInput(rule.applyServerSideEncryptionByDefault)?.sseAlgorithm);
        return algorithms.length > 0 && algorithms.every((algorithm) => algorithm === "aws:kms" || algorithm === "aws:kms:dsse" || algorithm === "AES256")
            ? []
            : ["has no default encryption rule"];
    },
});

export const awsAlbDropsInvalidHeaders = resourceRule({
    name: "aws-alb-drops-invalid-headers",
    description: "Application load balancers drop invalid HTTP headers, closing a request-smuggling path.",
    severity: "medium",
    remediation: "Set dropInvalidHeaderFields: true on the load balancer.",
    controls: { pciDss: ["6.4.1"], soc2: ["CC6.6"] },
    types: AWS_LOAD_BALANCER_TYPES,
    check: ({ props }) => ((props.loadBalancerType ?? "application") === "application" && props.dropInvalidHeaderFields !== true ? ["dropInvalidHeaderFields is not true"] : []),
});

export const awsListenerEncrypted = resourceRule({
    name: "aws-listener-https-only",
    description: "Load balancer listeners serve HTTPS with a TLS 1.2+ policy; plain HTTP only redirects to HTTPS.",
    severity: "high",
    remediation: "Serve HTTPS with an ELBSecurityPolicy-TLS13-1-2-* policy; make HTTP listeners redirect to HTTPS.",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"], ccpa: ["1798.150"] },
    types: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    check: ({ props }) => {
        if (props.protocol === "HTTP") {
            const redirects = arrayInput(props.defaultActions).every((action) => action.type === "redirect" && objectInput(action.redirect)?.protocol === "HTTPS");
            return redirects ? [] : ["serves plain HTTP; redirect it to HTTPS"];
        }
        if (props.protocol === "HTTPS" && !/TLS13-1-2|TLS-1-2/.test(String(props.sslPolicy ?? ""))) {
            return [`sslPolicy ${String(props.sslPolicy)} allows TLS below 1.2`];
        }
        return [];
    },
});

export const awsElasticacheEncrypted = resourceRule({
    name: "aws-elasticache-encrypted",
    description: "Redis replication groups require TLS in transit and encrypt at rest.",
    severity: "high",
    remediation: "Set transitEncryptionEnabled: true, transitEncryptionMode: required and atRestEncryptionEnabled: true.",
    controls: { pciDss: ["3.5.1", "4.2.1"], soc2: ["CC6.1", "CC6.7"], gdpr: ["32"] },
    types: ["aws:elasticache/replicationGroup:ReplicationGroup"],
    check: ({ props }) => [
        ...(props.transitEncryptionEnabled !== true || props.transitEncryptionMode === "preferred" ? ["TLS is not required in transit"] : []),
        ...(props.atRestEncryptionEnabled !== true ? ["not encrypted at rest"] : []),
    ],
});

export const awsEcrImmutableScanned = resourceRule({
    name: "aws-ecr-immutable-scanned",
    description: "Image repositories refuse to overwrite tags and scan every pushed image.",
    severity: "medium",
    remediation: "Set imageTagMutability: IMMUTABLE and imageScanningConfiguration.scanOnPush: true.",
    controls: { pciDss: ["6.3.2", "11.3.1"], soc2: ["CC7.1", "CC8.1"] },
    types: ["aws:ecr/repository:Repository"],
    check: ({ props }) => [
        ...(props.imageTagMutability !== "IMMUTABLE" ? ["tags are mutable"] : []),
        ...(objectInput(props.imageScanningConfiguration)?.scanOnPush !== true ? ["images are not scanned on push"] : []),
    ],
});

export const awsEksPrivateEncrypted = resourceRule({
    name: "aws-eks-private-encrypted",
    description: "EKS clusters keep a private API endpoint (public only for listed networks), encrypt secrets and log audit events.",
    severity: "high",
    remediation: "Enable endpointPrivateAccess, list publicAccessCidrs when the endpoint is public, encrypt secrets with KMS, enable the audit log.",
    controls: { pciDss: ["1.3.1", "3.5.1", "10.2.1"], soc2: ["CC6.1", "CC6.6", "CC7.2"], gdpr: ["32"] },
    types: ["aws:eks/cluster:Cluster"],
    check: ({ props }) => {
        const vpc = objectInput(props.vpcConfig) ?? {};
        const cidrs = Array.isArray(vpc.publicAccessCidrs) ? (vpc.publicAccessCidrs as string[]) : [];
        const encrypted = Array.isArray(objectInput(props.encryptionConfig)?.resources) && (objectInput(props.encryptionConfig)!.resources as string[]).includes("secrets");
        const logs = Array.isArray(props.enabledClusterLogTypes) ? (props.enabledClusterLogTypes as string[]) : [];
        return [
            ...(vpc.endpointPrivateAccess !== true ? ["the API endpoint is not private"] : []),
            ...(vpc.endpointPublicAccess !== false && (cidrs.length === 0 || cidrs.some((cidr) => cidr.endsWith("/0"))) ? ["the API endpoint is open to the internet"] : []),
            ...(!encrypted ? ["secrets are not encrypted with KMS"] : []),
            ...(!logs.includes("audit") ? ["the audit log is off"] : []),
        ];
    },
});

export const awsImdsv2Required = resourceRule({
    name: "aws-imdsv2-required",
    description: "Launch templates require IMDSv2 tokens, so SSRF cannot read the instance's credentials.",
    severity: "high",
    remediation: "Set metadataOptions.httpTokens to required (and the hop limit to 1 where pods must not reach it).",
    controls: { pciDss: ["2.2.1"], soc2: ["CC6.1"] },
    types: ["aws:ec2/launchTemplate:LaunchTemplate"],
    check: ({ props }) => (objectInput(props.metadataOptions)?.httpTokens !== "required" ? ["IMDSv2 is not required"] : []),
});

export const awsCloudTrailValidated = resourceRule({
    name: "aws-cloudtrail-validated",
    description: "CloudTrail trails cover every region, validate their log files and encrypt them with KMS.",
    severity: "high",
    remediation: "Set isMultiRegionTrail, enableLogFileValidation and kmsKeyId on the trail.",
    controls: { pciDss: ["10.2.1", "10.3.2", "10.3.4"], soc2: ["CC7.2"], gdpr: ["30", "32"] },
    types: ["aws:cloudtrail/trail:Trail"],
    check: ({ props }) => [
        ...(props.isMultiRegionTrail !== true ? ["covers one region only"] : []),
        ...(props.enableLogFileValidation !== true ? ["log files are not validated"] : []),
        ...(!props.kmsKeyId ? ["not encrypted with KMS"] : []),
    ],
});
