import { FAILOVER_DETECTION_TARGET_SEC } from "../../model/failover";
import { otherSite, type Site } from "../../model/stacks";
import { CommandError } from "../command";
import { type DrillBackend, type EdgeView } from "./backend";

/** The deployment guide's targets and ours, in seconds. */
export const TARGETS = {
    guide: { rtoSec: 4 * 3600, rpoSec: 3600 },
    ours: { detectionSec: FAILOVER_DETECTION_TARGET_SEC, rtoSec: 300, rpoSec: 0 },
} as const;

export type StepOutcome = "ok" | "failed" | "skipped";

export interface DrillStep {
    readonly name: string;
    readonly startedAt: string;
    readonly endedAt: string;
    readonly durationMs: number;
    readonly outcome: StepOutcome;
    readonly detail: string;
}

export interface Verification {
    readonly reached: boolean;
    /** Milliseconds from the start of the switch to the first of the stable answers from the site. */
    readonly firstAnswerMs?: number;
    readonly polls: number;
    /** Answers per serving site, and "error" for failed polls. */
    readonly answers: Readonly<Record<string, number>>;
}

/** How a verdict's value is known: timed during this drill, read from the stack's config, or reasoned from it. */
export type Basis = "measured" | "configured" | "derived";

export interface Verdict {
    readonly target: string;
    readonly limit: number;
    readonly basis: Basis;
    /** Seconds; null when the drill never reached what it would time. */
    readonly value: number | null;
    readonly passed: boolean;
}

export interface DrillReport {
    readonly stack: string;
    readonly mode: "live" | "offline";
    readonly from: Site;
    readonly to: Site;
    readonly startedAt: string;
    readonly endedAt: string;
    /** passed: traffic moved and every target was met; failed: moved but missed a target; aborted: nothing switched; rolled-back: switched, missed its deadline, switched back. */
    readonly outcome: "passed" | "failed" | "aborted" | "rolled-back";
    readonly steps: readonly DrillStep[];
    /** Timed during this drill. */
    readonly measured: {
        /** From the start of the switch to the target serving steadily. */
        readonly rtoSec: number | null;
        readonly verification?: Verification;
    };
    /** Read from the edge stack: worst-case detection of a dead site by its monitors. */
    readonly configured: { readonly detectionSec: number };
    /** Reasoned from the database's topology and write concern, not observed. */
    readonly derived: { readonly rpo: { readonly rpoSec: number | null; readonly evidence: string } };
    readonly verdicts: readonly Verdict[];
    readonly notes: readonly string[];
}

export interface DrillOptions {
    readonly to: Site;
    /** Seconds from the start of the switch by which the target must serve. @default 300, our RTO */
    readonly deadlineSec?: number;
    /** Milliseconds between polls of the public endpoint. @default 500 */
    readonly pollIntervalMs?: number;
    /** Answers in a row from the target before traffic counts as moved. @default 3 */
    readonly stableAnswers?: number;
    /** Called after each step, with its name: tests inject faults here. */
    readonly afterStep?: (name: string) => void | Promise<void>;
    readonly log?: (line: string) => void;
}

class Abort extends Error {}

/**
 * Runs a DR drill that moves traffic to `options.to`: preflight, scale the target if it stands
 * by, switch the edge, verify that the target serves, and roll back when it does not in time.
 * Every step is timed; the report holds the measured RTO, the RPO evidence and the verdicts.
 */
