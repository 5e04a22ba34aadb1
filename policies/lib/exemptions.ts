import * as fs from "node:fs";
import * as path from "node:path";
import type { Policies, ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { parseDocument } from "yaml";
import { z } from "zod";
import { controlTags } from "./controls";
import { resourcesOfRequest } from "./decoding";
import { markedType, ofType } from "./rules";

/**
 * Exemptions: one version-controlled file (policies/exemptions.yaml) whose entries each excuse
 * one policy on the resources a URN pattern matches, for a reason, with an owner, until a date.
 * The packs apply them, so `pulumi preview --policy-pack` and the offline runner agree:
 *
 *  - an exempted violation is not reported under its policy but by `exempted-violations`
 *    (advisory), as "<policy> is exempted: <message> (...)": visible, never hidden;
 *  - an expired exemption excuses nothing, and `expired-exemptions` (mandatory) fails the run;
 *  - an exemption for this stack that excused nothing is reported as stale.
 *
 * `BEACON_POLICY_EXEMPTIONS` names another file, e.g. for tests.
 */
export const DEFAULT_EXEMPTIONS_FILE = path.resolve(__dirname, "..", "exemptions.yaml");

/** The message prefix by which reports recognise an exempted violation. */
export const EXEMPTED_MARKER = " is exempted: ";
export const EXEMPTED_VIOLATIONS_POLICY = "exempted-violations";
export const EXPIRED_EXEMPTIONS_POLICY = "expired-exemptions";

const exemptionSchema = z.strictObject({
    policy: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "must be a kebab-case policy name" }),
    resource: z.string().startsWith("urn:pulumi:", { error: "must be a URN or a URN pattern with * wildcards" }),
    reason: z.string().min(10, { error: "must say why, in at least 10 characters" }),
    owner: z.string().min(1, { error: "must name who answers for it" }),
    expires: z.iso.date({ error: "must be a date, YYYY-MM-DD" }),
});
const exemptionsFileSchema = z.strictObject({ exemptions: z.array(exemptionSchema) });
export type Exemption = z.output<typeof exemptionSchema>;

/** Reads and validates an exemptions file; throws one error naming the file, entry and field. */
export function loadExemptions(file: string = process.env.BEACON_POLICY_EXEMPTIONS ?? DEFAULT_EXEMPTIONS_FILE): Exemption[] {
    const document = parseDocument(fs.readFileSync(file, "utf8"));
    if (document.errors.length > 0) {
        const [first] = document.errors;
        const where = first.linePos ? `:${first.linePos[0].line}:${first.linePos[0].col}` : "";
        throw new Error(`${file}${where}: not valid YAML: ${first.message.split("\n")[0]}`);
    }
    const parsed = exemptionsFileSchema.safeParse(document.toJS() ?? { exemptions: [] });
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join(".") || "(file)"}: ${issue.message}`);
        throw new Error(`${file}: invalid exemptions\n${problems.join("\n")}`);
    }
    return parsed.data.exemptions;
}

/**
 * The URN of the stack itself (its root `pulumi:pulumi:Stack` resource), which a violation of the
 * stack as a whole is held against, so that an exemption for `urn:pulumi:<stack>::<project>::*`
 * can excuse it.
 */
export function stackUrn(resources: readonly { readonly urn: string }[]): string | undefined {
    const [prefix, project] = resources[0]?.urn.split("::") ?? [];
    if (!prefix || !project) {
        return undefined;
    }
    const stack = prefix.slice("urn:pulumi:".length);
    return `${prefix}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/** `*` matches any run of characters, `/` and `::` included. */
