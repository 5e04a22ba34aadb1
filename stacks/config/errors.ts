import * as pulumi from "@pulumi/pulumi";

/**
 * Bad stack config. A `RunError`, so that `pulumi up` prints the message without a stack trace,
 * and so that the offline planner can tell it apart from a bug and exit with status 2.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stackFile: string,
        readonly problems: readonly string[],
    ) {
        super(`${stackFile}: invalid stack config\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

/** The stack file a stack's config lives in; named in every config error. */
export function stackFileName(stack: string): string {
    return `Pulumi.${stack}.yaml`;
}
