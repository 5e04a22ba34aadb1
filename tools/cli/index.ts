// First: what the command loads after this is compiled once, then read from the cache.
import "../compileCache";
import { parseArgs, styleText } from "node:util";
import { closest, distance } from "fastest-levenshtein";

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

/** A stream a command writes to: the process's own, or a test's buffer. */
export interface OutputStream {
    write(text: string): unknown;
    /** True when a person reads it on a terminal; absent for pipes, files and buffers. */
    readonly isTTY?: boolean;
}

/** What a command reads and writes besides its arguments, so tests can run it in-process. */
export interface CommandIo {
    /** Results only (reports, listings): what a pipe or a redirect receives. */
    readonly stdout: OutputStream;
    /** Progress, errors and the names of the files written: what a person watches. */
    readonly stderr: OutputStream;
    readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CommandIo {
    return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * Whether to colour a stream, as Node's own `util.styleText` decides for a stream: FORCE_COLOR
 * first (0 or false turn colour off), then NO_COLOR, NODE_DISABLE_COLORS and a dumb terminal,
 * then whether the stream is a terminal (nodejs/node `lib/internal/tty.js`, getColorDepth). It is
 * decided here, not by styleText, because a test's stream and environment are not the process's.
 */
export function colourEnabled(stream: OutputStream, env: CommandIo["env"]): boolean {
    const forced = env.FORCE_COLOR;
    if (forced !== undefined) {
        return forced !== "0" && forced !== "false";
    }
    if (env.NO_COLOR !== undefined || env.NODE_DISABLE_COLORS !== undefined || env.TERM === "dumb") {
        return false;
    }
    return stream.isTTY === true;
}

type Style = Parameters<typeof styleText>[0];

/** Styles a piece of a report; reports take one so they stay plain text for files and tests. */
export type Paint = (style: Style, text: string) => string;

/** The paint of plain text: no style at all. */
export const PLAIN: Paint = (_style, text) => text;

/** Writes a command's output: results on stdout, progress and errors on stderr, coloured where a person reads them. */
export class Terminal {
    private readonly started = Date.now();
    private readonly colourOut: boolean;
    private readonly colourErr: boolean;

    constructor(readonly io: CommandIo) {
        this.colourOut = colourEnabled(io.stdout, io.env);
        this.colourErr = colourEnabled(io.stderr, io.env);
    }

    /** Result text, coloured only when stdout is a terminal. */
    out(text: string): void {
        this.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    }

    /** Styles text bound for stdout. */
    readonly styleOut: Paint = (style, text) => (this.colourOut ? styleText(style, text, { validateStream: false }) : text);

    /** One line of progress on stderr, with the seconds since the command started. */
    progress(text: string): void {
        const elapsed = `${((Date.now() - this.started) / 1000).toFixed(1).padStart(5)}s`;
        this.io.stderr.write(`${this.styleErr("dim", elapsed)} ${text}\n`);
    }

    /** The path of a file the command wrote: on stderr, so stdout stays the report alone. */
    wrote(file: string): void {
        this.progress(`wrote ${this.styleErr("bold", file)}`);
    }

    error(message: string): void {
        this.io.stderr.write(`${this.styleErr(["red", "bold"], "error:")} ${message}\n`);
    }

    styleErr(style: Style, text: string): string {
        return this.colourErr ? styleText(style, text, { validateStream: false }) : text;
    }
}

/**
 * A type token as `pulumi preview` shows it: the module's last path segment dropped when it only
 * repeats the type's name (`aws:ec2/vpc:Vpc` is `aws:ec2:Vpc`), any other token unchanged
 * (`kubernetes:apps/v1:Deployment`, `azure-native:network:VirtualNetwork`). The rule of
 * pulumi/pulumi `pkg/backend/display/progress.go` (simplifyTypeName).
 */
export function shortTypeName(type: string): string {
    const parts = type.split(":");
    if (parts.length !== 3 || parts[2] === "") {
        return type;
    }
    const [pkg, module, name] = parts;
    const slash = module.lastIndexOf("/");
    if (slash === -1 || module.slice(slash + 1) !== name.charAt(0).toLowerCase() + name.slice(1)) {
        return type;
    }
    return `${pkg}:${module.slice(0, slash)}:${name}`;
}

/** One flag of a command, as its help lists it. */
export interface FlagSpec {
    readonly type: "string" | "boolean";
    /** The flag may be given more than once. @default false */
    readonly multiple?: boolean;
    /** What the value is, as the help shows it: `<name>`, `<file>`. Only for string flags. */
    readonly value?: string;
    /** One or two sentences for the help: what it does, its default. */
    readonly help: string;
}

/** A command's name, synopsis, flags and exit statuses: its parser and its help come from this one description. */
export interface CommandSpec<Flags extends Record<string, FlagSpec>> {
    /** How it is run, e.g. `npm run plan`. */
    readonly command: string;
    /** The usage lines after the command, e.g. `--stack <name> [--json <file>]`. */
    readonly synopsis: readonly string[];
    readonly description: string;
    readonly flags: Flags;
    /** Text after the flags, e.g. what credentials a live run needs. @default none */
    readonly notes?: string;
    readonly exitStatus: string;
}

/** The parsed flags of a command: a string flag's value, a boolean's presence, a repeatable flag's values. */
export type ParsedFlags<Flags extends Record<string, FlagSpec>> = {
    readonly [Name in keyof Flags]?: Flags[Name]["type"] extends "boolean"
        ? boolean
        : Flags[Name]["multiple"] extends true
          ? string[]
          : string;
};

const HELP_FLAG: FlagSpec = { type: "boolean", help: "show this help" };

/** The help text, listing every flag of the spec and -h/--help. */
export function helpText(spec: CommandSpec<Record<string, FlagSpec>>): string {
    const [first, ...rest] = spec.synopsis;
    const usage = [
        `Usage: ${spec.command} -- ${first}`,
        ...rest.map((line) => `${" ".repeat("Usage: ".length)}${spec.command} -- ${line}`),
    ];
    const rows = [
        ["-h, --help", HELP_FLAG.help],
        ...Object.entries(spec.flags).map(([name, flag]) => [`--${name}${flag.value ? ` ${flag.value}` : ""}`, flag.help]),
    ];
    const width = Math.max(...rows.map(([label]) => label.length)) + 2;
    const flags = rows.map(([label, text]) => `  ${label.padEnd(width)}${text.split("\n").join(`\n  ${" ".repeat(width)}`)}`);
    return [
        ...usage,
        "",
        spec.description,
        "",
        "Flags:",
        ...flags,
        ...(spec.notes ? ["", spec.notes] : []),
        "",
        `Exit status: ${spec.exitStatus}`,
    ].join("\n");
}

/** The closest of the candidates to a mistyped value, when it is close enough to be a typo. */
export function suggestion(value: string, candidates: readonly string[]): string | undefined {
    if (candidates.length === 0) {
        return undefined;
    }
    const best = closest(value, candidates);
    // A third of the length, at least 2: "stak" finds "stack", "json" does not find "sarif".
    return distance(value, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function usageHint(spec: CommandSpec<Record<string, FlagSpec>>): string {
    return `run '${spec.command} -- --help' for usage`;
}

/**
 * Parses a command's arguments strictly: an unknown flag, a missing value or a stray argument is
 * a usage error naming the closest flag. `help` is set when -h or --help was given.
 */
export function parseFlags<Flags extends Record<string, FlagSpec>>(
    spec: CommandSpec<Flags>,
    argv: readonly string[],
): ParsedFlags<Flags> & { readonly help?: boolean } {
    const options = Object.fromEntries(
        Object.entries(spec.flags).map(([name, flag]) => [name, { type: flag.type, multiple: flag.multiple ?? false }]),
    );
    try {
        return parseArgs({
            args: [...argv],
            options: { ...options, help: { type: "boolean", short: "h" } },
            strict: true,
            allowPositionals: false,
        }).values as ParsedFlags<Flags>;
    } catch (error) {
        throw new CommandError(`${usageError(spec, error as Error & { code?: string })}\n${usageHint(spec)}`, 2);
    }
}

/** Parses a command's arguments; when -h/--help was asked for, prints the help and returns undefined. */
export function parseCommandLine<Flags extends Record<string, FlagSpec>>(
    spec: CommandSpec<Flags>,
    argv: readonly string[],
    terminal: Terminal,
): ParsedFlags<Flags> | undefined {
    const flags = parseFlags(spec, argv);
    if (flags.help) {
        terminal.out(helpText(spec));
        return undefined;
    }
    return flags;
}

function usageError(spec: CommandSpec<Record<string, FlagSpec>>, error: Error & { code?: string }): string {
    const flags = Object.keys(spec.flags).map((name) => `--${name}`);
    if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
        const flag = /'([^']+)'/.exec(error.message)?.[1] ?? "";
        const name = flag.split("=")[0];
        const closestFlag = suggestion(name, [...flags, "--help"]);
        return `unknown flag ${name}${closestFlag ? `; did you mean ${closestFlag}?` : ""}`;
    }
    if (error.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
        const argument = /'([^']+)'/.exec(error.message)?.[1] ?? "";
        return `unexpected argument "${argument}": every value follows its flag, e.g. ${flags[0]} ${argument}`;
    }
    if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
        // Node words it "Option '--stack <value>' argument missing" or "...does not take an argument".
        const flag = /'(--?[\w-]+)/.exec(error.message)?.[1] ?? "";
        return error.message.includes("argument missing") ? `${flag} needs a value` : `${flag} takes no value`;
    }
    return error.message;
}

