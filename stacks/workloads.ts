import { type BlueGreenRelease } from "../components/kubernetes/blueGreen";
import { type WorkloadSettings } from "./config/schema";

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
