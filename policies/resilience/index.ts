import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import {
    awsApiThrottled,
    awsElasticacheFailover,
    awsElasticacheSnapshots,
    awsKmsDeletionWindow,
    awsS3Versioning,
    awsTargetGroupHealthCheck,
} from "../rules/aws/hardening";
import { awsNatGatewayPerZone, awsSubnetsSpanZones } from "../rules/aws/network";
import { azureBackupVaultResilient, azureRegistryZoneRedundant, azureStorageVersioning } from "../rules/azure/hardening";
import { cloudflarePoolMonitored } from "../rules/cloudflare";
import {
    atlasBackupCopied,
    atlasMajorityWrites,
    databaseMajoritySurvives,
    failoverDetection,
    loadBalancerBothClouds,
} from "../rules/continuity";
import { autoscalersHaveMetrics, nodePoolsAutoscale, quotasCoverMaxReplicas, workloadsFitCapacity } from "../rules/intent/rules";
import {
    k8sAutoscalerMetric,
    k8sCronJobForbidConcurrency,
    k8sDisruptionBudgets,
    k8sNamespaceQuota,
    k8sProbes,
    k8sRoutesNameSite,
    k8sZoneSpread,
} from "../rules/kubernetes";

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
        workloadsFitCapacity,
        quotasCoverMaxReplicas,
        autoscalersHaveMetrics,
        nodePoolsAutoscale,
    ]),
});
