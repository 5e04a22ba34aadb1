import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { pinnedRelease } from "./pinnedRelease";
import type * as k8s from "@pulumi/kubernetes/types/input";
import { COLOURS, colourStates, type BlueGreenRelease } from "./blueGreen";
import { blueGreenQuota } from "./capacity";
import { HardenedNamespace } from "./hardenedNamespace";
import { HubService, SERVICE_PORT, type HubServiceSpec, type ServiceCloudBinding } from "./hubService";
import { GATEWAY_NAMESPACE, PORTS, SERVICES_NAMESPACE } from "../../model/intent";
import { type Site } from "../../model/stacks";

/** The namespaces of the hub: its services, and the gateway that fronts them. */
export const HUB_NAMESPACE = SERVICES_NAMESPACE;
export { GATEWAY_NAMESPACE };
/** The port the in-cluster gateway listens on; the site's load balancer forwards to it. */
export const GATEWAY_PORT = PORTS.workload;
/**
 * Envoy Gateway implements the Gateway API in both clusters, so blue/green weights are plain
 * HTTPRoute backend weights, the same on EKS and AKS. Pinned; bump deliberately.
 */
export const ENVOY_GATEWAY_CHART = { chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.7.4" } as const;
/**
 * The Gateway API CRDs come with the Envoy Gateway chart and move only with it. Helm installs a
 * chart's crds/ folder on first install and never upgrades it, so the chart's CRDs are skipped
 * and applied as their own manifest from the same release (gateway-crds-helm renders the
 * Gateway API and Envoy Gateway CRDs, the upgrade path Envoy Gateway documents).
 */
export const GATEWAY_CRDS_CHART = { chart: "oci://docker.io/envoyproxy/gateway-crds-helm", version: ENVOY_GATEWAY_CHART.version } as const;

/** What the Envoy Gateway controller and each proxy request: explicit, so that capacity sums hold. */
export const ENVOY_GATEWAY_CONTROLLER_REQUESTS = { cpu: "100m", memory: "256Mi" } as const;

/** The gateway listener that accepts any Host, for the load balancer's health check only. */
export const HEALTH_LISTENER = "health";

/** How the in-cluster gateway is exposed to the site's load balancer. */
export interface GatewayExposure {
    /** NodePort behind the AWS load balancer's target group; LoadBalancer (internal) behind the Application Gateway. */
    readonly type: "NodePort" | "LoadBalancer";
    /**
     * Annotations of the gateway's Service, e.g. the cloud's internal load balancer settings.
     * @default - none
     */
    readonly annotations?: Readonly<Record<string, string>>;
    /**
     * LoadBalancer only: the private address it must take (the Application Gateway's backend).
     * @default - none: the cloud picks the address
     */
    readonly loadBalancerIp?: string;
    /**
     * NodePort only: the fixed node port (30000-32767) the load balancer's target group forwards to; required with
     * NodePort.
     * @default - none: Kubernetes picks one (LoadBalancer only)
     */
    readonly nodePort?: number;
}

/** The site's networks, for the namespaces' NetworkPolicies. */
export interface WorkloadNetworks {
    /** Where the site's load balancer sends from: only these reach the gateway. */
    readonly loadBalancerCidrs: readonly string[];
    /** The site's private address space: data-store endpoints, cloud API endpoints, the API server. */
    readonly privateCidr: string;
    /** Ports of the private data stores the services use (cache, database endpoint range). */
    readonly dataPorts: readonly {
        /** TCP port, or the first of a range. */
        readonly port: number;
        /**
         * Last TCP port of the range, inclusive.
         * @default - none: the single port `port`
         */
        readonly endPort?: number;
    }[];
    /**
     * The ClusterIP of the `kubernetes` Service, which the gateway's controller calls. A network
     * policy engine may judge that traffic by the Service address rather than the endpoints'.
     * @default none - only the API server's endpoint addresses in privateCidr
     */
    readonly apiServerServiceCidr?: string;
    /**
     * Object storage reached privately, by the services that read it: on AWS, the S3 gateway
     * endpoint's public address ranges, through which the web tier reads the assets bucket.
     * @default none
     */
    readonly objectStore?: {
        /** The address ranges object storage is reached at, e.g. the S3 prefix list's CIDRs. */
        readonly cidrs: pulumi.Input<string[]>;
        /** The services, by name, allowed to reach them over HTTPS. */
        readonly services: readonly string[];
    };
    /**
     * Whether the services may reach public HTTPS. Azure needs it: workload identity exchanges its
     * token with Entra ID, which has no private endpoint. AWS reaches STS through the VPC.
     */
    readonly publicHttpsEgress: boolean;
}

export interface HubWorkloadsArgs {
    /** The site these workloads run on: named in the site header and the pods' BEACON_SITE. */
    readonly site: Site;
    /** The hostname the load balancers and Cloudflare send as Host. */
    readonly hostname: string;
    /** The response header that names the serving site; the DR drill reads it. */
    readonly siteHeader: string;
    /** The hub's services by name (e.g. "api", "web"): resources, replicas and routed paths of each. */
    readonly services: Readonly<Record<string, HubServiceSpec>>;
    /** The site's cloud binding (identity, secrets, image repository) of a service, by service name. */
    readonly binding: (service: string) => ServiceCloudBinding;
    /** The blue/green release: which colour is live, the candidate's weight and each colour's tag. */
    readonly release: BlueGreenRelease;
    /** An active site runs the services' full replica ranges; a standby site runs them small (see HubServiceArgs.capacity). */
    readonly capacity: "active" | "standby";
    /** How the site's load balancer reaches the gateway. */
    readonly exposure: GatewayExposure;
    /** The site's networks, from which the namespaces' NetworkPolicies are written. */
    readonly networks: WorkloadNetworks;
    /**
     * A route that answers the load balancer's health check whatever Host it sends: ALB health
     * checks carry the target's address as Host, never the site's hostname.
     * @default none - only requests for `hostname` are routed
     */
    readonly healthCheck?: {
        /** The path answered, starting with /, e.g. "/healthz". */
        readonly path: string;
        /** The service, by name, that answers it. */
        readonly service: string;
    };
    /**
     * Replicas and per-proxy requests of the gateway.
     * @default by capacity - active: 2 controllers and 3 proxies of 250m/256Mi; standby: 1 and 1
     */
    readonly gateway?: {
        /** Replicas (count) of the Envoy Gateway controller. */
        readonly controllerReplicas: number;
        /** Replicas (count) of the Envoy proxy that carries the traffic. */
        readonly proxyReplicas: number;
        /** What each proxy replica requests. */
        readonly proxyRequests: {
            /** CPU, as a Kubernetes quantity: "250m" is a quarter core. */
            readonly cpu: string;
            /** Memory, as a Kubernetes quantity, e.g. "256Mi". */
            readonly memory: string;
        };
    };
}

/**
 * The trading hub's workloads on one cluster, identical on both sites apart from the cloud
 * binding: hardened namespaces, Envoy Gateway with one Gateway, a blue and a green version of
 * every service, and weighted HTTPRoutes that add the header naming the serving site.
 */
export class HubWorkloads extends pulumi.ComponentResource {
    /** The weights each routed service's colours get, for outputs and tests. */
    public readonly routeWeights: Readonly<Record<string, Readonly<Record<string, number>>>>;

    constructor(name: string, args: HubWorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
        if (
            args.exposure.type === "NodePort" &&
            !(args.exposure.nodePort && args.exposure.nodePort >= 30000 && args.exposure.nodePort <= 32767)
        ) {
            throw new Error(`HubWorkloads ${name}: exposure.nodePort ${args.exposure.nodePort} must be in the node-port range 30000-32767`);
        }
        if (args.healthCheck && !(args.healthCheck.service in args.services && args.healthCheck.path.startsWith("/"))) {
            throw new Error(
                `HubWorkloads ${name}: healthCheck needs a path starting with / and a service from ${Object.keys(args.services).join(", ")}; got ${JSON.stringify(args.healthCheck)}`,
            );
        }
        if (args.networks.objectStore?.services.some((service) => !(service in args.services))) {
            throw new Error(
                `HubWorkloads ${name}: networks.objectStore.services ${JSON.stringify(args.networks.objectStore.services)} must be services from ${Object.keys(args.services).join(", ")}`,
            );
        }
        super("beacon:kubernetes:HubWorkloads", name, {}, opts);
        const parent = { parent: this };
        const colours = colourStates(args.release);
        const serviceNames = Object.keys(args.services);
        const routed = serviceNames.filter((service) => args.services[service].paths.length > 0);
        const appPort = [{ protocol: "TCP", port: SERVICE_PORT }];
        const namespaceSelector = (namespace: string) => ({
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
        });
        const appSelector = (services: readonly string[]) => ({
            podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [...services] }] },
        });

        const gatewayNamespace = new HardenedNamespace(
            `${name}-${GATEWAY_NAMESPACE}`,
            {
                namespace: GATEWAY_NAMESPACE,
                quota: { requestsCpu: "4", requestsMemory: "8Gi", limitsCpu: "16", limitsMemory: "16Gi", pods: 40 },
                allow: [
                    // The controller and its proxies talk xDS inside the namespace.
                    {
                        name: "allow-within-namespace",
                        spec: {
                            podSelector: {},
                            policyTypes: ["Ingress", "Egress"],
                            ingress: [{ from: [{ podSelector: {} }] }],
                            egress: [{ to: [{ podSelector: {} }] }],
                        },
                    },
                    {
                        name: "allow-from-load-balancer",
                        spec: {
                            podSelector: {},
                            policyTypes: ["Ingress"],
                            ingress: [
                                {
                                    from: args.networks.loadBalancerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
                                    ports: [{ protocol: "TCP", port: GATEWAY_PORT }],
                                },
                            ],
                        },
                    },
                    {
                        name: "allow-to-services",
                        spec: {
                            podSelector: {},
                            policyTypes: ["Egress"],
                            egress: [{ to: [{ ...namespaceSelector(HUB_NAMESPACE), ...appSelector(routed) }], ports: appPort }],
                        },
                    },
                    // The controller watches the API server: its endpoints live in the private network, and
                    // it is called by its Service's ClusterIP.
                    {
                        name: "allow-to-api-server",
                        spec: {
                            podSelector: {},
                            policyTypes: ["Egress"],
                            egress: [
                                {
                                    to: [
                                        args.networks.privateCidr,
                                        ...(args.networks.apiServerServiceCidr ? [args.networks.apiServerServiceCidr] : []),
                                    ].map((cidr) => ({ ipBlock: { cidr } })),
                                    ports: [{ protocol: "TCP", port: PORTS.https }],
                                },
                            ],
                        },
                    },
                ],
            },
            parent,
        );

        const serviceEgress: k8s.networking.v1.NetworkPolicyEgressRule[] = [
            {
                to: [{ ipBlock: { cidr: args.networks.privateCidr } }],
                ports: [...args.networks.dataPorts.map((port) => ({ protocol: "TCP", ...port })), { protocol: "TCP", port: PORTS.https }],
            },
        ];
        if (args.networks.publicHttpsEgress) {
            serviceEgress.push({
                to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [args.networks.privateCidr] } }],
                ports: [{ protocol: "TCP", port: PORTS.https }],
            });
        }
        const callers = serviceNames.flatMap((caller) => args.services[caller].callsServices.map((callee) => ({ caller, callee })));
        const hubNamespace = new HardenedNamespace(
            `${name}-${HUB_NAMESPACE}`,
            {
                namespace: HUB_NAMESPACE,
                quota: blueGreenQuota(Object.values(args.services), COLOURS.length),
                allow: [
                    {
                        name: "allow-from-gateway",
                        spec: {
                            ...appSelector(routed),
                            policyTypes: ["Ingress"],
                            ingress: [{ from: [namespaceSelector(GATEWAY_NAMESPACE)], ports: appPort }],
                        },
                    },
                    ...callers.map(({ caller, callee }) => ({
                        name: `allow-${caller}-to-${callee}`,
                        spec: {
                            podSelector: {},
                            policyTypes: ["Ingress", "Egress"] as string[],
                            ingress: [{ from: [appSelector([caller])], ports: appPort }],
                            egress: [{ to: [appSelector([callee])], ports: appPort }],
                        },
                    })),
                    { name: "allow-to-data-and-cloud", spec: { podSelector: {}, policyTypes: ["Egress"], egress: serviceEgress } },
                    ...(args.networks.objectStore
                        ? [
                              {
                                  name: "allow-to-object-store",
                                  spec: {
                                      ...appSelector(args.networks.objectStore.services),
                                      policyTypes: ["Egress"],
                                      egress: [
                                          {
                                              to: pulumi
                                                  .output(args.networks.objectStore.cidrs)
                                                  .apply((cidrs) => cidrs.map((cidr) => ({ ipBlock: { cidr } }))),
                                              ports: [{ protocol: "TCP", port: PORTS.https }],
                                          },
                                      ],
                                  },
                              },
                          ]
                        : []),
                ],
            },
            parent,
        );

        const gatewaySize =
            args.gateway ??
            (args.capacity === "active"
                ? { controllerReplicas: 2, proxyReplicas: 3, proxyRequests: { cpu: "250m", memory: "256Mi" } }
                : { controllerReplicas: 1, proxyReplicas: 1, proxyRequests: { cpu: "250m", memory: "256Mi" } });
        const crds = pinnedRelease(
            `${name}-gateway-crds`,
            GATEWAY_CRDS_CHART,
            {
                name: "gateway-crds",
                namespace: gatewayNamespace.name,
                values: { crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } } },
            },
            parent,
        );
        const controller = pinnedRelease(
            `${name}-envoy-gateway`,
            ENVOY_GATEWAY_CHART,
            {
                name: "envoy-gateway",
                namespace: gatewayNamespace.name,
                // The CRDs come from their own release above, which upgrades them.
                skipCrds: true,
                values: {
                    deployment: {
                        replicas: gatewaySize.controllerReplicas,
                        envoyGateway: { resources: { requests: { ...ENVOY_GATEWAY_CONTROLLER_REQUESTS } } },
                    },
                },
            },
            { parent: this, dependsOn: [crds] },
        );

        const proxyReplicas = gatewaySize.proxyReplicas;
        const envoyProxy = new CustomResource(
            `${name}-proxy`,
            {
                apiVersion: "gateway.envoyproxy.io/v1alpha1",
                kind: "EnvoyProxy",
                metadata: { name: "hub-proxy", namespace: gatewayNamespace.name },
                spec: {
                    provider: {
                        type: "Kubernetes",
                        kubernetes: {
                            envoyDeployment: {
                                replicas: proxyReplicas,
                                container: {
                                    resources: { requests: { ...gatewaySize.proxyRequests }, limits: { cpu: "2", memory: "1Gi" } },
                                },
                                pod: {
                                    topologySpreadConstraints: [
                                        {
                                            maxSkew: 1,
                                            topologyKey: "topology.kubernetes.io/zone",
                                            whenUnsatisfiable: proxyReplicas > 1 ? "DoNotSchedule" : "ScheduleAnyway",
                                            labelSelector: { matchLabels: { "app.kubernetes.io/component": "proxy" } },
                                        },
                                    ],
                                },
                            },
                            envoyService: {
                                type: args.exposure.type,
                                annotations: { ...args.exposure.annotations },
                                // Keeps the load balancer's source address, so the NetworkPolicy can admit
                                // it alone; nodes without a proxy fail the load balancer's health check.
                                externalTrafficPolicy: "Local",
                                ...(args.exposure.loadBalancerIp ? { loadBalancerIP: args.exposure.loadBalancerIp } : {}),
                                ...(args.exposure.nodePort
                                    ? {
                                          patch: {
                                              type: "StrategicMerge",
                                              value: { spec: { ports: [{ port: GATEWAY_PORT, nodePort: args.exposure.nodePort }] } },
                                          },
                                      }
                                    : {}),
                            },
                        },
                    },
                },
            },
            { parent: this, dependsOn: [controller] },
        );

        const gatewayClass = new CustomResource(
            `${name}-class`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "GatewayClass",
                metadata: { name: "hub" },
                spec: {
                    controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
                    parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "hub-proxy", namespace: GATEWAY_NAMESPACE },
                },
            },
            { parent: this, dependsOn: [envoyProxy] },
        );

        const hubRoutesOnly = {
            namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": HUB_NAMESPACE } } },
        };
        const gateway = new CustomResource(
            `${name}-gateway`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "Gateway",
                metadata: { name: "hub", namespace: gatewayNamespace.name },
                spec: {
                    gatewayClassName: "hub",
                    listeners: [
                        { name: "http", protocol: "HTTP", port: GATEWAY_PORT, hostname: args.hostname, allowedRoutes: hubRoutesOnly },
                        // No hostname: any Host, for the health route alone.
                        ...(args.healthCheck
                            ? [{ name: HEALTH_LISTENER, protocol: "HTTP", port: GATEWAY_PORT, allowedRoutes: hubRoutesOnly }]
                            : []),
                    ],
                },
            },
            { parent: this, dependsOn: [gatewayClass] },
        );

        const routeWeights: Record<string, Record<string, number>> = {};
        for (const service of serviceNames) {
            const spec = args.services[service];
            const hubService = new HubService(
                `${name}-${service}`,
                {
                    service,
                    namespace: hubNamespace.name,
                    site: args.site,
                    spec,
                    cloud: args.binding(service),
                    colours,
                    capacity: args.capacity,
                },
                parent,
            );
            if (spec.paths.length === 0) {
                continue;
            }
            routeWeights[service] = Object.fromEntries(hubService.backends.map((backend) => [backend.name, backend.weight]));
            // Every route of the service: the path, the header naming the serving site, the colours' weighted backends.
            const routeRule = (path: { type: "Exact" | "PathPrefix"; value: string }) => ({
                matches: [{ path }],
                filters: [
                    {
                        type: "ResponseHeaderModifier",
                        responseHeaderModifier: { set: [{ name: args.siteHeader, value: args.site }] },
                    },
                ],
                backendRefs: hubService.backends.map((backend) => ({ name: backend.name, port: SERVICE_PORT, weight: backend.weight })),
            });
            if (args.healthCheck?.service === service) {
                new CustomResource(
                    `${name}-health-route`,
                    {
                        apiVersion: "gateway.networking.k8s.io/v1",
                        kind: "HTTPRoute",
                        metadata: { name: "health", namespace: hubNamespace.name },
                        spec: {
                            parentRefs: [{ name: "hub", namespace: GATEWAY_NAMESPACE, sectionName: HEALTH_LISTENER }],
                            rules: [routeRule({ type: "Exact", value: args.healthCheck.path })],
                        },
                    },
                    { parent: this, dependsOn: [gateway] },
                );
            }
            new CustomResource(
                `${name}-${service}-route`,
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "HTTPRoute",
                    metadata: { name: service, namespace: hubNamespace.name },
                    spec: {
                        parentRefs: [{ name: "hub", namespace: GATEWAY_NAMESPACE, sectionName: "http" }],
                        hostnames: [args.hostname],
                        rules: spec.paths.map((path) =>
                            routeRule({ type: path === "/" ? "PathPrefix" : path.endsWith("/") ? "PathPrefix" : "Exact", value: path }),
                        ),
                    },
                },
                { parent: this, dependsOn: [gateway] },
            );
        }
        this.routeWeights = routeWeights;
        this.registerOutputs({});
    }
}
