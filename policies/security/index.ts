import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { atlasNoOpenAccess, atlasUserLeastPrivilege } from "../rules/atlas/access";
import { atlasClusterTls } from "../rules/atlas/cluster";
import { awsBackupVaultEncrypted, awsBackupVaultLocked } from "../rules/aws/backup";
import { awsImdsv2Required, awsLaunchTemplateEncrypted } from "../rules/aws/ec2";
import { awsEcrImmutableScanned, awsEcrKms, awsEcrLifecycle } from "../rules/aws/ecr";
import { awsEksPrivateEncrypted } from "../rules/aws/eks";
import { awsElasticacheEncrypted } from "../rules/aws/elasticache";
import { awsAlbDesyncMitigation, awsAlbDropsInvalidHeaders, awsListenerEncrypted } from "../rules/aws/elb";
import { awsIamNoAdministratorAccess, awsIamNoWildcardPolicy } from "../rules/aws/iam";
import { awsKmsKeyRotation } from "../rules/aws/kms";
import { awsS3AclsDisabled, awsS3DefaultEncryption, awsS3PublicAccessBlocked, awsS3TlsOnly } from "../rules/aws/s3";
import { awsSecretsEncrypted } from "../rules/aws/secretsmanager";
import { awsSnsEncrypted } from "../rules/aws/sns";
import { awsDefaultSecurityGroupClosed, awsEndpointsPrivateDns, awsSecurityGroupNoOpenIngress, awsSecurityGroupRuleNoOpenIngress, awsSubnetNoAutoPublicIp } from "../rules/aws/vpc";
import { albWafAssociated, awsWafManagedRules, awsWafRateLimit } from "../rules/aws/wafv2";
import { azureRoleAssignmentScoped } from "../rules/azure/authorization";
import { azureAcrLockedDown } from "../rules/azure/containerregistry";
import { azureAksEncryptionAtHost, azureAksLockedDown, azureAksMonitoring, azureAksSecretsProvider, azureAksWorkloadIdentity } from "../rules/azure/containerservice";
import { azureKeyVaultProtected } from "../rules/azure/keyvault";
import { azureGatewayTlsPolicy, azureNsgNoOpenInbound, azurePublicIpStandard, azureSubnetHasNsg, azureWafPrevention } from "../rules/azure/network";
import { azureRedisDatabaseLocked, azureRedisTls } from "../rules/azure/redis";
import { azureContainerPrivate, azureStorageDoubleEncryption, azureStorageNetworkDeny, azureStorageSecure } from "../rules/azure/storage";
import { cloudflareDnsProxied } from "../rules/cloudflare/dns";
import { cloudflareLoadBalancerProxied, cloudflareMonitorHttps, cloudflareZeroDowntimeFailover } from "../rules/cloudflare/loadbalancing";
import { cloudflareApiNotCached, cloudflareCustomWaf, cloudflareManagedWaf, cloudflareRateLimits, cloudflareSecurityHeaders } from "../rules/cloudflare/rulesets";
import { cloudflareAlwaysHttps, cloudflareDnssec, cloudflareHsts, cloudflareMinTls, cloudflareOriginPulls, cloudflareSslStrict, cloudflareTls13 } from "../rules/cloudflare/zone";
import { k8sHelmPinned } from "../rules/kubernetes/helm";
import { k8sNamespaceDefaultDeny, k8sNamespaceRestricted } from "../rules/kubernetes/namespaces";
import { k8sDropAllCapabilities, k8sImagePinned, k8sNoHostNamespaces, k8sNoLiteralSecrets, k8sNoPrivilegeEscalation, k8sNoPrivileged, k8sNoTokenAutomount, k8sReadOnlyRootFilesystem, k8sResourceLimits, k8sRunAsNonRoot, k8sSeccompRuntimeDefault } from "../rules/kubernetes/pods";
import { k8sServiceAccountNoToken } from "../rules/kubernetes/rbac";
import { explicitProviders } from "../rules/platform/providers";
import { noHardcodedCredentials } from "../rules/platform/secrets";

new PolicyPack("crypto-beacon-security", {
    description: "Network exposure, encryption, edge security, workload hardening and provider hygiene.",
    enforcementLevel: "mandatory",
    policies: withExemptions([
        awsDefaultSecurityGroupClosed,
        awsSubnetNoAutoPublicIp,
        awsKmsKeyRotation,
        azureNsgNoOpenInbound,
        azureSubnetHasNsg,
        awsS3PublicAccessBlocked,
        awsS3DefaultEncryption,
        awsAlbDropsInvalidHeaders,
        awsListenerEncrypted,
        awsElasticacheEncrypted,
        awsEcrImmutableScanned,
        awsEksPrivateEncrypted,
        awsImdsv2Required,
        azureStorageSecure,
        azureKeyVaultProtected,
        azureAksLockedDown,
        azureAcrLockedDown,
        azureWafPrevention,
        explicitProviders,
        albWafAssociated,
        cloudflareSslStrict,
        cloudflareMinTls,
        cloudflareTls13,
        cloudflareAlwaysHttps,
        cloudflareHsts,
        cloudflareDnssec,
        cloudflareDnsProxied,
        cloudflareOriginPulls,
        cloudflareLoadBalancerProxied,
        cloudflareZeroDowntimeFailover,
        cloudflareMonitorHttps,
        cloudflareManagedWaf,
        cloudflareRateLimits,
        cloudflareSecurityHeaders,
        atlasClusterTls,
        atlasNoOpenAccess,
        atlasUserLeastPrivilege,
        k8sRunAsNonRoot,
        k8sReadOnlyRootFilesystem,
        k8sNoPrivilegeEscalation,
        k8sNoPrivileged,
        k8sDropAllCapabilities,
        k8sSeccompRuntimeDefault,
        k8sResourceLimits,
        k8sImagePinned,
        k8sNoLiteralSecrets,
        k8sNoHostNamespaces,
        k8sNoTokenAutomount,
        k8sNamespaceRestricted,
        k8sNamespaceDefaultDeny,
        awsS3AclsDisabled,
        awsS3TlsOnly,
        awsSecretsEncrypted,
        awsSnsEncrypted,
        awsBackupVaultEncrypted,
        awsBackupVaultLocked,
        awsWafManagedRules,
        awsWafRateLimit,
        awsAlbDesyncMitigation,
        awsLaunchTemplateEncrypted,
        awsIamNoWildcardPolicy,
        awsIamNoAdministratorAccess,
        awsEndpointsPrivateDns,
        awsSecurityGroupNoOpenIngress,
        awsSecurityGroupRuleNoOpenIngress,
        awsEcrLifecycle,
        azureContainerPrivate,
        azureStorageDoubleEncryption,
        azureStorageNetworkDeny,
        azureAksWorkloadIdentity,
        azureAksEncryptionAtHost,
        azureAksMonitoring,
        azureAksSecretsProvider,
        azureRedisTls,
        azureRedisDatabaseLocked,
        azureGatewayTlsPolicy,
        azurePublicIpStandard,
        azureRoleAssignmentScoped,
        k8sHelmPinned,
        k8sServiceAccountNoToken,
        cloudflareCustomWaf,
        awsEcrKms,
        cloudflareApiNotCached,
        noHardcodedCredentials,
    ]),
});