/** A flag's value as a whole number of at least 1, or the default when the flag is absent. */
export function wholeNumberFlag(flag: string, text: string | undefined, fallback: number): number {
    if (text === undefined) {
        return fallback;
    }
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
        throw new CommandError(`${flag} "${text}" is not allowed; allowed: a whole number of at least 1`, 2);
    }
    return value;
}

/** A command's entry point: run in-process by tests, by `runMain` from the command line. */
export type Main = (argv: readonly string[], io?: CommandIo) => Promise<number>;

/**
 * Wraps a command's body into its `main`: a CommandError prints its message once, with no stack
 * trace, and gives its exit status; anything else is a bug in the command and prints its stack.
 */
export function command(name: string, body: (argv: readonly string[], terminal: Terminal) => Promise<number>): Main {
    return async (argv, io = processIo()) => {
        const terminal = new Terminal(io);
        try {
            return await body(argv, terminal);
        } catch (error) {
            if (error instanceof CommandError) {
                terminal.error(error.message);
                return error.exitCode;
            }
            terminal.error(`${name} itself failed: ${(error as Error).stack ?? String(error)}`);
            return 1;
        }
    };
}

/** Runs a command's main when its file is the one node started, and exits with its status. */
export function runMain(module: NodeModule, main: Main): void {
    if (require.main === module) {
        void main(process.argv.slice(2)).then((code) => process.exit(code));
    }
}

/** Runs a script that takes no flags (a generator, a linter) as a command: its errors print once, its status is the exit code. */
export function runCommand(name: string, body: () => Promise<number>): void {
    void command(name, body)([]).then((code) => process.exit(code));
}
