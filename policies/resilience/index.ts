import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { awsNatGatewayPerZone, awsSubnetsSpanZones } from "../rules/aws/network";
import { atlasMajorityWrites, databaseMajoritySurvives, failoverDetection, loadBalancerBothClouds } from "../rules/continuity";
import { k8sDisruptionBudgets, k8sProbes } from "../rules/kubernetes";

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
    ]),
});
