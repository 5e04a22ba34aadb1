import * as fs from "node:fs";
import { CommandError, PLAIN, type Paint } from "../cli";
import type { planJson } from "./report";
import { SECRET_MARKER } from "./planner";

/** A plan as `npm run plan -- --json` writes it: the stack, and under `stacks` each stack it read. */
export type PlanJson = ReturnType<typeof planJson>;
type StackJson = Omit<PlanJson, "stacks">;
type ResourceJson = StackJson["resources"][number];

/** How a value differs between two plans, shaped for display as `pulumi preview --diff` shows it. */
export type ValueDiff =
    | { readonly kind: "add"; readonly value: unknown }
    | { readonly kind: "delete"; readonly value: unknown }
    | { readonly kind: "update"; readonly old: unknown; readonly new: unknown }
    | EntriesDiff;

/** An object or a list present on both sides, by its changed keys or indices. */
export interface EntriesDiff {
    readonly kind: "object" | "array";
    readonly entries: ReadonlyMap<string, ValueDiff>;
}

export type ResourceOperation = "create" | "update" | "delete";

export interface ResourceChange {
    readonly operation: ResourceOperation;
    readonly urn: string;
    readonly type: string;
    /** How many ancestors the resource has: the display indents by it. */
    readonly depth: number;
    /** What changed in its inputs; for a create or a delete, every input added or removed. */
    readonly inputs: EntriesDiff;
}

export interface StackDiff {
    readonly stack: string;
    readonly changes: readonly ResourceChange[];
    readonly unchanged: number;
}

/**
 * Reads a plan that `--json` wrote. A file of any other shape is bad usage: the message names the
 * file and what it lacks.
 */
export function readPlanJson(file: string): PlanJson {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new CommandError(`--diff ${file}: cannot read a plan from it (${(error as Error).message})`, 2);
    }
    const isStack = (value: unknown): value is StackJson =>
        typeof value === "object" &&
        value !== null &&
        typeof (value as StackJson).stack === "string" &&
        Array.isArray((value as StackJson).resources) &&
        (value as StackJson).resources.every(
            (resource) =>
                typeof resource?.urn === "string" &&
                typeof resource.type === "string" &&
                typeof resource.inputs === "object" &&
                resource.inputs !== null,
        );
    const plan = parsed as PlanJson;
    if (!isStack(plan) || !Array.isArray(plan.stacks) || !plan.stacks.every(isStack)) {
        throw new CommandError(
            `--diff ${file}: not a plan written by 'npm run plan -- --json': it needs stack, resources (each with urn, type, inputs) and stacks`,
            2,
        );
    }
    return plan;
}

/**
 * What the current plan would change compared with an earlier one, stack by stack (referenced
 * stacks first, as they are planned): resources only in the current plan are created, those only
 * in the earlier one deleted, those in both with different inputs updated. Changes at the paths a
 * resource's `ignoreChanges` names do not count, as the engine ignores them.
 */
export function diffPlans(earlier: PlanJson, current: PlanJson): StackDiff[] {
    const earlierStacks = new Map([...earlier.stacks, earlier].map((stack) => [stack.stack, stack]));
    const currentStacks = [...current.stacks, current];
    const diffs = currentStacks.map((stack) => diffStack(stack.stack, earlierStacks.get(stack.stack)?.resources ?? [], stack.resources));
    const gone = [...earlierStacks.values()].filter((stack) => !currentStacks.some((currentStack) => currentStack.stack === stack.stack));
    return [...gone.map((stack) => diffStack(stack.stack, stack.resources, [])), ...diffs];
}

function diffStack(stack: string, earlier: readonly ResourceJson[], current: readonly ResourceJson[]): StackDiff {
    const earlierByUrn = new Map(earlier.map((resource) => [resource.urn, resource]));
    const currentUrns = new Set(current.map((resource) => resource.urn));
    const depthIn = (resources: readonly ResourceJson[]) => {
        const parents = new Map(resources.map((resource) => [resource.urn, resource.parent]));
        return (urn: string) => {
            let depth = 0;
            for (let parent = parents.get(urn); parent; parent = parents.get(parent)) {
                depth++;
            }
            return depth;
        };
    };
    const currentDepth = depthIn(current);
    const earlierDepth = depthIn(earlier);
    const changes: ResourceChange[] = [];
    let unchanged = 0;
    for (const resource of current) {
        const before = earlierByUrn.get(resource.urn);
        const change = (operation: ResourceOperation, inputs: EntriesDiff) =>
            changes.push({ operation, urn: resource.urn, type: resource.type, depth: currentDepth(resource.urn), inputs });
        if (!before) {
            change("create", wholeObject("add", resource.inputs));
            continue;
        }
        const inputs = withoutIgnored(diffValues(before.inputs, resource.inputs), resource.options?.ignoreChanges ?? []);
        if (inputs && "entries" in inputs) {
            change("update", inputs);
        } else {
            unchanged++;
        }
    }
    // Deletes come last, in the earlier plan's order, as the engine deletes after it creates and updates.
    for (const resource of earlier.filter((resource) => !currentUrns.has(resource.urn))) {
        changes.push({
            operation: "delete",
            urn: resource.urn,
            type: resource.type,
            depth: earlierDepth(resource.urn),
            inputs: wholeObject("delete", resource.inputs),
        });
    }
    return { stack, changes, unchanged };
}

