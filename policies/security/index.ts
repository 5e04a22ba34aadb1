import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { awsKmsKeyRotation } from "../rules/aws/kms";
import { awsDefaultSecurityGroupClosed, awsSubnetNoAutoPublicIp } from "../rules/aws/network";
import { azureNsgNoOpenInbound, azureSubnetHasNsg } from "../rules/azure/network";
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
        explicitProviders,
    ]),
});
