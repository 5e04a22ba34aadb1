import * as ipaddr from "ipaddr.js";
import { UnknownValueError, type PolicyResource } from "@pulumi/policy";
import type { Site } from "../../../model/intent";

/** A planned resource as the intent checks read it: what CrossGuard hands a stack policy, flattened. */
export interface IntentResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    /** For each input, the URNs of the resources its value came from. */
    readonly deps: Readonly<Record<string, readonly string[]>>;
    /** The URN of the provider that manages it, when it has one. */
    readonly provider?: string;
}

/**
 * The stack policy's resources, flattened. Values a preview cannot know yet are left out (see
 * `known`); `unknowns`, when given, collects where each was, so that a rule can defer a verdict
 * that may rest on one.
 */
export function fromPolicyResources(resources: readonly PolicyResource[], unknowns: UnknownRead[] = []): IntentResource[] {
    return resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: known(resource.props, (error) =>
            unknowns.push({ urn: resource.urn, type: resource.type, name: resource.name, error }),
        ) as Record<string, unknown>,
        deps: Object.fromEntries(
            Object.entries(resource.propertyDependencies ?? {}).map(([key, list]) => [key, list.map((dependency) => dependency.urn)]),
        ),
        ...(resource.provider ? { provider: resource.provider.urn } : {}),
    }));
}

/** `@pulumi/policy`'s error for reading an unknown value, typed: it marks the class @internal, so its declaration is stripped. */
export type PreviewUnknownError = Error & { readonly unknownTypeSentinel: unknown; readonly props: readonly string[] };
export const PreviewUnknownError = UnknownValueError as new (unknownTypeSentinel: unknown, props: readonly string[]) => PreviewUnknownError;

/** A value the intent checks could not read because the preview cannot know it yet. */
export interface UnknownRead {
    /** The resource that holds it. */
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly error: PreviewUnknownError;
}

/** What the checks over one view were handed: every resource of these types, these resources, or all. */
interface ReadLog {
    readonly types: Set<string>;
    readonly urns: Set<string>;
    all: boolean;
}

/**
 * A plain copy of the properties without the values a preview cannot know yet: CrossGuard hands
 * them over behind a proxy that throws `UnknownValueError` when one is read, and the intent checks
 * walk whole properties. An unknown value reads as absent, which makes a check fail rather than
 * pass; `unknown` hears of each.
 */
function known(value: unknown, unknown: (error: PreviewUnknownError) => void): unknown {
    const read = (get: () => unknown): { value: unknown } | undefined => {
        try {
            return { value: known(get(), unknown) };
        } catch (error) {
            if (!(error instanceof PreviewUnknownError)) {
                throw error;
            }
            unknown(error);
            return undefined;
        }
    };
    if (Array.isArray(value)) {
        // Each element is read on its own: iterating the proxied array would throw at the first unknown.
        const copy: unknown[] = [];
        for (let index = 0; index < value.length; index++) {
            const element = read(() => value[index]);
            if (element) {
                copy.push(element.value);
            }
        }
        return copy;
    }
    if (value && typeof value === "object") {
        const copy: Record<string, unknown> = {};
        for (const key of Object.keys(value)) {
            const property = read(() => (value as Record<string, unknown>)[key]);
            if (property) {
                copy[key] = property.value;
            }
        }
        return copy;
    }
    return value;
}

// Cloud ids and ARNs as the providers print them; anything else in an input is not a reference.
const REFERENCE = /^(sg|subnet|vpc|rtb|vpce|lt|igw|nat|eni)-[0-9a-f]+$|^arn:aws[\w-]*:|^\/subscriptions\//i;

/** What the deploy runner's resources (its machines, role, identity) are named for. */
export const DEPLOY_RUNNER = /deploy-?runner/i;
/** The resource types that are a runner's machines, per site. */
const RUNNER_MACHINES: Readonly<Record<Site, RegExp>> = {
    aws: /^aws:(ec2\/instance|ec2\/launchTemplate|autoscaling\/group):/,
    azure: /^azure-native:compute:/,
};

