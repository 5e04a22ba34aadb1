import { type BlueGreenRelease } from "../components/kubernetes/blueGreen";
import { type HubWorkloadsArgs } from "../components/kubernetes/hubWorkloads";
import { type Environment, type WorkloadSettings } from "./config/schema";
import { runsSmall } from "./services";

/** The node port of the in-cluster gateway on EKS, where the origin's target group forwards. */
export const GATEWAY_NODE_PORT = 30080;

/** The blue/green release both sites run, from the stack's config. */
export function hubRelease(config: WorkloadSettings): BlueGreenRelease {
    return {
        liveColour: config.hubLiveColour,
        candidateWeight: config.hubCandidateWeight,
        idleColour: config.hubIdleColour,
        tags: { blue: config.hubBlueRelease, green: config.hubGreenRelease },
    };
}

/**
 * The gateway's size where the hub runs small (dev, test): one controller and one proxy with a
 * small request, so that everything fits two small nodes. Elsewhere the site's capacity decides.
 */
export function hubGatewaySize(environment: Environment): HubWorkloadsArgs["gateway"] {
    return runsSmall(environment)
        ? { controllerReplicas: 1, proxyReplicas: 1, proxyRequests: { cpu: "100m", memory: "128Mi" } }
        : undefined;
}
