/**
 * Blue/green releases: each service runs a blue and a green version. One colour is live; the
 * other takes `candidateWeight` percent of the traffic through the gateway's weighted routes.
 * Promotion raises the weight to 100, then makes the other colour live with weight 0; rollback
 * sets the weight to 0. Each is one config change.
 */

export const COLOURS = ["blue", "green"] as const;
export type Colour = (typeof COLOURS)[number];

export interface BlueGreenRelease {
    /** The colour that takes 100 - candidateWeight percent of the traffic. */
    readonly liveColour: Colour;
    /** Percent of traffic for the other colour, 0 to 100. */
    readonly candidateWeight: number;
    /** What the other colour does while it takes no traffic. */
    readonly idleColour: "warm" | "scaled-down";
    /** The immutable release tag each colour runs. */
    readonly tags: Readonly<Record<Colour, string>>;
}

/** How one colour runs: its share of traffic, and whether it runs at all. */
export interface ColourState {
    /** Which version: "blue" or "green". */
    readonly colour: Colour;
    /** The release tag the colour runs (a version tag or a `sha256:` digest). */
    readonly tag: string;
    /** Route weight, 0 to 100; the two colours add up to 100. */
    readonly weight: number;
    /** serving: autoscaled between the service's min and max; warm: at the minimum, no traffic; off: no pods. */
    readonly mode: "serving" | "warm" | "off";
}

export function colourStates(release: BlueGreenRelease): Record<Colour, ColourState> {
    if (!Number.isInteger(release.candidateWeight) || release.candidateWeight < 0 || release.candidateWeight > 100) {
        throw new Error(`candidateWeight ${release.candidateWeight} is not allowed; allowed: a whole number from 0 to 100`);
    }
    const other: Colour = release.liveColour === "blue" ? "green" : "blue";
    const otherMode = release.candidateWeight > 0 ? "serving" : release.idleColour === "warm" ? "warm" : "off";
    return {
        [release.liveColour]: {
            colour: release.liveColour,
            tag: release.tags[release.liveColour],
            weight: 100 - release.candidateWeight,
            mode: release.candidateWeight === 100 ? "warm" : "serving",
        },
        [other]: { colour: other, tag: release.tags[other], weight: release.candidateWeight, mode: otherMode },
    } as Record<Colour, ColourState>;
}
