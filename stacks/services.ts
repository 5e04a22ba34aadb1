import { type HubServiceSpec } from "../components/kubernetes/hubService";

/**
 * The trading hub's services: the web frontend server, the API, the market-data WebSocket
 * gateway and a background worker. Each gets an image repository and a secret per site.
 */
export const HUB_SERVICES = ["web", "api", "market-data", "worker"] as const;
export type HubServiceName = (typeof HUB_SERVICES)[number];

/**
 * How each service runs, the same on both sites. Replicas are the active site's; a standby site
 * runs the minimum of one per service. Paths are what the in-cluster gateway routes to it; the
 * web tier also answers the health path that the load balancers and Cloudflare probe.
 */
export const HUB_SERVICE_SPECS: Readonly<Record<HubServiceName, HubServiceSpec>> = {
    web: { paths: ["/", "/healthz"], requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" }, minReplicas: 3, maxReplicas: 12, callsServices: ["api"] },
    api: { paths: ["/api/"], requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" }, minReplicas: 3, maxReplicas: 24, callsServices: [] },
    "market-data": {
        paths: ["/ws/"],
        requests: { cpu: "500m", memory: "512Mi" },
        limits: { cpu: "2", memory: "1Gi" },
        minReplicas: 3,
        maxReplicas: 24,
        callsServices: [],
        // WebSocket clients get a minute to reconnect elsewhere when a pod goes.
        terminationGracePeriodSec: 60,
    },
    worker: { paths: [], requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" }, minReplicas: 2, maxReplicas: 8, callsServices: [] },
};
