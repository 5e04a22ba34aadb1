// First: what this loads after it is compiled once, then read from the cache (tools/compileCache.ts).
import "./compileCache";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ENVIRONMENTS, PROJECT, ROLES, type Environment, type Role } from "../stacks/config/schema";
import { DEPLOY_RUNNER_LABEL } from "../components/delivery/runnerBootstrap";
import { command, CommandError, parseCommandLine, parseFlags, runMain, suggestion, type CommandSpec, type FlagSpec } from "./cli";
import { listStacks as stackFileNames } from "./plan/stackFile";

const REPOSITORY_ROOT = path.resolve(__dirname, "..");

/** The GitHub-hosted image for jobs that need no private network: edge stacks and offline checks. */
export const HOSTED_RUNNER = "ubuntu-24.04";

/**
 * Environments that a workflow deploys, each through the GitHub environment of that name. Every
 * one has clusters with private APIs, so none can be updated from a laptop: `dev` too goes
 * through its own deploy runner, dispatched by hand (deploy-dev.yml).
 */
export const PIPELINE_ENVIRONMENTS: Readonly<Partial<Record<Environment, string>>> = {
    dev: "dev",
    test: "test",
    staging: "staging",
    prod: "production",
};

/** A stack of this project, as the workflows need to know it. */
export interface StackEntry {
    readonly stack: string;
    readonly role: Role;
    readonly environment: Environment;
    /** The GitHub environment that gates its updates, when a workflow deploys it. */
    readonly githubEnvironment?: string;
    /**
     * Where its previews and updates run: a stack with a cluster on its own deploy runner (its
     * API is private), an edge stack on a hosted runner (Cloudflare's and Atlas's APIs are public).
     */
    readonly runsOn: string | readonly string[];
}

/**
 * Every stack with a `Pulumi.<stack>.yaml` in the project directory, read from the files: adding
 * a stack file is all it takes for the workflows and their tests to see the stack.
 */
export function listStacks(directory = REPOSITORY_ROOT): StackEntry[] {
    return stackFileNames(directory).map((stack) => {
        const file = `Pulumi.${stack}.yaml`;
        const config =
            (parse(fs.readFileSync(path.join(directory, file), "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {};
        const role = config[`${PROJECT}:role`] as Role;
        const environment = config[`${PROJECT}:environment`] as Environment;
        if (!ROLES.includes(role) || !ENVIRONMENTS.includes(environment)) {
            throw new CommandError(
                `${file}: ${PROJECT}:role and ${PROJECT}:environment must be set; allowed roles: ${ROLES.join(", ")}; environments: ${ENVIRONMENTS.join(", ")}`,
                2,
            );
        }
        const githubEnvironment = PIPELINE_ENVIRONMENTS[environment];
        // A deploy runner carries its stack's name besides the common label, so a job picks the
        // runner inside the one network it has to reach.
        const runsOn = role === "edge" || githubEnvironment === undefined ? HOSTED_RUNNER : ["self-hosted", DEPLOY_RUNNER_LABEL, stack];
        return { stack, role, environment, runsOn, ...(githubEnvironment ? { githubEnvironment } : {}) };
    });
}

/**
 * A stack name given on a command line, checked against the stack files: an unknown one is bad
 * usage that names the closest stack and lists them all.
 */
export function requireStack(stack: string, flag = "--stack", directory = REPOSITORY_ROOT): string {
    const stacks = stackFileNames(directory);
    if (!stacks.includes(stack)) {
        const closest = suggestion(stack, stacks);
        throw new CommandError(
            `${flag} ${stack}: no such stack (no Pulumi.${stack}.yaml)${closest ? `; did you mean ${closest}?` : ""} Stacks: ${stacks.join(", ")}`,
            2,
        );
    }
    return stack;
}

export const STACKS_COMMAND = {
    command: "npm run stacks",
    synopsis: ["[--environment <env>]... [--role <role>]... [--deployed]"],
    description: `Prints this project's stacks, read from the Pulumi.<stack>.yaml files, as one JSON array for a
workflow's matrix: [{ "stack", "role", "environment", "githubEnvironment", "runsOn" }].`,
    flags: {
        environment: {
            type: "string",
            multiple: true,
            value: "<env>",
            help: `only stacks of this environment (repeatable); allowed: ${ENVIRONMENTS.join(", ")}`,
        },
        role: {
            type: "string",
            multiple: true,
            value: "<role>",
            help: `only stacks of this role (repeatable); allowed: ${ROLES.join(", ")}`,
        },
        deployed: {
            type: "boolean",
            help: `only stacks a workflow deploys (environments ${Object.keys(PIPELINE_ENVIRONMENTS).join(", ")})`,
        },
    },
    exitStatus: "0 listed, 2 bad usage or a stack file without a role and an environment.",
} as const satisfies CommandSpec<Record<string, FlagSpec>>;

/**
 * The stacks that `npm run stacks -- <args>` prints: the workflows build their matrices with it,
 * and the workflow tests call it with the arguments written in the workflows.
 */
export function selectStacks(args: readonly string[], directory = REPOSITORY_ROOT): StackEntry[] {
    const flags = parseFlags(STACKS_COMMAND, args);
    const environments = allowedValues("--environment", flags.environment, ENVIRONMENTS);
    const roles = allowedValues("--role", flags.role, ROLES);
    return listStacks(directory).filter(
        (entry) =>
            (environments.length === 0 || environments.includes(entry.environment)) &&
            (roles.length === 0 || roles.includes(entry.role)) &&
            (!flags.deployed || entry.githubEnvironment !== undefined),
    );
}

export const main = command("the stack list", async (argv, terminal) => {
    if (!parseCommandLine(STACKS_COMMAND, argv, terminal)) {
        return 0;
    }
    terminal.out(JSON.stringify(selectStacks(argv)));
    return 0;
});

runMain(module, main);

function allowedValues<T extends string>(flag: string, values: string[] | undefined, allowed: readonly T[]): T[] {
    for (const value of values ?? []) {
        if (!allowed.includes(value as T)) {
            const closest = suggestion(value, allowed);
            throw new CommandError(
                `${flag} "${value}" is not allowed${closest ? `; did you mean ${closest}?` : ""} Allowed: ${allowed.join(", ")}`,
                2,
            );
        }
    }
    return (values ?? []) as T[];
}