function wholeObject(kind: "add" | "delete", inputs: Record<string, unknown>): EntriesDiff {
    return { kind: "object", entries: new Map(Object.entries(inputs).map(([key, value]) => [key, { kind, value }])) };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** The difference between two values, or undefined when they are equal. */
export function diffValues(old: unknown, current: unknown): ValueDiff | undefined {
    if (isPlainObject(old) && isPlainObject(current)) {
        return entriesDiff("object", old, current, Object.keys({ ...old, ...current }));
    }
    if (Array.isArray(old) && Array.isArray(current)) {
        const indices = Array.from({ length: Math.max(old.length, current.length) }, (_, index) => String(index));
        return entriesDiff("array", old as unknown as Record<string, unknown>, current as unknown as Record<string, unknown>, indices);
    }
    return JSON.stringify(old) === JSON.stringify(current) ? undefined : { kind: "update", old, new: current };
}

function entriesDiff(
    kind: "object" | "array",
    old: Record<string, unknown>,
    current: Record<string, unknown>,
    keys: readonly string[],
): ValueDiff | undefined {
    const entries = new Map<string, ValueDiff>();
    for (const key of keys) {
        const inOld = Object.hasOwn(old, key) && old[key] !== undefined;
        const inCurrent = Object.hasOwn(current, key) && current[key] !== undefined;
        const entry = !inOld
            ? inCurrent
                ? ({ kind: "add", value: current[key] } as const)
                : undefined
            : !inCurrent
              ? ({ kind: "delete", value: old[key] } as const)
              : diffValues(old[key], current[key]);
        if (entry) {
            entries.set(key, entry);
        }
    }
    return entries.size === 0 ? undefined : { kind, entries };
}

/**
 * Drops the changes at paths `ignoreChanges` names (`spec.replicas`, `tags["Name"]`, `rules[*]`),
 * as the engine does before it diffs: pulumi/pulumi `pkg/resource/deploy/step_generator.go`
 * (processIgnoreChanges) resets those paths to their old values.
 */
function withoutIgnored(diff: ValueDiff | undefined, ignoreChanges: readonly string[]): ValueDiff | undefined {
    let result = diff;
    for (const path of ignoreChanges) {
        result = dropPath(result, propertyPath(path));
    }
    return result;
}

/** `a.b["c.d"][0]` as [a, b, c.d, 0]. */
function propertyPath(path: string): string[] {
    return [...path.matchAll(/\["([^"]*)"\]|\[(\d+|\*)\]|([^.[\]]+)/g)].map((match) => match[1] ?? match[2] ?? match[3]);
}

function dropPath(diff: ValueDiff | undefined, path: readonly string[]): ValueDiff | undefined {
    if (diff === undefined || path.length === 0) {
        return undefined;
    }
    if (diff.kind !== "object" && diff.kind !== "array") {
        return diff;
    }
    const [head, ...rest] = path;
    const entries = new Map(diff.entries);
    for (const key of head === "*" ? [...entries.keys()] : [head]) {
        const kept = dropPath(entries.get(key), rest);
        if (kept) {
            entries.set(key, kept);
        } else {
            entries.delete(key);
        }
    }
    return entries.size === 0 ? undefined : { kind: diff.kind, entries };
}

/** Paints text in an operation's colour. */
type PaintOperation = (operation: ResourceOperation, text: string) => string;

/** The engine's colours: create green, update yellow, delete red (pulumi/pulumi `pkg/resource/deploy/step.go`, StepOp Color). */
const OPERATION_STYLE = { create: "green", update: "yellow", delete: "red" } as const;

/**
 * Symbols as the engine prints them: pulumi/pulumi `pkg/resource/deploy/step.go` (StepOp
 * Prefix: create "+ ", update "~ ", delete "- ").
 */
const PREFIX: Record<ResourceOperation, string> = { create: "+ ", update: "~ ", delete: "- " };

/**
 * The diff as `pulumi preview --diff` lays it out (pulumi/pulumi `pkg/backend/display/diff.go`
 * and `pkg/engine/diff.go`): per resource `<indent><symbol><type>: (<operation>)`, its URN in
 * brackets, then each changed input with its own symbol, `old => new` for an update, objects and
 * lists opened with `{` / `[` and their changed entries one level deeper; secrets stay `[secret]`.
 * Four spaces per level of parentage, the symbol in the last two. Then each stack's counts.
 */
export function renderDiff(diffs: readonly StackDiff[], earlierFile: string, style: Paint = PLAIN): string {
    const paint: PaintOperation = (operation, text) => style(OPERATION_STYLE[operation], text);
    const lines: string[] = [];
    const totals = { create: 0, update: 0, delete: 0, unchanged: 0 };
    for (const diff of diffs) {
        lines.push(`Previewing update (${diff.stack}) against the plan in ${earlierFile}:`, "");
        for (const change of diff.changes) {
            const indent = "    ".repeat(change.depth);
            lines.push(`${indent}${paint(change.operation, `${PREFIX[change.operation]}${change.type}: (${change.operation})`)}`);
            lines.push(`${indent}    [urn=${change.urn}]`);
            lines.push(...renderEntries(change.inputs, `${indent}    `, paint));
        }
        const counts = (["create", "update", "delete"] as const).map(
            (operation) => [operation, diff.changes.filter((change) => change.operation === operation).length] as const,
        );
        if (diff.changes.length > 0) {
            lines.push("");
        }
        lines.push("Resources:");
        for (const [operation, count] of counts) {
            totals[operation] += count;
            if (count > 0) {
                lines.push(`    ${paint(operation, `${PREFIX[operation]}${count} to ${operation}`)}`);
            }
        }
        totals.unchanged += diff.unchanged;
        const kinds = counts.filter(([, count]) => count > 0).length;
        const summary = [
            ...(kinds >= 2 ? [`${diff.changes.length} changes`] : []),
            ...(diff.changes.length === 0 ? ["no changes"] : []),
            `${diff.unchanged} unchanged`,
        ];
        lines.push(`    ${summary.join(". ")}`, "");
    }
    lines.push(
        `Changes in ${diffs.length} ${diffs.length === 1 ? "stack" : "stacks"}: ${totals.create} to create, ${totals.update} to update, ${totals.delete} to delete, ${totals.unchanged} unchanged`,
    );
    return lines.join("\n");
}

/** The entries of an object or list diff, each on its line at `indent` with the symbol in its last two columns. */
function renderEntries(diff: EntriesDiff, indent: string, paint: PaintOperation): string[] {
    const lines: string[] = [];
    for (const [key, entry] of diff.entries) {
        const label = diff.kind === "array" ? `[${key}]` : key;
        lines.push(...renderEntry(label, entry, indent, paint));
    }
    return lines;
}

function renderEntry(label: string, entry: ValueDiff, indent: string, paint: PaintOperation): string[] {
    const symbolColumn = indent.slice(2);
    switch (entry.kind) {
        case "update":
            return [`${symbolColumn}${paint("update", `~ ${label}: ${formatValue(entry.old)} => ${formatValue(entry.new)}`)}`];
        case "add":
        case "delete": {
            const operation = entry.kind === "add" ? "create" : "delete";
            return renderWhole(label, entry.value, indent, operation, paint);
        }
        default: {
            // An object or a list present on both sides, some of its entries changed.
            const [open, close] = entry.kind === "array" ? ["[", "]"] : ["{", "}"];
            return [
                `${symbolColumn}${paint("update", `~ ${label}: ${open}`)}`,
                ...renderEntries(entry, `${indent}    `, paint),
                `${indent}${close}`,
            ];
        }
    }
}

/** A value added or removed as a whole: scalars inline, objects and lists entry by entry with the same symbol. */
function renderWhole(label: string, value: unknown, indent: string, operation: "create" | "delete", paint: PaintOperation): string[] {
    const symbolColumn = indent.slice(2);
    const entries = isPlainObject(value)
        ? Object.entries(value)
        : Array.isArray(value)
          ? value.map((item, index) => [`[${index}]`, item])
          : undefined;
    if (!entries || entries.length === 0) {
        return [`${symbolColumn}${paint(operation, `${PREFIX[operation]}${label}: ${formatValue(value)}`)}`];
    }
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    return [
        `${symbolColumn}${paint(operation, `${PREFIX[operation]}${label}: ${open}`)}`,
        ...entries.flatMap(([key, item]) => renderWhole(key as string, item, `${indent}    `, operation, paint)),
        `${indent}${paint(operation, close)}`,
    ];
}

/** A scalar as the engine prints it: strings quoted, secrets as `[secret]`, empty objects and lists as `{}` and `[]`. */
function formatValue(value: unknown): string {
    if (value === SECRET_MARKER) {
        return SECRET_MARKER;
    }
    if (value === null || value === undefined) {
        return "null";
    }
    return JSON.stringify(value);
}
