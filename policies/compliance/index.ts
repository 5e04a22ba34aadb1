import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { packPolicies } from "../lib/registry";

new PolicyPack("crypto-beacon-compliance", {
    description: "Audit logging, retention, encryption and tagging, mapped to PCI DSS 4.0, SOC 2, GDPR and CCPA.",
    enforcementLevel: "mandatory",
    policies: withExemptions(packPolicies("compliance")),
});
