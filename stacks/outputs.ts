import type * as pulumi from "@pulumi/pulumi";

/**
 * What a program may return for a value of the stack contract (model/contracts.ts): the value, or
 * Outputs and promises of it at any depth. `{ ... } satisfies Exported<AwsSiteStackOutputs>`
 * fails to compile when an output is missing, misnamed, extra or of another type.
 */
export type Exported<T> = T extends undefined
    ? undefined
    : T extends string | number | boolean
      ? pulumi.Input<T>
      : T extends readonly (infer E)[]
        ? pulumi.Input<readonly Exported<E>[]>
        : pulumi.Input<{ readonly [K in keyof T]: Exported<T[K]> }>;
