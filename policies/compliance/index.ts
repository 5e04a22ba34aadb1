import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { atlasClusterBackup } from "../rules/atlas/cluster";
import { awsApiAccessLogs } from "../rules/aws/apigateway";
import { awsCloudTrailValidated } from "../rules/aws/cloudtrail";
import { awsAlarmsNotify, awsLogGroupEncrypted, awsLogGroupRetention } from "../rules/aws/cloudwatch";
import { awsAlbAccessLogs } from "../rules/aws/elb";
import { awsS3Lifecycle } from "../rules/aws/s3";
import { awsSecretsRecoveryWindow } from "../rules/aws/secretsmanager";
import { awsVpcFlowLogs } from "../rules/aws/vpc";
import { awsWafLogged } from "../rules/aws/wafv2";
import { azureRegistryRetention } from "../rules/azure/containerregistry";
import { azureAlertsNotify, azureDiagnosticsAllLogs, azureLogRetention } from "../rules/azure/monitor";
import { azureFlowLogRetention } from "../rules/azure/network";
import { cloudflarePoolNotifications } from "../rules/cloudflare/loadbalancing";
import { backupRetention, dataStoresBackedUp } from "../rules/platform/backup";
import { requiredTags } from "../rules/platform/tagging";

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
