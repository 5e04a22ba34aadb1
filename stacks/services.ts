import { type HubServiceSpec } from "../components/kubernetes/hubService";
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../model/intent";
import { type Environment } from "../model/stacks";

/**
 * The trading hub's services: the web frontend server, the API, the market-data WebSocket
 * gateway and a background worker. Each gets an image repository and a secret per site.
 */
export const HUB_SERVICES: readonly ServiceName[] = SERVICE_NAMES;
export type HubServiceName = ServiceName;

/**
 * How each service runs, the same on both sites; whom it calls is the intent model's. Replicas are the active site's; a standby site
 * runs the minimum of one per service. Paths are what the in-cluster gateway routes to it; the
 * web tier also answers the health path that the load balancers and Cloudflare probe.
 */
export const HUB_SERVICE_SPECS: Readonly<Record<HubServiceName, HubServiceSpec>> = {
    web: {
        paths: ["/", "/healthz"],
        requests: { cpu: "250m", memory: "256Mi" },
        limits: { cpu: "1", memory: "512Mi" },
        minReplicas: 3,
        maxReplicas: 12,
        callsServices: SERVICES.web.calls,
    },
    api: {
        paths: ["/api/"],
        requests: { cpu: "500m", memory: "512Mi" },
        limits: { cpu: "2", memory: "1Gi" },
        minReplicas: 3,
        maxReplicas: 24,
        callsServices: SERVICES.api.calls,
    },
    "market-data": {
        paths: ["/ws/"],
        requests: { cpu: "500m", memory: "512Mi" },
        limits: { cpu: "2", memory: "1Gi" },
        minReplicas: 3,
        maxReplicas: 24,
        callsServices: SERVICES["market-data"].calls,
        // WebSocket clients get a minute to reconnect elsewhere when a pod goes.
        terminationGracePeriodSec: 60,
    },
    worker: {
        paths: [],
        requests: { cpu: "250m", memory: "512Mi" },
        limits: { cpu: "1", memory: "1Gi" },
        minReplicas: 2,
        maxReplicas: 8,
        callsServices: SERVICES.worker.calls,
    },
};

/**
 * dev and test run the hub small, so that both colours and the cluster's own pods fit two small
 * nodes with headroom (tests/workloads.test.ts holds the arithmetic): one replica per colour at
 * least, and a fraction of the production requests. Limits stay as in production.
 */
const SMALL_SIZING: Readonly<Record<HubServiceName, Pick<HubServiceSpec, "requests" | "minReplicas" | "maxReplicas">>> = {
    web: { requests: { cpu: "50m", memory: "128Mi" }, minReplicas: 1, maxReplicas: 3 },
    api: { requests: { cpu: "100m", memory: "256Mi" }, minReplicas: 1, maxReplicas: 3 },
    "market-data": { requests: { cpu: "100m", memory: "256Mi" }, minReplicas: 1, maxReplicas: 3 },
    worker: { requests: { cpu: "50m", memory: "128Mi" }, minReplicas: 1, maxReplicas: 2 },
};

/** Environments whose hub runs small: dev and test. */
export function runsSmall(environment: Environment): boolean {
    return environment === "dev" || environment === "test";
}

/** How each service runs in an environment: production sizing in staging and prod, small below. */
export function hubServiceSpecs(environment: Environment): Readonly<Record<HubServiceName, HubServiceSpec>> {
    if (!runsSmall(environment)) {
        return HUB_SERVICE_SPECS;
    }
    return Object.fromEntries(
        HUB_SERVICES.map((service) => [service, { ...HUB_SERVICE_SPECS[service], ...SMALL_SIZING[service] }]),
    ) as Record<HubServiceName, HubServiceSpec>;
}
