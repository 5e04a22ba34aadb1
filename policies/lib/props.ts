/** Readers for resource properties as policies receive them: inputs, some JSON-encoded. */

/** A provider's object-valued inputs arrive JSON-encoded; resources' arrive as objects. */
export function objectInput(value: unknown): Record<string, unknown> | undefined {
    if (typeof value === "string") {
        try {
            const parsed: unknown = JSON.parse(value);
            return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
        } catch {
            return undefined;
        }
    }
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

export function arrayInput(value: unknown): Record<string, unknown>[] {
    return Array.isArray(value) ? (value.filter((item) => typeof item === "object" && item !== null) as Record<string, unknown>[]) : [];
}

/** The tags an AWS provider adds to every resource it manages. */
export function awsDefaultTags(providerProps: Record<string, unknown>): Record<string, unknown> {
    return objectInput(objectInput(providerProps.defaultTags)?.tags) ?? {};
}
/** A policy document, whether the input holds it as JSON text or as an object. */
export function statements(policy: unknown): Record<string, unknown>[] {
    const document = objectInput(policy);
    const list = document?.Statement;
    return Array.isArray(list) ? arrayInput(list) : arrayInput(list === undefined ? [] : [list]);
}

/**
 * Whether a property holds a value: neither absent nor null. A stack policy reads outputs, where
 * the Terraform bridge gives every attribute the program left unset as null.
 */
export const isSet = (value: unknown): boolean => value !== undefined && value !== null;

export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : isSet(value) ? [value] : []);

/** An ARM resource's `properties` object, or an empty one. */
export const armProperties = (props: Record<string, unknown>) => objectInput(props.properties) ?? {};
