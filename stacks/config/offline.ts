/**
 * The marker of a value the offline planner stands in for a secret that an ESC environment
 * supplies. Offline, nobody knows which keys the environment holds, so the planner stands in for
 * every secret of the schema that the stack file does not set; the loader ignores a stand-in for
 * a key the stack's role does not use.
 */
export const OFFLINE_ESC_PLACEHOLDER_PREFIX = "[offline placeholder for ";
export const OFFLINE_ESC_PLACEHOLDER_MARK = " from ESC environment ";

export function isOfflineEscPlaceholder(value: string | undefined): boolean {
    return value !== undefined && value.startsWith(OFFLINE_ESC_PLACEHOLDER_PREFIX) && value.includes(OFFLINE_ESC_PLACEHOLDER_MARK);
}
