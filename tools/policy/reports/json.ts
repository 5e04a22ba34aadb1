import type { PolicyCheck } from "../runner";

/** `{ "violations": [...] }`, one entry per finding. */
export function renderJson(check: PolicyCheck) {
    return {
        violations: check.violations.map(({ pack, policy, enforcementLevel, severity, urn, message, exempted }) => ({
            pack,
            policy,
            enforcementLevel,
            severity,
            urn,
            message,
            exempted,
        })),
    };
}
