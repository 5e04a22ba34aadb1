import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { atlasBackupCopied, atlasMajorityWrites, databaseMajoritySurvives } from "../rules/atlas/cluster";
import { awsApiThrottled } from "../rules/aws/apigateway";
import { awsElasticacheFailover, awsElasticacheSnapshots } from "../rules/aws/elasticache";
import { awsTargetGroupHealthCheck } from "../rules/aws/elb";
import { awsKmsDeletionWindow } from "../rules/aws/kms";
import { awsS3Versioning } from "../rules/aws/s3";
import { awsNatGatewayPerZone, awsSubnetsSpanZones } from "../rules/aws/vpc";
import { azureRegistryZoneRedundant } from "../rules/azure/containerregistry";
import { azureBackupVaultResilient } from "../rules/azure/dataprotection";
import { azureStorageVersioning } from "../rules/azure/storage";
import { cloudflarePoolMonitored, failoverDetection, loadBalancerBothClouds } from "../rules/cloudflare/loadbalancing";
import { k8sAutoscalerMetric, k8sCronJobForbidConcurrency, k8sDisruptionBudgets, k8sProbes, k8sZoneSpread } from "../rules/kubernetes/availability";
import { k8sRoutesNameSite } from "../rules/kubernetes/gateway";
import { k8sNamespaceQuota } from "../rules/kubernetes/namespaces";

new PolicyPack("crypto-beacon-resilience", {
    description: "Zone spread, failover across clouds, database majority, backups and workload availability.",
    enforcementLevel: "mandatory",
    policies: withExemptions([
        awsSubnetsSpanZones,
        awsNatGatewayPerZone,
        loadBalancerBothClouds,
        failoverDetection,
        databaseMajoritySurvives,
        atlasMajorityWrites,
        k8sDisruptionBudgets,
        k8sProbes,
        awsElasticacheFailover,
        awsElasticacheSnapshots,
        awsS3Versioning,
        awsTargetGroupHealthCheck,
        awsKmsDeletionWindow,
        awsApiThrottled,
        azureStorageVersioning,
        azureBackupVaultResilient,
        atlasBackupCopied,
        k8sCronJobForbidConcurrency,
        k8sNamespaceQuota,
        k8sRoutesNameSite,
        k8sZoneSpread,
        cloudflarePoolMonitored,
        azureRegistryZoneRedundant,
        k8sAutoscalerMetric,
    ]),
});
