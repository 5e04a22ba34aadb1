import * as path from "node:path";
import { CommandError } from "../command";
import { offlineEscSecretKeys, readProject, readStackFile } from "../plan/stackFile";
import { parseStackConfig } from "../../stacks/config/load";
import { ConfigError } from "../../stacks/config/errors";
import { PROJECT, type StackConfig } from "../../stacks/config/schema";

/** A stack's validated config, read from its stack file as the CLI would hand it over (exit 2 when bad). */
export function readStackConfig(repositoryRoot: string, stack: string): StackConfig {
    const project = readProject(repositoryRoot);
    // Secrets the stack's ESC environment supplies get the planner's marked placeholders: the
    // preflight never needs their values.
    const settings = readStackFile(
        project,
        path.join(project.directory, `Pulumi.${stack}.yaml`),
        offlineEscSecretKeys(project, repositoryRoot),
    );
    const prefix = `${PROJECT}:`;
    const values = Object.fromEntries(
        Object.entries(settings.config)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
    const secretKeys = new Set(settings.secretKeys.filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)));
    try {
        return parseStackConfig({ stackFile: settings.file, values, secretKeys });
    } catch (error) {
        if (error instanceof ConfigError) {
            throw new CommandError(error.message, 2);
        }
        throw error;
    }
}
