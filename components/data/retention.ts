import type * as pulumi from "@pulumi/pulumi";

/**
 * How a data store is kept: every resource that holds data (a bucket, a cache, a registry, a
 * backup vault, a key store, a storage account, a database) gets its options from
 * `dataStoreOptions`, set on that resource itself, never on the component around it.
 *
 * Why on the resource: the Node SDK copies only `protect` from a parent to its children
 * (pulumi/pulumi sdk/nodejs/resource.ts, the `parent.__protect` fallback); `retainOnDelete` given
 * to a ComponentResource stays on the component, so its data would be deleted with the stack.
 */
export interface DataRetention {
    /** Refuse to delete or replace the store (prod). Retained on delete either way. */
    readonly protect: boolean;
}

/** The options of a resource that holds data: the caller's options, protected as asked and always retained. */
export function dataStoreOptions(retention: DataRetention, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...opts, protect: retention.protect, retainOnDelete: true };
}