function patternMatcher(pattern: string): RegExp {
    return new RegExp(
        `^${pattern
            .split("*")
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    );
}

function isExpired(exemption: Exemption, today: string): boolean {
    return exemption.expires < today;
}

function describe(exemption: Exemption): string {
    return `owner ${exemption.owner}, until ${exemption.expires}: ${exemption.reason}`;
}

/** What the pack's policies excused during one analysis, reported when the stack is analysed. */
class ExemptionLedger {
    private readonly matchers: { exemption: Exemption; resource: RegExp; stack: RegExp }[];
    private excused: { policy: string; urn: string; message: string; exemption: Exemption }[] = [];
    private readonly used = new Set<Exemption>();

    constructor(
        exemptions: readonly Exemption[],
        private readonly today: string,
    ) {
        this.matchers = exemptions.map((exemption) => ({
            exemption,
            resource: patternMatcher(exemption.resource),
            // `urn:pulumi:<stack>::<project>`: an exemption belongs to one project's stack, never to
            // another project's stack of the same name.
            stack: patternMatcher(exemption.resource.split("::").slice(0, 2).join("::")),
        }));
    }

    /** The active exemption that excuses this violation, if any. */
    excuse(policy: string, urn: string | undefined, message: string): Exemption | undefined {
        if (!urn) {
            return undefined;
        }
        const match = this.matchers.find(
            (candidate) =>
                candidate.exemption.policy === policy && !isExpired(candidate.exemption, this.today) && candidate.resource.test(urn),
        );
        if (match) {
            this.excused.push({ policy, urn, message, exemption: match.exemption });
            this.used.add(match.exemption);
        }
        return match?.exemption;
    }

    /** Exemptions of these policies that apply to the stack of these resources (its project's, by URN). */
    forStack(resources: readonly { readonly urn: string }[], policies: ReadonlySet<string>) {
        const scope = resources[0]?.urn.split("::").slice(0, 2).join("::") ?? "";
        return this.matchers
            .filter((candidate) => policies.has(candidate.exemption.policy) && candidate.stack.test(scope))
            .map((candidate) => candidate.exemption);
    }

    /** What this analysis excused; the next analysis starts afresh. */
    takeExcused() {
        const excused = this.excused;
        this.excused = [];
        return excused;
    }

    /** Forgets which exemptions were used, once this analysis has been reported. */
    reset(): void {
        this.used.clear();
    }

    wasUsed(exemption: Exemption): boolean {
        return this.used.has(exemption);
    }

    isExpired(exemption: Exemption): boolean {
        return isExpired(exemption, this.today);
    }
}

/**
 * Applies the exemptions file to a pack's policies: wraps each so that an exempted violation is
 * held back from its policy, and adds the two policies that report exempted, stale and expired
 * exemptions. They come last, so that they run after every other stack policy of the pack.
 */
export function withExemptions(policies: Policies, exemptions: readonly Exemption[] = loadExemptions()): Policies {
    const ledger = new ExemptionLedger(exemptions, new Date().toISOString().slice(0, 10));
    const names = new Set(policies.map((policy) => policy.name));
    const wrapped = policies.map((policy): ResourceValidationPolicy | StackValidationPolicy => {
        if ("validateStack" in policy) {
            return {
                ...policy,
                validateStack: (args, reportViolation) => {
                    const wholeStack = stackUrn(args.resources);
                    return policy.validateStack({ ...args, resources: resourcesOfRequest(args.resources) }, (message, urn) => {
                        if (!ledger.excuse(policy.name, urn ?? wholeStack, message)) {
                            reportViolation(message, urn);
                        }
                    });
                },
            };
        }
        const exempting =
            (validate: ResourceValidation): ResourceValidation =>
            (args, reportViolation) =>
                validate(args, (message, urn) => {
                    if (!ledger.excuse(policy.name, urn ?? args.urn, message)) {
                        reportViolation(message, urn);
                    }
                });
        const validation = policy.validateResource;
        return {
            ...policy,
            // A single validation stays single and keeps its type mark, which the server only reads there.
            validateResource: Array.isArray(validation)
                ? validation.map(exempting)
                : validation && ofType(markedType(validation), exempting(validation)),
        };
    });

    const exemptedViolations: StackValidationPolicy = {
        name: EXEMPTED_VIOLATIONS_POLICY,
        description: "Lists the violations that an exemption excuses, and exemptions that excuse nothing.",
        enforcementLevel: "advisory",
        severity: "low",
        remediationSteps: "Fix the exempted violation before the exemption expires; delete stale exemptions from policies/exemptions.yaml.",
        tags: controlTags("best-practice"),
        validateStack: (args, reportViolation) => {
            for (const { policy, urn, message, exemption } of ledger.takeExcused()) {
                reportViolation(`${policy}${EXEMPTED_MARKER}${message} (${describe(exemption)})`, urn);
            }
            for (const exemption of ledger.forStack(args.resources, names)) {
                if (!ledger.isExpired(exemption) && !ledger.wasUsed(exemption)) {
                    reportViolation(
                        `stale exemption: ${exemption.policy} on ${exemption.resource} excuses no violation; delete it (${describe(exemption)})`,
                    );
                }
            }
            ledger.reset();
        },
    };
    const expiredExemptions: StackValidationPolicy = {
        name: EXPIRED_EXEMPTIONS_POLICY,
        description: "Fails the run when an exemption for this stack has expired.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Fix the violation, or renew the exemption in policies/exemptions.yaml with a new reason and date.",
        tags: controlTags("best-practice"),
        validateStack: (args, reportViolation) => {
            for (const exemption of ledger.forStack(args.resources, names)) {
                if (ledger.isExpired(exemption)) {
                    reportViolation(
                        `exemption for ${exemption.policy} on ${exemption.resource} expired on ${exemption.expires} (${describe(exemption)})`,
                    );
                }
            }
        },
    };
    return [...wrapped, exemptedViolations, expiredExemptions];
}
