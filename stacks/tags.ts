import { PROJECT, type StackConfig } from "./config/schema";

/** The one tag set every taggable resource carries (AWS through provider default tags). */
export function resourceTags(
    config: Pick<StackConfig, "environment" | "owner" | "costCenter" | "dataClassification">,
): Record<string, string> {
    return {
        environment: config.environment,
        service: PROJECT,
        owner: config.owner,
        "data-classification": config.dataClassification,
        "cost-center": config.costCenter,
    };
}
