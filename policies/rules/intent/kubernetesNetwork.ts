import type { PortRange, Protocol } from "../../../model/intent";
import { cidrContains, list, object, parsePortRange, portsCover, type PlanView } from "./plan";

/** A pod as NetworkPolicies select it, with the addresses it may use; or an address outside the cluster. */
export type Peer =
    | {
          readonly kind: "pod";
          readonly name: string;
          readonly namespace: string;
          readonly labels: Readonly<Record<string, string>>;
          readonly cidrs: readonly string[];
      }
    | { readonly kind: "address"; readonly name: string; readonly cidrs: readonly string[] };

interface NetworkPolicy {
    readonly name: string;
    readonly namespace: string;
    readonly podSelector: Record<string, unknown>;
    readonly types: readonly string[];
    readonly ingress: readonly Record<string, unknown>[];
    readonly egress: readonly Record<string, unknown>[];
}

export function networkPolicies(view: PlanView): NetworkPolicy[] {
    return view.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((resource) => {
        const metadata = object(resource.props.metadata);
        const spec = object(resource.props.spec);
        const ingress = list(spec.ingress);
        const egress = list(spec.egress);
        // The API server defaults policyTypes from the rules present (networking/v1 NetworkPolicySpec).
        const types =
            list<string>(spec.policyTypes).length > 0
                ? list<string>(spec.policyTypes)
                : ["Ingress", ...(egress.length > 0 ? ["Egress"] : [])];
        return {
            name: `${metadata.namespace}/${metadata.name}`,
            namespace: String(metadata.namespace ?? "default"),
            podSelector: object(spec.podSelector),
            types,
            ingress,
            egress,
        };
    });
}

/** Label selector semantics of `metav1.LabelSelector`: matchLabels and matchExpressions, ANDed; `{}` selects all. */
export function selects(selector: Record<string, unknown>, labels: Readonly<Record<string, string>>): boolean {
    const matchLabels = object(selector.matchLabels);
    if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) {
        return false;
    }
    return list(selector.matchExpressions).every((expression) => {
        const key = String(expression.key);
        const values = list<string>(expression.values);
        switch (expression.operator) {
            case "In":
                return key in labels && values.includes(labels[key]);
            case "NotIn":
                return !(key in labels) || !values.includes(labels[key]);
            case "Exists":
                return key in labels;
            case "DoesNotExist":
                return !(key in labels);
            default:
                return false;
        }
    });
}

function peerMatches(rulePeer: Record<string, unknown>, peer: Peer, policyNamespace: string): boolean {
    if (rulePeer.ipBlock) {
        const block = object(rulePeer.ipBlock);
        const except = list<string>(block.except);
        return (
            peer.cidrs.length > 0 &&
            peer.cidrs.every((cidr) => cidrContains(String(block.cidr), cidr) && !except.some((excluded) => cidrContains(excluded, cidr)))
        );
    }
    if (peer.kind !== "pod") {
        return false;
    }
    const namespaceLabels = { "kubernetes.io/metadata.name": peer.namespace };
    const namespaceOk = rulePeer.namespaceSelector
        ? selects(object(rulePeer.namespaceSelector), namespaceLabels)
        : peer.namespace === policyNamespace;
    const podOk = rulePeer.podSelector ? selects(object(rulePeer.podSelector), peer.labels) : true;
    return namespaceOk && podOk;
}

function portMatches(rulePorts: readonly Record<string, unknown>[], ports: PortRange, protocol: Protocol): boolean {
    if (rulePorts.length === 0) {
        return true;
    }
    return rulePorts.some((rulePort) => {
        const ruleProtocol = String(rulePort.protocol ?? "TCP").toLowerCase();
        if (ruleProtocol !== protocol) {
            return false;
        }
        if (rulePort.port === undefined) {
            return true;
        }
        const range = parsePortRange(rulePort.endPort === undefined ? rulePort.port : `${rulePort.port}-${rulePort.endPort}`);
        return range !== undefined && portsCover(range, ports);
    });
}

/**
 * Whether NetworkPolicies let `from` reach `to`: a pod is isolated in a direction once any policy
 * of that type selects it, and then some rule of those policies must admit the peer and port
 * (the union of all policies, as the API defines it). Ports are the destination pod's.
 */
export function networkPoliciesAllow(
    policies: readonly NetworkPolicy[],
    from: Peer,
    to: Peer,
    ports: PortRange,
    protocol: Protocol,
): { by: string[]; problems: string[] } {
    const by: string[] = [];
    const problems: string[] = [];
    const side = (direction: "Egress" | "Ingress", subject: Peer, peer: Peer) => {
        if (subject.kind !== "pod") {
            return;
        }
        const isolating = policies.filter(
            (policy) =>
                policy.namespace === subject.namespace && policy.types.includes(direction) && selects(policy.podSelector, subject.labels),
        );
        if (isolating.length === 0) {
            by.push(`no ${direction.toLowerCase()} NetworkPolicy selects ${subject.name}`);
            return;
        }
        const admitting = isolating.find((policy) =>
            (direction === "Egress" ? policy.egress : policy.ingress).some((rule) => {
                const peers = list(direction === "Egress" ? rule.to : rule.from);
                // Addresses spread over several ipBlocks of one rule pass when each falls in one of them.
                const admitsPeer =
                    peers.length === 0 ||
                    peers.some((rulePeer) => peerMatches(rulePeer, peer, policy.namespace)) ||
                    (peer.cidrs.length > 1 &&
                        peer.cidrs.every((cidr) =>
                            peers.some((rulePeer) => peerMatches(rulePeer, { ...peer, cidrs: [cidr] }, policy.namespace)),
                        ));
                return portMatches(list(rule.ports), ports, protocol) && admitsPeer;
            }),
        );
        if (admitting) {
            by.push(`NetworkPolicy ${admitting.name}`);
        } else {
            problems.push(
                `no NetworkPolicy in ${subject.namespace} lets ${subject.name} ${direction === "Egress" ? "send to" : "receive from"} ${peer.name} on ${protocol} ${ports.from === ports.to ? ports.from : `${ports.from}-${ports.to}`}`,
            );
        }
    };
    side("Egress", from, to);
    side("Ingress", to, from);
    return { by, problems };
}

/** The service pods of the plan: one peer per service, labelled as its Deployments label their pods. */
export function servicePods(view: PlanView, namespace: string, cidrs: readonly string[]): Map<string, Peer> {
    const pods = new Map<string, Peer>();
    for (const deployment of view.ofType("kubernetes:apps/v1:Deployment")) {
        const metadata = object(deployment.props.metadata);
        if (metadata.namespace !== namespace) {
            continue;
        }
        const labels = object(object(object(object(deployment.props.spec).template).metadata).labels) as Record<string, string>;
        const service = labels["app.kubernetes.io/name"];
        if (service && !pods.has(service)) {
            pods.set(service, { kind: "pod", name: `${service} pods`, namespace, labels, cidrs });
        }
    }
    return pods;
}