export async function runDrill(backend: DrillBackend, options: DrillOptions): Promise<DrillReport> {
    const deadlineSec = options.deadlineSec ?? TARGETS.ours.rtoSec;
    const pollIntervalMs = options.pollIntervalMs ?? 500;
    const stableAnswers = options.stableAnswers ?? 3;
    const log = options.log ?? (() => undefined);
    const steps: DrillStep[] = [];
    const notes: string[] = [];
    const startedAt = new Date();

    const step = async <T>(
        name: string,
        action: () => Promise<{ outcome: StepOutcome; detail: string; value?: T }>,
    ): Promise<T | undefined> => {
        const start = new Date();
        log(`${start.toISOString()}  ${name} ...`);
        let result: { outcome: StepOutcome; detail: string; value?: T };
        try {
            result = await action();
        } catch (error) {
            if (error instanceof CommandError) {
                throw error;
            }
            result = { outcome: "failed", detail: (error as Error).message };
        }
        const end = new Date();
        steps.push({
            name,
            startedAt: start.toISOString(),
            endedAt: end.toISOString(),
            durationMs: end.getTime() - start.getTime(),
            outcome: result.outcome,
            detail: result.detail,
        });
        log(`${end.toISOString()}  ${name}: ${result.outcome} (${end.getTime() - start.getTime()} ms) ${result.detail}`);
        await options.afterStep?.(name);
        if (result.outcome === "failed") {
            throw new Abort(`${name}: ${result.detail}`);
        }
        return result.value;
    };

    let view = (await step("read-edge", async () => {
        const edge = await backend.describeEdge();
        return {
            outcome: "ok",
            detail: `${edge.stack} serves from ${edge.activeSite}; failover order ${edge.failoverOrder.join(" -> ")}`,
            value: edge,
        };
    })) as EdgeView;
    const from = view.activeSite;
    const to = options.to;
    if (from === to) {
        throw new CommandError(
            `stack ${view.stack} already serves from ${to}, so there is no traffic to move there; to drill a failover run the drill with --to ${otherSite(to)}, then fail back with --to ${to}`,
            2,
        );
    }

    let switched = false;
    let verification = undefined as Verification | undefined;
    let outcome: DrillReport["outcome"];
    try {
        await step("preflight-target-health", async () => {
            const health = await backend.siteHealth(to);
            return { outcome: health.healthy ? "ok" : "failed", detail: `${to}: ${health.detail}` };
        });
        await step("preflight-database-majority", async () => {
            const survivors = view.database.survivesLossOf[from];
            const majorityWrites = view.database.connectionSettings.writeConcern === "majority";
            const ok = survivors.majority && majorityWrites;
            return {
                outcome: ok ? "ok" : "failed",
                detail: `without ${from}, ${survivors.remaining} of ${survivors.total} electable nodes remain (${survivors.majority ? "a majority" : "no majority"}); write concern ${view.database.connectionSettings.writeConcern}`,
            };
        });
        if (view.sites[to].capacity === "standby") {
            await step("scale-target", async () => {
                await backend.scaleToActive(to);
                view = await backend.describeEdge();
                return {
                    outcome: view.sites[to].capacity === "active" ? "ok" : "failed",
                    detail: `${to} capacity is now ${view.sites[to].capacity}`,
                };
            });
        } else {
            await step("preflight-target-capacity", async () => ({ outcome: "ok", detail: `${to} already runs at active capacity` }));
        }
        await step("baseline", async () => {
            const answer = await poll(backend.publicUrl, view.failover.siteHeader);
            return { outcome: "ok", detail: `${backend.publicUrl} answered ${answer.status} from ${answer.site ?? "no site"}` };
        });

        const switchStart = Date.now();
        await step("switch", async () => {
            switched = true;
            await backend.switchTo(to);
            return { outcome: "ok", detail: `activeSite=${to} set on ${view.stack} and applied to that stack only` };
        });
        await step("verify", async () => {
            const result = await waitForSite(
                backend.publicUrl,
                view.failover.siteHeader,
                to,
                switchStart,
                deadlineSec,
                pollIntervalMs,
                stableAnswers,
            );
            verification = result;
            return {
                outcome: result.reached ? "ok" : "failed",
                detail: result.reached
                    ? `${to} answered ${stableAnswers} times in a row, first ${result.firstAnswerMs} ms after the switch began (${describeAnswers(result)})`
                    : `${to} did not serve within ${deadlineSec} s (${describeAnswers(result)})`,
            };
        });
        outcome = "passed";
    } catch (error) {
        if (!(error instanceof Abort)) {
            throw error;
        }
        notes.push(`Aborted at ${error.message}`);
        outcome = switched ? "rolled-back" : "aborted";
        if (switched) {
            await rollBack();
        }
    }

    async function rollBack() {
        try {
            await step("rollback", async () => {
                await backend.switchTo(from);
                return { outcome: "ok", detail: `activeSite=${from} restored on ${view.stack}` };
            });
            // The source had been serving: it gets the full deadline once the edge points back at it.
            const restoredAt = Date.now();
            await step("verify-rollback", async () => {
                const result = await waitForSite(
                    backend.publicUrl,
                    view.failover.siteHeader,
                    from,
                    restoredAt,
                    deadlineSec,
                    pollIntervalMs,
                    stableAnswers,
                );
                return {
                    outcome: result.reached ? "ok" : "failed",
                    detail: result.reached
                        ? `${from} serves again (${describeAnswers(result)})`
                        : `${from} does not serve either: page the on-call now (${describeAnswers(result)})`,
                };
            });
        } catch (error) {
            if (!(error instanceof Abort)) {
                throw error;
            }
            notes.push(`Rollback failed at ${error.message}`);
        }
    }

    const rtoSec = outcome === "passed" && verification?.firstAnswerMs !== undefined ? round(verification.firstAnswerMs / 1000) : null;
    const survivors = view.database.survivesLossOf[from];
    const rpoProven = survivors.majority && view.database.connectionSettings.writeConcern === "majority";
    const rpo = {
        rpoSec: rpoProven ? 0 : null,
        evidence: rpoProven
            ? `Derived, not measured: writes commit only on a majority (write concern "majority"), and without ${from} ${survivors.remaining} of ${survivors.total} electable nodes remain, a majority, so every committed write survives on them.`
            : `Not shown: without ${from} ${survivors.remaining} of ${survivors.total} electable nodes remain and the write concern is "${view.database.connectionSettings.writeConcern}".`,
    };
    const detectionSec = view.failover.detectionSec;
    const verdict = (target: string, limit: number, basis: Basis, value: number | null): Verdict => ({
        target,
        limit,
        basis,
        value,
        passed: value !== null && value <= limit,
    });
    const verdicts: Verdict[] = [
        verdict("ours: failover detection", TARGETS.ours.detectionSec, "configured", detectionSec),
        verdict("ours: RTO", TARGETS.ours.rtoSec, "measured", rtoSec),
        verdict("ours: RPO", TARGETS.ours.rpoSec, "derived", rpo.rpoSec),
        verdict("guide: RTO", TARGETS.guide.rtoSec, "measured", rtoSec),
        verdict("guide: RPO", TARGETS.guide.rpoSec, "derived", rpo.rpoSec),
    ];
    if (outcome === "passed" && verdicts.some((verdict) => !verdict.passed)) {
        outcome = "failed";
    }
    notes.push(...(backend.notes ?? []));
    if (backend.mode === "offline") {
        notes.push(
            "Offline: the switch is the offline planner's plan of the edge stack, applied to a local load balancer in front of two local origins on 127.0.0.1; times are this machine's, not Cloudflare's.",
        );
    }
    return {
        stack: view.stack,
        mode: backend.mode,
        from,
        to,
        startedAt: startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        outcome,
        steps,
        measured: { rtoSec, verification },
        configured: { detectionSec },
        derived: { rpo },
        verdicts,
        notes,
    };
}