/**
 * The plan of one stack, indexed for the intent checks. It maps the cloud ids and ARNs that
 * appear in inputs back to the resources they came from, through the engine's property
 * dependencies: offline and at preview the ids are stand-ins, but where they came from is real.
 */
export class PlanView {
    private readonly byUrn = new Map<string, IntentResource>();
    private readonly byType = new Map<string, IntentResource[]>();
    private readonly owners = new Map<string, string>();

    /**
     * `reads` records which resources the checks were handed (every accessor logs what it returns),
     * so that a verdict defers only for a value a preview cannot know in a resource they read
     * (`wasRead`). A view made from this one (`forSite`) logs into the same record.
     */
    constructor(
        private readonly resources: readonly IntentResource[],
        private readonly reads: ReadLog = { types: new Set(), urns: new Set(), all: false },
    ) {
        for (const resource of resources) {
            this.byUrn.set(resource.urn, resource);
            this.byType.set(resource.type, [...(this.byType.get(resource.type) ?? []), resource]);
        }
        for (const resource of resources) {
            for (const [property, urns] of Object.entries(resource.deps)) {
                const references = [...new Set(stringsIn(resource.props[property]).filter((value) => REFERENCE.test(value)))];
                const sources = [...new Set(urns)];
                if (references.length > 0 && references.length === sources.length) {
                    references.forEach((reference, index) => {
                        if (!this.owners.has(reference)) {
                            this.owners.set(reference, sources[index]);
                        }
                    });
                }
            }
        }
    }

    ofType(...types: string[]): IntentResource[] {
        types.forEach((type) => this.reads.types.add(type));
        return types.flatMap((type) => this.byType.get(type) ?? []);
    }

    get(urn: string): IntentResource | undefined {
        return this.logged(this.byUrn.get(urn));
    }

    /** The resources an input of `resource` was computed from. */
    dependencies(resource: IntentResource, property: string): IntentResource[] {
        return (resource.deps[property] ?? []).flatMap((urn) => this.logged(this.byUrn.get(urn)) ?? []);
    }

    /** The resource a cloud id or ARN came from, when the plan shows it. */
    owner(reference: string): IntentResource | undefined {
        const urn = this.owners.get(reference);
        return urn ? this.logged(this.byUrn.get(urn)) : undefined;
    }

    /**
     * The resources whose name, type, provider or dependencies match, in plan order; each is read.
     * A predicate must not read properties: it would read them of every resource (`firstFound` is
     * for a search through properties).
     */
    where(matches: (resource: IntentResource) => boolean): IntentResource[] {
        return this.resources.filter(matches).map((resource) => this.logged(resource)!);
    }

    /**
     * The first value `find` reads from a resource's properties, in plan order: that resource is
     * read; when none yields one, every resource was, since any of them could hold it unknown.
     */
    firstFound<T>(find: (resource: IntentResource) => T | undefined): T | undefined {
        for (const resource of this.resources) {
            const found = find(resource);
            if (found !== undefined) {
                this.logged(resource);
                return found;
            }
        }
        this.reads.all = true;
        return undefined;
    }

    /**
     * A site's deploy-runner machines: its compute resources named for the runner. Not their
     * network: the sites' networks keep a runner subnet whether or not the stack runs runners.
     */
    runnerMachines(site: Site): IntentResource[] {
        return this.where((resource) => DEPLOY_RUNNER.test(resource.name) && RUNNER_MACHINES[site].test(resource.type));
    }

    /** Whether the checks were handed the resource: through its type, or one by one. */
    wasRead(resource: { readonly urn: string; readonly type: string }): boolean {
        return this.reads.all || this.reads.types.has(resource.type) || this.reads.urns.has(resource.urn);
    }

    private logged(resource: IntentResource | undefined): IntentResource | undefined {
        if (resource) {
            this.reads.urns.add(resource.urn);
        }
        return resource;
    }

