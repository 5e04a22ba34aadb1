import { BEST_PRACTICE_TAG, controlsFromTags } from "../../policies/lib/controls";
import type { PackInfo } from "./analyzer";

/** Every policy of every pack with its metadata, for `--list --json`. */
export function policyListing(packs: readonly PackInfo[]) {
    return {
        packs: packs.map((pack) => ({
            name: pack.name,
            version: pack.version,
            directory: pack.directory,
            policies: pack.policies.map((policy) => ({
                name: policy.name,
                description: policy.description,
                kind: policy.kind,
                enforcementLevel: policy.enforcementLevel,
                severity: policy.severity,
                remediationSteps: policy.remediationSteps,
                tags: policy.tags,
                controls: controlsFromTags(policy.tags),
                bestPractice: policy.tags.includes(BEST_PRACTICE_TAG),
                ...(policy.configSchema ? { configSchema: policy.configSchema } : {}),
            })),
        })),
    };
}

export function renderListing(packs: readonly PackInfo[]): string {
    return packs
        .map((pack) =>
            [
                `${pack.name}@${pack.version} (${pack.policies.length} policies)`,
                ...pack.policies.map(
                    (policy) =>
                        `  ${policy.enforcementLevel.padEnd(9)} ${policy.severity.padEnd(8)} ${policy.kind.padEnd(8)} ${policy.name}`,
                ),
            ].join("\n"),
        )
        .join("\n");
}
