import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/**
 * An error a command reports by its message alone, with the exit status it stands for:
 * 2 for bad usage or bad input, 1 for a check or a program that failed.
 */
export class CommandError extends Error {
    constructor(
        message: string,
        readonly exitCode: 1 | 2,
    ) {
        super(message);
        this.name = new.target.name;
    }
}

/** Parses a command's flags strictly; an unknown or malformed flag is a usage error. */
export function parseFlags<const Options extends ParseArgsOptionsConfig>(options: Options, usage: string) {
    try {
        return parseArgs({ options, strict: true, allowPositionals: false }).values;
    } catch (error) {
        throw new CommandError(`${(error as Error).message}\n\n${usage}`, 2);
    }
}

/**
 * Runs a command: `main` resolves to the exit status. A CommandError prints its message, with no
 * stack trace; anything else is a bug in the command and prints its stack.
 */
export function runCommand(name: string, main: () => Promise<number>): void {
    main().then(
        (code) => process.exit(code),
        (error: unknown) => {
            if (error instanceof CommandError) {
                process.stderr.write(`error: ${error.message}\n`);
                process.exit(error.exitCode);
            }
            process.stderr.write(`error: ${name} itself failed: ${(error as Error).stack ?? String(error)}\n`);
            process.exit(1);
        },
    );
}
