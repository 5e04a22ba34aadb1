import * as http from "node:http";
import { type AddressInfo } from "node:net";
import type { PlannedMonitor } from "../plan/loadBalancerPlan";
import type { Site } from "./backend";

/**
 * A stand-in for one site's origin on 127.0.0.1: it answers every path with 200 and the header
 * that names the site, as the site's in-cluster gateway does, and its health path with 503 while
 * it is marked unhealthy. `stop()` kills it outright: sockets reset, nothing answers.
 */
export class LocalOrigin {
    private healthy = true;
    private readonly server: http.Server;
    private port = 0;

    private constructor(
        readonly site: Site,
        private readonly healthPath: string,
        private readonly siteHeader: string,
    ) {
        this.server = http.createServer((request, response) => {
            const isHealth = request.url === this.healthPath;
            const status = isHealth && !this.healthy ? 503 : 200;
            response.writeHead(status, { [this.siteHeader]: this.site, "content-type": "text/plain", connection: "close" });
            response.end(`${this.site}: ${status === 200 ? "ok" : "unhealthy"}\n`);
        });
    }

    static async start(site: Site, healthPath: string, siteHeader: string): Promise<LocalOrigin> {
        const origin = new LocalOrigin(site, healthPath, siteHeader);
        await listen(origin.server);
        // Kept, so that a stopped origin still has an address that refuses connections.
        origin.port = (origin.server.address() as AddressInfo).port;
        return origin;
    }

    get url(): string {
        return `http://127.0.0.1:${this.port}`;
    }

    setHealthy(healthy: boolean): void {
        this.healthy = healthy;
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}

/** The load-balancer settings the local edge applies, from the planned Cloudflare resources. */
export interface LocalEdgeConfig {
    /** Sites in failover order. */
    readonly order: readonly Site[];
    readonly fallback: Site;
    readonly steeringPolicy: string;
    /** Share of traffic per site under random steering. */
    readonly weights: Readonly<Record<Site, number>>;
    readonly monitors: Readonly<Record<Site, PlannedMonitor>>;
}

interface PoolHealth {
    healthy: boolean;
    failures: number;
    successes: number;
}

/**
 * A stand-in for Cloudflare's load balancer on 127.0.0.1. Like Cloudflare it probes each pool
 * with its monitor and marks it down after `consecutiveDown` failed probes (each retried
 * `retries` times) and up after `consecutiveUp` good ones; it sends each request to the first
 * healthy pool in order (or by weight under random steering), tries the next pool when an origin
 * refuses the connection (adaptive routing), and uses the fallback pool when none is healthy.
 * Monitor times are multiplied by `timeScale` so that drills and tests run in seconds.
 */
export class LocalEdge {
    private config?: LocalEdgeConfig;
    private readonly health = new Map<Site, PoolHealth>();
    private readonly timers = new Map<Site, NodeJS.Timeout>();
    private readonly server: http.Server;

    private constructor(
        private readonly origins: Readonly<Record<Site, LocalOrigin>>,
        private readonly timeScale: number,
    ) {
        this.server = http.createServer((request, response) => void this.route(request, response));
    }

    static async start(origins: Readonly<Record<Site, LocalOrigin>>, timeScale: number): Promise<LocalEdge> {
        const edge = new LocalEdge(origins, timeScale);
        await listen(edge.server);
        return edge;
    }

    get url(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    /** Applies new load-balancer settings; pool health carries over, as it does at Cloudflare. */
    apply(config: LocalEdgeConfig): void {
        this.config = config;
        for (const site of config.order) {
            if (!this.health.has(site)) {
                this.health.set(site, { healthy: true, failures: 0, successes: 0 });
            }
            clearInterval(this.timers.get(site));
            const monitor = config.monitors[site];
            // A probe never throws: a failed probe is a down vote, as at Cloudflare.
            this.timers.set(
                site,
                setInterval(() => void this.probe(site, monitor).catch(() => undefined), monitor.intervalSec * 1000 * this.timeScale),
            );
        }
    }

    isHealthy(site: Site): boolean {
        return this.health.get(site)?.healthy ?? false;
    }

    async stop(): Promise<void> {
        for (const timer of this.timers.values()) {
            clearInterval(timer);
        }
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private async probe(site: Site, monitor: PlannedMonitor): Promise<void> {
        let good = false;
        for (let attempt = 0; attempt <= monitor.retries && !good; attempt += 1) {
            const status = await fetchStatus(`${this.origins[site].url}${monitor.path}`, monitor.timeoutSec * 1000 * this.timeScale);
            good = status !== undefined && statusMatches(status, monitor.expectedCodes);
        }
        const health = this.health.get(site);
        if (!health) {
            return;
        }
        if (good) {
            health.successes += 1;
            health.failures = 0;
            if (!health.healthy && health.successes >= monitor.consecutiveUp) {
                health.healthy = true;
            }
        } else {
            health.failures += 1;
            health.successes = 0;
            if (health.healthy && health.failures >= monitor.consecutiveDown) {
                health.healthy = false;
            }
        }
    }

    private candidates(): Site[] {
        const config = this.config;
        if (!config) {
            return [];
        }
        const healthy = config.order.filter((site) => this.isHealthy(site));
        if (healthy.length === 0) {
            return [config.fallback];
        }
        if (config.steeringPolicy === "random") {
            // Pick by weight among healthy pools; the rest follow in order for adaptive failover.
            let roll = Math.random() * healthy.reduce((total, site) => total + config.weights[site], 0);
            const chosen = healthy.find((site) => (roll -= config.weights[site]) < 0) ?? healthy[0];
            return [chosen, ...healthy.filter((site) => site !== chosen)];
        }
        return healthy;
    }

    private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
        for (const site of this.candidates()) {
            const answer = await forward(`${this.origins[site].url}${request.url ?? "/"}`, request.method ?? "GET");
            if (answer) {
                response.writeHead(answer.status, answer.headers);
                response.end(answer.body);
                return;
            }
        }
        // Cloudflare's "Web server is down" when no origin accepts the connection.
        response.writeHead(521, { "content-type": "text/plain" });
        response.end("no origin answered\n");
    }
}

function statusMatches(status: number, expected: string): boolean {
    return /xx$/.test(expected) ? String(status)[0] === expected[0] : String(status) === expected;
}

async function fetchStatus(url: string, timeoutMs: number): Promise<number | undefined> {
    try {
        const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(timeoutMs, 50)) });
        await response.arrayBuffer();
        return response.status;
    } catch {
        return undefined;
    }
}

async function forward(
    url: string,
    method: string,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer } | undefined> {
    try {
        const response = await fetch(url, { method, signal: AbortSignal.timeout(5000), redirect: "manual" });
        const headers: Record<string, string> = {};
        response.headers.forEach((value, key) => {
            headers[key] = value;
        });
        return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
    } catch {
        return undefined;
    }
}

function listen(server: http.Server): Promise<void> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
}
