import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import {
    awsAlarmsNotify,
    awsAlbAccessLogs,
    awsApiAccessLogs,
    awsS3Lifecycle,
    awsSecretsRecoveryWindow,
    awsWafLogged,
} from "../rules/aws/hardening";
import { awsLogGroupEncrypted, awsLogGroupRetention } from "../rules/aws/logging";
import { awsVpcFlowLogs } from "../rules/aws/network";
import { awsCloudTrailValidated } from "../rules/aws/platform";
import {
    azureAlertsNotify,
    azureDiagnosticsAllLogs,
    azureFlowLogRetention,
    azureLogRetention,
    azureRegistryRetention,
} from "../rules/azure/hardening";
import { cloudflarePoolNotifications } from "../rules/cloudflare";
import { atlasClusterBackup, backupRetention, dataStoresBackedUp } from "../rules/continuity";
import { requiredTags } from "../rules/tagging";

new PolicyPack("crypto-beacon-compliance", {
    description: "Audit logging, retention, encryption and tagging, mapped to PCI DSS 4.0, SOC 2, GDPR and CCPA.",
    enforcementLevel: "mandatory",
    policies: withExemptions([
        awsVpcFlowLogs,
        awsCloudTrailValidated,
        awsLogGroupRetention,
        awsLogGroupEncrypted,
        requiredTags,
        backupRetention,
        atlasClusterBackup,
        awsWafLogged,
        awsApiAccessLogs,
        awsAlbAccessLogs,
        awsAlarmsNotify,
        awsS3Lifecycle,
        awsSecretsRecoveryWindow,
        azureFlowLogRetention,
        azureLogRetention,
        azureDiagnosticsAllLogs,
        azureAlertsNotify,
        azureRegistryRetention,
        cloudflarePoolNotifications,
        dataStoresBackedUp,
    ]),
});