    /**
     * The same plan with only the Kubernetes resources of one site's cluster: an all-in-one stack
     * runs the same workloads on both, told apart by the provider whose kubeconfig names the cluster.
     */
    forSite(clusterType: string): PlanView {
        const clusterOf = (resource: IntentResource) => {
            const provider = resource.provider ? this.byUrn.get(resource.provider.split("::").slice(0, 4).join("::")) : undefined;
            return provider ? this.dependencies(provider, "kubeconfig").map((dependency) => dependency.type) : [];
        };
        return new PlanView(
            this.resources.filter(
                (resource) => !resource.type.startsWith("kubernetes:") || !resource.provider || clusterOf(resource).includes(clusterType),
            ),
            this.reads,
        );
    }

    /**
     * The physical name of a bucket: auto-named buckets carry none in their own inputs, so it is
     * read from a resource that names the bucket by its `bucket` input.
     */
    bucketName(bucket: IntentResource): string {
        const own = bucket.props.bucket;
        if (typeof own === "string") {
            return own;
        }
        const referring = this.where((resource) => (resource.deps.bucket ?? []).includes(bucket.urn)).find(
            (resource) => typeof resource.props.bucket === "string",
        );
        return referring ? String(referring.props.bucket) : bucket.name;
    }

    /** True when the resource sits (at any depth) under a component of this type. */
    static under(resource: IntentResource, componentType: string): boolean {
        return resource.urn.split("::")[2]?.split("$").slice(0, -1).includes(componentType) ?? false;
    }
}

/** Every string inside a value, depth first, in order. */
export function stringsIn(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(stringsIn);
    }
    if (value && typeof value === "object") {
        return Object.values(value).flatMap(stringsIn);
    }
    return [];
}

export function list<T = Record<string, unknown>>(value: unknown): T[] {
    if (value === undefined || value === null) {
        return [];
    }
    return (Array.isArray(value) ? value : [value]) as T[];
}

export function object(value: unknown): Record<string, unknown> {
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * An Azure resource's ARM name as a stack policy sees it: its `name` output (its own name input,
 * `subnetName` or `secretName`, is a path parameter, which azure-native does not answer among its
 * outputs). Until the preview knows it, the Pulumi name stands in, which our components give the
 * child resources they name.
 */
export function azureName(resource: IntentResource): string {
    return String(resource.props.name ?? resource.name);
}

/** An IAM-style policy document (inputs carry them as JSON text), its statements. */
export function statements(document: unknown): Record<string, unknown>[] {
    let parsed = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return [];
        }
    }
    return list(object(parsed).Statement);
}

/** IAM's wildcard match: `*` any run of characters, `?` one; case-insensitive for actions. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
    const source = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${source}$`, caseInsensitive ? "i" : "").test(value);
}

/** True when `inner` (an address or a CIDR) lies wholly inside `outer`; IPv4 and IPv6 alike. */
export function cidrContains(outer: string, inner: string): boolean {
    try {
        const [outerAddress, outerBits] = parseCidr(outer);
        const [innerAddress, innerBits] = parseCidr(inner);
        return outerAddress.kind() === innerAddress.kind() && innerBits >= outerBits && innerAddress.match(outerAddress, outerBits);
    } catch {
        return false;
    }
}

function parseCidr(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
    if (text.includes("/")) {
        return ipaddr.parseCIDR(text);
    }
    const address = ipaddr.parse(text);
    return [address, address.kind() === "ipv4" ? 32 : 128];
}

export function portsCover(outer: { from: number; to: number }, inner: { from: number; to: number }): boolean {
    return outer.from <= inner.from && inner.to <= outer.to;
}

/** `80`, `65200-65535`, `*` as NSGs and NetworkPolicies write ports. */
export function parsePortRange(text: unknown): { from: number; to: number } | undefined {
    if (text === undefined || text === null || text === "*") {
        return { from: 0, to: 65535 };
    }
    const match = /^(\d+)(?:-(\d+))?$/.exec(String(text));
    return match ? { from: Number(match[1]), to: Number(match[2] ?? match[1]) } : undefined;
}

/** True for an address or CIDR, false for a service tag such as `VirtualNetwork`. */
export function isAddress(text: string): boolean {
    try {
        parseCidr(text);
        return true;
    } catch {
        return false;
    }
}
