import * as path from "node:path";
import type { PlannedResource } from "../../tools/plan/planner";
import { outputsAfterInputChange } from "../../tools/plan/providerOutputs";
import type { PackProcessOptions } from "../../tools/policy/packProcess";
import { DEFAULT_PACKS, PolicyRunner, type PolicyCheck, type Violation } from "../../tools/policy/runner";
import { closeAtEndOfRun } from "../runEnd";

export const POLICY_FIXTURES = path.join(__dirname, "..", "fixtures", "policy");
export const FIXTURE_PACKS = path.join(__dirname, "..", "fixtures", "policy-packs");

/** An S3 bucket made by hand, with no inputs, in a stack named "fixture": our packs find fault with it. */
export function handMadeBucket(name: string): PlannedResource {
    const urn = `urn:pulumi:fixture::crypto-beacon::aws:s3/bucket:Bucket::${name}`;
    return {
        urn,
        type: "aws:s3/bucket:Bucket",
        name,
        parent: null,
        provider: null,
        custom: true,
        inputs: {},
        analyzerInputs: {},
        protect: false,
        retainOnDelete: false,
        dependencies: [],
        propertyDependencies: {},
    };
}

/** The same resources as if planned for another stack: every URN renamed. */
export function restack(resources: readonly PlannedResource[], stack: string): PlannedResource[] {
    const rename = (urn: string) => urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${stack}::`);
    return resources.map((resource) => ({
        ...resource,
        urn: rename(resource.urn),
        parent: resource.parent && rename(resource.parent),
        provider: resource.provider && rename(resource.provider),
        dependencies: resource.dependencies.map(rename),
        propertyDependencies: Object.fromEntries(
            Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, urns.map(rename)]),
        ),
    }));
}

/**
 * A copy of the resources in which the one named `name` (of `type`) has its inputs changed by
 * `change`, which edits them in place: the policy sees exactly the inputs the program would pass.
 */
export function mutate(
    resources: readonly PlannedResource[],
    type: string,
    name: string,
    change: (inputs: Record<string, unknown>) => void,
): PlannedResource[] {
    let found = false;
    const mutated = resources.map((resource) => {
        if (resource.type !== type || resource.name !== name) {
            return resource;
        }
        found = true;
        const analyzerInputs = structuredClone(resource.analyzerInputs);
        change(analyzerInputs);
        return withInputs(resource, analyzerInputs);
    });
    if (!found) {
        throw new Error(`no ${type} named ${name} to mutate`);
    }
    return mutated;
}

/**
 * The AWS site as if it had one NAT gateway (`awsNatGatewayCount: 1`, which prod's config refuses):
 * the others gone, and every route table that sent its default route through one of them sending
 * it through the first, as the network component builds it.
 */
export function withOneNatGateway(resources: readonly PlannedResource[]): PlannedResource[] {
    const isNat = (resource: PlannedResource) => resource.type === "aws:ec2/natGateway:NatGateway";
    const first = resources.find((resource) => isNat(resource) && resource.name === "aws-site-0")!;
    const removed = new Set(resources.filter((resource) => isNat(resource) && resource !== first).map((resource) => resource.urn));
    const rerouted = (urns: readonly string[]) => [...new Set(urns.map((urn) => (removed.has(urn) ? first.urn : urn)))];
    return resources
        .filter((resource) => !removed.has(resource.urn))
        .map((resource) =>
            resource.type === "aws:ec2/routeTable:RouteTable"
                ? {
                      ...resource,
                      dependencies: rerouted(resource.dependencies),
                      propertyDependencies: {
                          ...resource.propertyDependencies,
                          routes: rerouted(resource.propertyDependencies.routes ?? []),
                      },
                  }
                : resource,
        );
}

/**
 * A planned resource given other inputs (and, in `other`, another type or other fields), with
 * the outputs its provider would answer for them: stack policies read the outputs.
 */
export function withInputs(
    resource: PlannedResource,
    analyzerInputs: Record<string, unknown>,
    other: Partial<Omit<PlannedResource, "analyzerInputs" | "analyzerOutputs" | "inputs">> = {},
): PlannedResource {
    const type = other.type ?? resource.type;
    const analyzerOutputs =
        resource.analyzerOutputs && outputsAfterInputChange(type, resource.analyzerOutputs, resource.analyzerInputs, analyzerInputs);
    return { ...resource, ...other, analyzerInputs, inputs: analyzerInputs, ...(analyzerOutputs ? { analyzerOutputs } : {}) };
}

export function violationsOf(check: PolicyCheck, policy: string): Violation[] {
    return check.violations.filter((violation) => violation.policy === policy);
}

/** The distinct policies with findings, exempted ones included. */
export function firingPolicies(check: PolicyCheck): string[] {
    return [...new Set(check.violations.map((violation) => violation.policy))].sort();
}

const sharedRunners = new Map<string, Promise<PolicyRunner>>();

/**
 * Policy packs started once per test run and shared by every test file that asks for the same
 * packs with the same environment: a pack process is slow to start, and a started pack checks any
 * number of stacks (each check configures it afresh). Never close it: the run closes it at its end
 * (tests/runEnd.ts). A test of starting or stopping packs starts its own.
 */
export function sharedPolicyRunner(packs: readonly string[] = DEFAULT_PACKS, options: PackProcessOptions = {}): Promise<PolicyRunner> {
    const key = JSON.stringify([packs, options]);
    let runner = sharedRunners.get(key);
    if (!runner) {
        runner = PolicyRunner.start(packs, options).then((started) => {
            closeAtEndOfRun(() => started.close());
            return started;
        });
        sharedRunners.set(key, runner);
    }
    return runner;
}
