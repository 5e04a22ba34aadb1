import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "../lib/exemptions";
import { packPolicies } from "../lib/registry";

new PolicyPack("crypto-beacon-resilience", {
    description: "Zone spread, failover across clouds, database majority, backups and workload availability.",
    enforcementLevel: "mandatory",
    policies: withExemptions(packPolicies("resilience")),
});
