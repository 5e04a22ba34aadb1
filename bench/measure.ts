/**
 * What the benchmarks share: a command timed as a user runs it, from the repository root, and
 * commands measured side by side, in alternating rounds, so that load from other work on a
 * shared machine falls on all of them alike.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Measured {
    readonly label: string;
    readonly command: string;
    readonly args: readonly string[];
    /** Exit statuses that mean the command did its work (`npm run policy` exits 1 on findings). @default [0] */
    readonly succeeds?: readonly number[];
}

/** Seconds the command took; throws with what it printed when it failed (tsgo reports on stdout). */
export function timeCommand(measured: Measured): number {
    const started = process.hrtime.bigint();
    const result = spawnSync(measured.command, measured.args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status === null || !(measured.succeeds ?? [0]).includes(result.status)) {
        throw new Error(
            `${measured.command} ${measured.args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
        );
    }
    return seconds;
}

/** Runs the commands in turn, `runs` rounds, and prints each one's median; returns the medians. */
export function measureSideBySide(runs: number, commands: readonly Measured[]): number[] {
    const times = commands.map(() => [] as number[]);
    for (let round = 0; round < runs; round++) {
        commands.forEach((measured, index) => times[index].push(timeCommand(measured)));
    }
    return commands.map((measured, index) => {
        const result = median(times[index]);
        console.log(
            `${measured.label.padEnd(40)} median ${result.toFixed(2)} s  (runs: ${times[index].map((time) => time.toFixed(2)).join(", ")})`,
        );
        return result;
    });
}
