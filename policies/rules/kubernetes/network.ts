import { arrayInput, objectInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";

/** Annotations that keep a LoadBalancer Service on the cloud's private network. */
const INTERNAL_LOAD_BALANCER: Readonly<Record<string, string>> = {
    // The in-tree AWS cloud provider (kubernetes/cloud-provider-aws) and the AWS Load Balancer Controller (kubernetes-sigs/aws-load-balancer-controller).
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    // kubernetes-sigs/cloud-provider-azure: consts.ServiceAnnotationLoadBalancerInternal.
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
};

const OPEN_RANGES = new Set(["0.0.0.0/0", "::/0"]);

export const k8sIngressTls = resourceRule({
    name: "k8s-ingress-tls",
    pack: "security",
    description: "Every host an Ingress serves is covered by a TLS entry, so nothing is served in clear text.",
    severity: "high",
    remediation: "Add spec.tls entries (hosts and secretName) that cover every host of the Ingress rules.",
    controls: { pciDss: ["4.2.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    types: ["kubernetes:networking.k8s.io/v1:Ingress"],
    check: ({ props }) => {
        const spec = objectInput(props.spec) ?? {};
        const tls = arrayInput(spec.tls);
        if (tls.length === 0) {
            return ["has no TLS"];
        }
        const covered = new Set(tls.flatMap((entry) => (Array.isArray(entry.hosts) ? entry.hosts.map(String) : [])));
        const clear = arrayInput(spec.rules)
            .map((rule) => String(rule.host ?? "*"))
            .filter((host) => !covered.has(host));
        return clear.length > 0 ? [`serves ${clear.join(", ")} without TLS`] : [];
    },
});

export const k8sLoadBalancerSourceRanges = resourceRule({
    name: "k8s-load-balancer-source-ranges",
    pack: "security",
    description: "A LoadBalancer Service is internal, or admits only listed networks: a bare one opens its ports to the internet.",
    severity: "high",
    remediation: "List the networks in spec.loadBalancerSourceRanges, or make the load balancer internal with the cloud's annotation.",
    controls: { pciDss: ["1.3.1", "1.4.2"], soc2: ["CC6.6"] },
    types: ["kubernetes:core/v1:Service"],
    check: ({ props }) => {
        const spec = objectInput(props.spec) ?? {};
        if (spec.type !== "LoadBalancer") {
            return [];
        }
        const annotations = objectInput(objectInput(props.metadata)?.annotations) ?? {};
        if (Object.entries(INTERNAL_LOAD_BALANCER).some(([key, value]) => annotations[key] === value)) {
            return [];
        }
        const ranges = Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges.map(String) : [];
        if (ranges.length === 0) {
            return ["an internet-facing load balancer with no loadBalancerSourceRanges"];
        }
        return ranges.some((range) => OPEN_RANGES.has(range))
            ? [`loadBalancerSourceRanges admits the internet (${ranges.join(", ")})`]
            : [];
    },
});

export const k8sNoLiteralSecretManifest = resourceRule({
    name: "k8s-no-literal-secret-manifest",
    pack: "security",
    description:
        "No Secret is written with its data in the program: the values would sit in the code and the state; secrets come from the cloud's secret store.",
    severity: "critical",
    remediation: "Deliver the secret through the Secrets Store CSI driver (SecretProviderClass) from Secrets Manager or Key Vault.",
    controls: { pciDss: ["3.5.1", "8.3.1"], soc2: ["CC6.1"], gdpr: ["32"] },
    types: ["kubernetes:core/v1:Secret"],
    check: ({ props }) => {
        const keys = [...Object.keys(objectInput(props.data) ?? {}), ...Object.keys(objectInput(props.stringData) ?? {})];
        return keys.length > 0 ? [`holds ${keys.join(", ")} as literal data`] : [];
    },
});