interface Answer {
    readonly status: number | "error";
    readonly site?: string;
}

async function poll(url: string, siteHeader: string): Promise<Answer> {
    try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: "manual" });
        await response.arrayBuffer();
        return { status: response.status, site: response.headers.get(siteHeader) ?? undefined };
    } catch {
        return { status: "error" };
    }
}

/** Polls until `stable` answers in a row come from `site` with a 2xx, or the deadline passes. */
async function waitForSite(
    url: string,
    siteHeader: string,
    site: Site,
    startMs: number,
    deadlineSec: number,
    intervalMs: number,
    stable: number,
): Promise<Verification> {
    const answers: Record<string, number> = {};
    let polls = 0;
    let run = 0;
    let runStartMs: number | undefined;
    while (Date.now() - startMs <= deadlineSec * 1000) {
        const askedAt = Date.now();
        const answer = await poll(url, siteHeader);
        polls += 1;
        const key = answer.status === "error" ? "error" : `${answer.site ?? "unknown"} ${answer.status}`;
        answers[key] = (answers[key] ?? 0) + 1;
        if (answer.site === site && typeof answer.status === "number" && answer.status < 300) {
            runStartMs ??= askedAt;
            run += 1;
            if (run >= stable) {
                return { reached: true, firstAnswerMs: runStartMs - startMs, polls, answers };
            }
        } else {
            run = 0;
            runStartMs = undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    return { reached: false, polls, answers };
}

function describeAnswers(verification: Verification): string {
    return `${verification.polls} polls: ${Object.entries(verification.answers)
        .map(([key, count]) => `${count} x ${key}`)
        .join(", ")}`;
}

function round(value: number): number {
    return Math.round(value * 1000) / 1000;
}
