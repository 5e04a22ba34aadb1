import { readEdgeOutputs } from "../../model/contracts";
import { SITES } from "../../model/stacks";
import { CommandError } from "../command";
import { plannedLoadBalancer } from "./loadBalancerPlan";
import type { PlannedResource, StackPlan } from "./planner";

const ATLAS_CLUSTER_TYPE = "mongodbatlas:index/advancedCluster:AdvancedCluster";

/** What each site's boxes are, by resource type. */
const SITE_PARTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    aws: {
        "aws:lb/loadBalancer:LoadBalancer": "ALB + WAF (origin)",
        "aws:eks/cluster:Cluster": "EKS cluster",
        "aws:elasticache/replicationGroup:ReplicationGroup": "ElastiCache Redis",
    },
    azure: {
        "azure-native:network:ApplicationGateway": "Application Gateway WAF v2 (origin)",
        "azure-native:containerservice:ManagedCluster": "AKS cluster",
        "azure-native:redisenterprise:RedisEnterprise": "Azure Managed Redis",
    },
};

const CLOUD_OF_PROVIDER: Readonly<Record<string, string>> = { AWS: "aws", AZURE: "azure", GCP: "gcp" };

interface RegionConfig {
    providerName: string;
    regionName: string;
    priority: number;
    electableSpecs?: { nodeCount?: number; instanceSize?: string };
}

/**
 * A Mermaid flowchart of a planned stack and the stacks it references: Cloudflare's load balancer,
 * its pools and health monitors, both sites with their origins, clusters and caches, and the
 * database nodes in each cloud. Solid arrows carry traffic now; dotted ones are the failover path
 * for the plan's `activeSite`. Everything is read from the planned resources.
 */
export function renderDiagram(plan: StackPlan): string {
    const resources = [...plan.referencedStacks.flatMap((referenced) => referenced.resources), ...plan.resources];
    const loadBalancer = plannedLoadBalancer(plan);
    if (!loadBalancer) {
        throw new DiagramError(`stack ${plan.stack} plans no Cloudflare load balancer: a diagram needs an edge or all-in-one stack`);
    }
    const poolOrder = loadBalancer.pools;
    // Pool weights are keyed by pool id, which a plan does not know; the edge outputs them by site.
    const weights = readEdgeOutputs(plan.stack, plan.outputs)?.trafficWeights;

    const lines = ["```mermaid", "flowchart TB", `    users(["Traders"]) -->|"HTTPS"| lb`];
    lines.push(`    subgraph cloudflare["Cloudflare edge: ${loadBalancer.hostname}"]`);
    lines.push(`        lb{{"Load balancer, proxied<br/>steering: ${loadBalancer.steeringPolicy}"}}`);
    for (const { site, monitor } of poolOrder) {
        lines.push(`        pool_${site}["Pool ${site}"]`);
        if (monitor) {
            const m = monitor.settings;
            lines.push(
                `        monitor_${site}[/"Monitor ${site}: GET ${m.path} every ${m.intervalSec} s,<br/>down after ${m.consecutiveDown}"/]`,
            );
            lines.push(`        monitor_${site} -.- pool_${site}`);
        }
    }
    lines.push("    end");

    const cluster = resources.find((resource) => resource.type === ATLAS_CLUSTER_TYPE);
    const regionConfigs = (cluster?.inputs.replicationSpecs as { regionConfigs?: RegionConfig[] }[] | undefined)?.[0]?.regionConfigs ?? [];
    for (const site of SITES) {
        // Internal load balancers (the API gateway's private link) take no traffic from the edge.
        const parts = resources.filter((resource) => SITE_PARTS[site][resource.type] && resource.inputs.internal !== true);
        lines.push(`    subgraph ${site}["${site === "aws" ? "AWS site (primary cloud)" : "Azure site (backup cloud)"}"]`);
        for (const part of parts) {
            lines.push(`        ${nodeId(site, part)}["${SITE_PARTS[site][part.type]}"]`);
        }
        lines.push(...databaseNodes(site, regionConfigs));
        lines.push("    end");
        const origin = parts.find((part) => part.type.includes("lb/loadBalancer") || part.type.includes("ApplicationGateway"));
        const kube = parts.find((part) => part.type.includes("eks/cluster") || part.type.includes("ManagedCluster"));
        if (origin && kube) {
            lines.push(`    ${nodeId(site, origin)} --> ${nodeId(site, kube)}`);
            for (const cache of parts.filter((part) => part.type.includes("replicationGroup") || part.type.includes("RedisEnterprise"))) {
                lines.push(`    ${nodeId(site, kube)} --> ${nodeId(site, cache)}`);
            }
            if (regionConfigs.some((config) => CLOUD_OF_PROVIDER[config.providerName] === site)) {
                lines.push(`    ${nodeId(site, kube)} -->|"private endpoint"| db_${site}`);
            }
        }
        const pool = poolOrder.find((candidate) => candidate.site === site);
        if (pool && origin) {
            const rank = poolOrder.indexOf(pool);
            const share = weights?.[site];
            const label = rank === 0 ? "primary" : `failover${share ? `, ${Math.round(share * 100)}% while healthy` : ""}`;
            lines.push(`    lb ${rank === 0 ? "-->" : "-.->"}|"${rank + 1}: ${label}"| pool_${site}`);
            lines.push(`    pool_${site} ${rank === 0 ? "-->" : "-.->"} ${nodeId(site, origin)}`);
        }
    }
    const tieBreaker = databaseNodes("gcp", regionConfigs);
    if (tieBreaker.length > 0) {
        lines.push(`    subgraph gcp["GCP: database tie-breaker"]`, ...tieBreaker, "    end");
    }
    for (const [from, to] of [
        ["aws", "azure"],
        ["azure", "gcp"],
        ["aws", "gcp"],
    ]) {
        if ([from, to].every((cloud) => regionConfigs.some((config) => CLOUD_OF_PROVIDER[config.providerName] === cloud))) {
            lines.push(`    db_${from} <-.->|"replica set, majority writes"| db_${to}`);
        }
    }
    lines.push("```");
    return lines.join("\n");
}

/** The Markdown document `plan --diagram` writes. */
export function diagramDocument(plan: StackPlan): string {
    return [
        `# Topology of stack ${plan.stack}`,
        "",
        `Generated by \`npm run plan -- --stack ${plan.stack} --diagram <file>\` from the offline plan; do not edit by hand.`,
        "Solid arrows carry traffic now; dotted arrows are the failover path.",
        "",
        renderDiagram(plan),
        "",
    ].join("\n");
}

function databaseNodes(cloud: string, regionConfigs: readonly RegionConfig[]): string[] {
    const config = regionConfigs.find((candidate) => CLOUD_OF_PROVIDER[candidate.providerName] === cloud);
    if (!config) {
        return [];
    }
    const nodes = config.electableSpecs?.nodeCount ?? 0;
    return [
        `        db_${cloud}[("Atlas ${config.regionName}<br/>${nodes} electable node${nodes === 1 ? "" : "s"}, priority ${config.priority}")]`,
    ];
}

function nodeId(site: string, resource: PlannedResource): string {
    return `${site}_${resource.name.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** The stack cannot be drawn: it has no edge. A usage error, not a failed plan. */
export class DiagramError extends CommandError {
    constructor(message: string) {
        super(message, 2);
    }
}
