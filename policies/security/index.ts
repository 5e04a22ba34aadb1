import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { awsKmsKeyRotation } from "../rules/aws/kms";
import { awsDefaultSecurityGroupClosed, awsSubnetNoAutoPublicIp } from "../rules/aws/network";
import { azureNsgNoOpenInbound, azureSubnetHasNsg } from "../rules/azure/network";
import { azureAcrLockedDown, azureAksLockedDown, azureKeyVaultProtected, azureStorageSecure, azureWafPrevention } from "../rules/azure/platform";
import {
    awsAlbDropsInvalidHeaders,
    awsEcrImmutableScanned,
    awsEksPrivateEncrypted,
    awsElasticacheEncrypted,
    awsImdsv2Required,
    awsListenerEncrypted,
    awsS3DefaultEncryption,
    awsS3PublicAccessBlocked,
} from "../rules/aws/platform";
import { explicitProviders } from "../rules/providers";

new PolicyPack("crypto-beacon-security", {
    description: "Network exposure, encryption keys and provider hygiene.",
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
    ]),
});
