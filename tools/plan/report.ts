import { stringify } from "yaml";
import { readEdgeOutputs } from "../../model/contracts";
import { PLAIN, shortTypeName, type Paint } from "../cli";
import type { PlannedResource, StackPlan } from "./planner";

/**
 * The JSON form of a plan that `--json` writes: the stack, and under `stacks` each stack it read
 * through StackReference (planned first, referenced ones before those that read them), each in
 * the same form without a `stacks` of its own.
 */
export function planJson(plan: StackPlan) {
    return { ...stackJson(plan), stacks: referencedStacksOf(plan).map(stackJson) };
}

function stackJson(plan: StackPlan) {
    return {
        project: plan.project,
        stack: plan.stack,
        stackFile: plan.stackFile,
        resources: plan.resources.map((resource) => ({
            urn: resource.urn,
            type: resource.type,
            name: resource.name,
            parent: resource.parent,
            provider: resource.provider,
            inputs: resource.inputs,
            options: {
                protect: resource.protect,
                retainOnDelete: resource.retainOnDelete,
                dependsOn: resource.dependencies,
                ignoreChanges: resource.ignoreChanges ?? [],
                // Only when the program set it, as the engine records it.
                ...(resource.deleteBeforeReplace !== undefined && { deleteBeforeReplace: resource.deleteBeforeReplace }),
                additionalSecretOutputs: resource.additionalSecretOutputs ?? [],
            },
        })),
        outputs: plan.outputs,
    };
}

/** Every stack a plan read, directly or through another, each once, referenced ones first. */
function referencedStacksOf(plan: StackPlan): StackPlan[] {
    const seen = new Map<string, StackPlan>();
    const visit = (referencing: StackPlan) => {
        for (const referenced of referencing.referencedStacks) {
            visit(referenced);
            seen.set(referenced.stack, referenced);
        }
    };
    visit(plan);
    return [...seen.values()];
}

/** What `pulumi preview` shows: the resource tree, counts by provider and type (short type names, as it shows them), and the outputs. */
export function renderPlan(plan: StackPlan, paint: Paint = PLAIN): string {
    const lines: string[] = [];
    for (const referenced of plan.referencedStacks) {
        lines.push(
            `Planned ${referenced.stack} first (${referenced.stackFile}, ${referenced.resources.length} resources): its outputs feed this stack's StackReferences.`,
        );
    }
    if (plan.referencedStacks.length > 0) {
        lines.push("");
    }
    lines.push(`Previewing stack ${plan.stack} (${plan.stackFile}) offline, under the Pulumi runtime's mocks`, "");
    lines.push(...renderTree(plan.resources, paint), "");
    lines.push(...renderCounts(plan.resources), "");
    lines.push(...renderFailover(plan));
    lines.push(
        "Outputs:",
        ...stringify(plan.outputs, { lineWidth: 0 })
            .trimEnd()
            .split("\n")
            .map((line) => `    ${line}`),
    );
    return lines.join("\n");
}

/** The edge's failover summary: pool order, traffic split and worst-case detection time. */
function renderFailover(plan: StackPlan): string[] {
    const edge = readEdgeOutputs(plan.stack, plan.outputs);
    if (!edge) {
        return [];
    }
    const split = edge.failoverOrder.map((site) => `${site} ${Math.round(edge.trafficWeights[site] * 100)}%`).join(", ");
    return [
        `Failover: ${edge.failoverOrder.join(" first, then ")} (traffic while both are healthy: ${split})`,
        `Failover detection: worst case ${edge.failover.detectionSec} s (limit for this environment: ${edge.failover.detectionLimitSec} s)`,
        "",
    ];
}

function renderTree(resources: readonly PlannedResource[], paint: Paint): string[] {
    const children = new Map<string | null, PlannedResource[]>();
    for (const resource of resources) {
        const siblings = children.get(resource.parent) ?? [];
        siblings.push(resource);
        children.set(resource.parent, siblings);
    }
    const typeWidth = Math.max(...resources.map((resource) => shortTypeName(resource.type).length)) + 12;
    const lines = [`    ${"Type".padEnd(typeWidth)}Name`];
    const walk = (parent: string | null, indent: string) => {
        // Registration completes in no fixed order; sort so that plans of one program read the same.
        const siblings = [...(children.get(parent) ?? [])].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
        siblings.forEach((resource, index) => {
            const last = index === siblings.length - 1;
            const branch = parent === null ? "" : last ? "└─ " : "├─ ";
            const label = `${indent}${branch}${shortTypeName(resource.type)}`;
            const flags = [resource.protect ? "protected" : "", resource.type === "pulumi:pulumi:StackReference" ? "read" : ""].filter(
                Boolean,
            );
            // The engine's colour for a create (pulumi/pulumi `pkg/resource/deploy/step.go`).
            lines.push(
                ` ${paint("green", "+")}  ${label.padEnd(typeWidth)}${resource.name}${flags.length ? `  [${flags.join(", ")}]` : ""}`,
            );
            walk(resource.urn, parent === null ? "" : `${indent}${last ? "   " : "│  "}`);
        });
    };
    walk(null, "");
    return lines;
}

function renderCounts(resources: readonly PlannedResource[]): string[] {
    const byProvider = new Map<string, Map<string, number>>();
    for (const resource of resources) {
        const provider = providerPackage(resource.type);
        const types = byProvider.get(provider) ?? new Map<string, number>();
        const type = shortTypeName(resource.type);
        types.set(type, (types.get(type) ?? 0) + 1);
        byProvider.set(provider, types);
    }
    const custom = resources.filter((resource) => resource.custom).length;
    const lines = [`Resources: ${resources.length} to create (${custom} cloud resources, ${resources.length - custom} components)`];
    for (const [provider, types] of [...byProvider].sort(([a], [b]) => a.localeCompare(b))) {
        const total = [...types.values()].reduce((sum, count) => sum + count, 0);
        lines.push(`    ${provider}: ${total}`);
        for (const [type, count] of [...types].sort(([a], [b]) => a.localeCompare(b))) {
            lines.push(`        ${String(count).padStart(3)}  ${type}`);
        }
    }
    return lines;
}

/** The package a type belongs to: `aws` for `aws:ec2/vpc:Vpc` and for `pulumi:providers:aws`. */
export function providerPackage(type: string): string {
    return type.startsWith("pulumi:providers:") ? type.slice("pulumi:providers:".length) : type.split(":")[0];
}
