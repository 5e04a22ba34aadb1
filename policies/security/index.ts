import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { packPolicies } from "../lib/registry";

new PolicyPack("crypto-beacon-security", {
    description: "Network exposure, encryption, edge security, workload hardening and provider hygiene.",
    enforcementLevel: "mandatory",
    policies: withExemptions(packPolicies("security")),
});
