import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { HorizontalPodAutoscaler } from "@pulumi/kubernetes/autoscaling/v2";
import { Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { PORTS } from "../../model/intent";
import { type Site } from "../../model/stacks";
import { COLOURS, type Colour, type ColourState } from "./blueGreen";
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from "./podSecurity";

/** The port every service listens on, for traffic and probes. */
export const SERVICE_PORT = PORTS.workload;
/** Where the service's secrets from the cloud secret store appear, as files. */
export const SECRETS_MOUNT_PATH = "/var/run/secrets/beacon";
/** The files in that mount, the same on both sites: the service's own secrets, and the cache's AUTH token. */
export const SECRET_FILES = { runtime: "runtime", redisAuthToken: "redis-auth-token" } as const;

export interface HubServiceSpec {
    /** Path prefixes the gateway routes to it; none for a background worker. */
    readonly paths: readonly string[];
    /** CPU and memory each pod requests, in Kubernetes quantities (e.g. cpu "250m", memory "256Mi"). */
    readonly requests: {
        /** CPU, as a Kubernetes quantity: "250m" is a quarter core. */
        readonly cpu: string;
        /** Memory, as a Kubernetes quantity, e.g. "256Mi". */
        readonly memory: string;
    };
    /** CPU and memory each pod may use at most, in Kubernetes quantities (e.g. cpu "1", memory "512Mi"). */
    readonly limits: {
        /** CPU, as a Kubernetes quantity: "1" is one core; the pod is throttled above it. */
        readonly cpu: string;
        /** Memory, as a Kubernetes quantity, e.g. "512Mi"; the container is killed above it. */
        readonly memory: string;
    };
    /** Replicas on an active site; the autoscaler keeps it between these. */
    readonly minReplicas: number;
    /** Most replicas (count) per serving colour on an active site; a standby site allows a quarter of it, rounded up. */
    readonly maxReplicas: number;
    /** Services it calls inside the cluster. */
    readonly callsServices: readonly string[];
    /** Seconds a pod has to finish after SIGTERM. @default 30 */
    readonly terminationGracePeriodSec?: number;
}

/** How a site ties a service to its cloud: identity, secrets and images. */
export interface ServiceCloudBinding {
    /** Annotations that bind the ServiceAccount to a cloud identity (IRSA role, workload identity client). */
    readonly serviceAccountAnnotations: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Labels the pods need for that identity (Azure's webhook selects on one). */
    readonly podLabels: Readonly<Record<string, string>>;
    /** The Secrets Store CSI provider and its parameters for this service's secrets. */
    readonly secretProvider: {
        /** The CSI driver's provider plugin: "aws" (Secrets Manager) or "azure" (Key Vault). */
        readonly provider: "aws" | "azure";
        /** The SecretProviderClass's provider parameters, e.g. the objects to mount and the identity to read them as. */
        readonly parameters: pulumi.Input<Record<string, pulumi.Input<string>>>;
    };
    /** The image repository in the site's own registry, without tag. */
    readonly imageRepository: pulumi.Input<string>;
}

export interface HubServiceArgs {
    /** The service's name, e.g. "api"; Kubernetes objects are named from it. */
    readonly service: string;
    /** Namespace every object of the service goes in (the hub's namespace). */
    readonly namespace: pulumi.Input<string>;
    /** The site the pods run on; they read it as the BEACON_SITE environment variable. */
    readonly site: Site;
    /** Resources, replicas, routes and calls of the service. */
    readonly spec: HubServiceSpec;
    /** The site's identity, secret-store and image bindings for this service. */
    readonly cloud: ServiceCloudBinding;
    /** Route weight, release tag and mode (serving, warm or off) of the blue and the green version. */
    readonly colours: Readonly<Record<Colour, ColourState>>;
    /** An active site runs minReplicas to maxReplicas per serving colour; a standby site 1 to a quarter of maxReplicas (rounded up). */
    readonly capacity: "active" | "standby";
}

/** The image reference for a release tag: a digest pins by content, a version by immutable tag. */
export function imageReference(repository: string, tag: string): string {
    return tag.startsWith("sha256:") ? `${repository}@${tag}` : `${repository}:${tag}`;
}

/**
 * One service of the hub in blue and green: a ServiceAccount bound to the site's cloud identity,
 * its secrets from the cloud secret store, and per colour a Deployment (hardened container,
 * probes, zone spread), a Service, an autoscaler while it serves, and a disruption budget while
 * it runs at all.
 */
export class HubService extends pulumi.ComponentResource {
    /** The per-colour Service names and route weights, for the gateway's routes. */
    public readonly backends: readonly { readonly name: string; readonly weight: number }[];

    constructor(name: string, args: HubServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const { spec } = args;
        if (!(spec.minReplicas >= 1 && spec.minReplicas <= spec.maxReplicas)) {
            throw new Error(
                `HubService ${name}: replicas must satisfy 1 <= minReplicas (${spec.minReplicas}) <= maxReplicas (${spec.maxReplicas})`,
            );
        }
        super("beacon:kubernetes:HubService", name, {}, opts);
        const parent = { parent: this };
        const service = args.service;
        const standby = args.capacity === "standby";
        const minReplicas = standby ? 1 : spec.minReplicas;
        const maxReplicas = standby ? Math.max(1, Math.ceil(spec.maxReplicas / 4)) : spec.maxReplicas;

        const account = new ServiceAccount(
            name,
            {
                metadata: { name: service, namespace: args.namespace, annotations: args.cloud.serviceAccountAnnotations },
                // The pods never call the Kubernetes API; their cloud token is projected separately.
                automountServiceAccountToken: false,
            },
            parent,
        );
        const secrets = new CustomResource(
            `${name}-secrets`,
            {
                apiVersion: "secrets-store.csi.x-k8s.io/v1",
                kind: "SecretProviderClass",
                metadata: { name: `${service}-secrets`, namespace: args.namespace },
                spec: { provider: args.cloud.secretProvider.provider, parameters: args.cloud.secretProvider.parameters },
            },
            parent,
        );

        const backends: { name: string; weight: number }[] = [];
        for (const colour of COLOURS) {
            const state = args.colours[colour];
            const workload = `${service}-${colour}`;
            const resourceName = `${name}-${colour}`;
            const selector = { "app.kubernetes.io/name": service, "beacon.io/colour": colour };
            const labels = {
                ...selector,
                "app.kubernetes.io/part-of": "crypto-beacon",
                "app.kubernetes.io/version": state.tag.replace(/^sha256:/, "").slice(0, 63),
                ...args.cloud.podLabels,
            };
            const image = pulumi.output(args.cloud.imageRepository).apply((repository) => imageReference(repository, state.tag));
            const httpProbe = (path: string) => ({ httpGet: { path, port: "http" }, periodSeconds: 10, timeoutSeconds: 2 });
            const serving = state.mode === "serving";

            new Deployment(
                resourceName,
                {
                    metadata: { name: workload, namespace: args.namespace, labels },
                    spec: {
                        replicas: state.mode === "off" ? 0 : minReplicas,
                        selector: { matchLabels: selector },
                        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
                        template: {
                            metadata: { labels },
                            spec: {
                                serviceAccountName: account.metadata.name,
                                automountServiceAccountToken: false,
                                terminationGracePeriodSeconds: spec.terminationGracePeriodSec ?? 30,
                                securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
                                topologySpreadConstraints: [
                                    {
                                        maxSkew: 1,
                                        topologyKey: "topology.kubernetes.io/zone",
                                        // A standby site's single replica must still schedule when a zone is full.
                                        whenUnsatisfiable: standby ? "ScheduleAnyway" : "DoNotSchedule",
                                        labelSelector: { matchLabels: selector },
                                    },
                                ],
                                containers: [
                                    {
                                        name: service,
                                        image,
                                        ports: [{ name: "http", containerPort: SERVICE_PORT, protocol: "TCP" }],
                                        // Plain settings only; every secret comes as a file from the store below.
                                        env: [
                                            { name: "BEACON_SITE", value: args.site },
                                            { name: "BEACON_COLOUR", value: colour },
                                            { name: "BEACON_SECRETS_DIR", value: SECRETS_MOUNT_PATH },
                                        ],
                                        resources: { requests: { ...spec.requests }, limits: { ...spec.limits } },
                                        startupProbe: { ...httpProbe("/healthz"), failureThreshold: 30 },
                                        livenessProbe: { ...httpProbe("/livez"), failureThreshold: 3 },
                                        readinessProbe: { ...httpProbe("/readyz"), failureThreshold: 2 },
                                        securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
                                        volumeMounts: [
                                            { name: "tmp", mountPath: "/tmp" },
                                            { name: "secrets", mountPath: SECRETS_MOUNT_PATH, readOnly: true },
                                        ],
                                    },
                                ],
                                volumes: [
                                    { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                                    {
                                        name: "secrets",
                                        csi: {
                                            driver: "secrets-store.csi.k8s.io",
                                            readOnly: true,
                                            volumeAttributes: { secretProviderClass: `${service}-secrets` },
                                        },
                                    },
                                ],
                            },
                        },
                    },
                },
                {
                    parent: this,
                    dependsOn: [secrets],
                    // While serving, the autoscaler owns the count. The field stays in the applied
                    // manifest: under server-side apply, dropping it would reset a warm colour's pods to
                    // one when it starts serving, until the autoscaler caught up.
                    ignoreChanges: serving ? ["spec.replicas"] : [],
                },
            );

            if (spec.paths.length > 0) {
                new Service(
                    resourceName,
                    {
                        metadata: { name: workload, namespace: args.namespace, labels: selector },
                        spec: {
                            type: "ClusterIP",
                            selector,
                            ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
                        },
                    },
                    parent,
                );
                backends.push({ name: workload, weight: state.weight });
            }
            if (serving) {
                new HorizontalPodAutoscaler(
                    resourceName,
                    {
                        metadata: { name: workload, namespace: args.namespace },
                        spec: {
                            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: workload },
                            minReplicas,
                            maxReplicas,
                            metrics: [
                                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                            ],
                        },
                    },
                    parent,
                );
            }
            // A warm colour is a rollback target: drains must keep it up too.
            if (state.mode !== "off") {
                new PodDisruptionBudget(
                    resourceName,
                    {
                        metadata: { name: workload, namespace: args.namespace },
                        // One pod at a time goes during drains and node upgrades.
                        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
                    },
                    parent,
                );
            }
        }
        this.backends = backends;
        this.registerOutputs({});
    }
}
