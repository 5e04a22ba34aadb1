/**
 * Compliance controls a rule covers, encoded into the policy's `tags` so that they travel with
 * the policy over the Analyzer protocol. The console report, JSON, SARIF and the evidence report
 * all read them back from there: the rule's definition is the one place the mapping lives.
 */
export interface Controls {
    /** PCI DSS 4.0 requirement numbers, e.g. "1.3.1". */
    readonly pciDss?: readonly string[];
    /** SOC 2 trust services criteria, e.g. "CC6.6", "A1.2". */
    readonly soc2?: readonly string[];
    /** GDPR articles, e.g. "32". */
    readonly gdpr?: readonly string[];
    /** CCPA sections, e.g. "1798.150". */
    readonly ccpa?: readonly string[];
}

export const FRAMEWORKS = {
    pciDss: { tag: "pci-dss-4.0", title: "PCI DSS 4.0" },
    soc2: { tag: "soc2", title: "SOC 2" },
    gdpr: { tag: "gdpr", title: "GDPR" },
    ccpa: { tag: "ccpa", title: "CCPA" },
} as const;
export type Framework = keyof typeof FRAMEWORKS;

/** The tag of a rule that no framework asks for but that we hold to anyway. */
export const BEST_PRACTICE_TAG = "best-practice";

/** `pci-dss-4.0:1.3.1`, `soc2:CC6.6`, `gdpr:art-32`, `ccpa:1798.150`. */
export function controlTags(controls: Controls | "best-practice"): string[] {
    if (controls === "best-practice") {
        return [BEST_PRACTICE_TAG];
    }
    return (Object.keys(FRAMEWORKS) as Framework[]).flatMap((framework) =>
        (controls[framework] ?? []).map((id) => `${FRAMEWORKS[framework].tag}:${framework === "gdpr" ? `art-${id}` : id}`),
    );
}

/** The control ids in a policy's tags, by framework; tags of other shapes are ignored. */
export function controlsFromTags(tags: readonly string[]): { framework: Framework; control: string }[] {
    const byTag = new Map<string, Framework>(
        (Object.keys(FRAMEWORKS) as Framework[]).map((framework) => [FRAMEWORKS[framework].tag, framework]),
    );
    return tags.flatMap((tag) => {
        const separator = tag.indexOf(":");
        const framework = byTag.get(tag.slice(0, separator));
        return separator > 0 && framework ? [{ framework, control: tag.slice(separator + 1) }] : [];
    });
}
