/**
 * The trading hub's services: the web frontend server, the API, the market-data WebSocket
 * gateway and a background worker. Each gets an image repository and a secret per site.
 */
export const HUB_SERVICES = ["web", "api", "market-data", "worker"] as const;
