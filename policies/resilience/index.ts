import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { awsNatGatewayPerZone, awsSubnetsSpanZones } from "../rules/aws/network";

new PolicyPack("crypto-beacon-resilience", {
    description: "Zone spread and egress redundancy of the sites.",
    enforcementLevel: "mandatory",
    policies: withExemptions([awsSubnetsSpanZones, awsNatGatewayPerZone]),
});
