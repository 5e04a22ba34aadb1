import { UnknownValueError } from "@pulumi/policy";
import { stackRule } from "../../lib/rules";

/**
 * Credential formats that must never appear in a resource's inputs. CrossGuard hands policies
 * secret values already unwrapped, so a policy cannot see whether a value was marked secret; what
 * it can see is a credential written into the program or plain config. (The config loader refuses
 * plaintext for the keys the schema declares secret.)
 */
const CREDENTIAL_PATTERNS: readonly { readonly what: string; readonly pattern: RegExp }[] = [
    { what: "an AWS access key id", pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
    { what: "a GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
    { what: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
    { what: "a private key", pattern: /-----BEGIN (RSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/ },
];

/** Inputs whose job is to carry a private key, which the program passes as a secret. */
const KEY_CARRIERS: ReadonlySet<string> = new Set(["aws:acm/certificate:Certificate privateKey"]);

function findCredentials(value: unknown, path: string, found: { path: string; what: string }[]): void {
    if (typeof value === "string") {
        for (const { what, pattern } of CREDENTIAL_PATTERNS) {
            if (pattern.test(value)) {
                found.push({ path, what });
            }
        }
    } else if (typeof value === "object" && value !== null) {
        for (const key of Object.keys(value)) {
            let item: unknown;
            try {
                item = (value as Record<string, unknown>)[key];
            } catch (error) {
                // A value only the cloud will compute holds nothing the program wrote.
                if (error instanceof UnknownValueError) {
                    continue;
                }
                throw error;
            }
            findCredentials(item, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key, found);
        }
    }
}

export const noHardcodedCredentials = stackRule({
    name: "no-hardcoded-credentials",
    pack: "security",
    description:
        "No resource input holds a credential in a recognisable format (access keys, tokens, private keys) outside the inputs made to carry one.",
    severity: "critical",
    remediation:
        "Move the credential to ESC or `pulumi config set --secret`, or better, replace it with an identity (OIDC, IRSA, workload identity).",
    controls: { pciDss: ["3.5.1", "8.3.1"], soc2: ["CC6.1"], gdpr: ["32"], ccpa: ["1798.150"] },
    check: (stack) =>
        stack.resources.flatMap((resource) => {
            const found: { path: string; what: string }[] = [];
            findCredentials(resource.props, "", found);
            return found
                .filter(({ path }) => !KEY_CARRIERS.has(`${resource.type} ${path}`))
                .map(({ path, what }) => ({ message: `${path} holds ${what}`, urn: resource.urn }));
        }),
});
