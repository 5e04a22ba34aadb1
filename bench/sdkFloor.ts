/**
 * The plan's floor, run as its own process by `npm run bench`: what the Pulumi SDKs cost for the
 * resources a plan of prod registers, with none of our code. It loads the same `@pulumi/*` files a
 * plan loads, then registers the same resources (types, names, parents, providers, inputs), stack
 * by stack, straight through `@pulumi/pulumi` under the SDK's own mocks: no components, no config,
 * no planner. Argument: a JSON file of `FloorStack[]`, written by bench/plan-and-typecheck.ts.
 *
 * The SDK runs as the planner runs it: with no stack trace kept on each of its promises
 * (`deferPromiseDebugStacks`), which only a leak report under `PULUMI_DEBUG_PROMISE_LEAKS` reads.
 * As the SDK ships, those traces cost about 0.9 s of the 2.7 s this takes for prod; a floor that
 * paid for them while the plan does not would flatter the plan's ratio.
 */
// First, as in every command: the SDK files below compile once, then load from the cache.
import "../tools/compileCache";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { deferPromiseDebugStacks } from "../tools/plan/sdkInternals";

export interface FloorResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly parent: string | null;
    readonly provider: string | null;
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
}

export interface FloorStack {
    readonly project: string;
    readonly stack: string;
    /** Every `@pulumi/*` file the real plan loaded: the provider SDKs a program cannot avoid. */
    readonly sdkFiles: readonly string[];
    /** In registration order, so a parent or provider always comes before its children. */
    readonly resources: readonly FloorResource[];
}

/** A component with nothing inside but what the plan registered under it. */
class FloorComponent extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs({});
    }
}

/** The SDK's resource classes are abstract; these add nothing to them. */
class FloorCustomResource extends pulumi.CustomResource {}
class FloorProvider extends pulumi.ProviderResource {}

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
};

function register(resource: FloorResource, registered: ReadonlyMap<string, pulumi.Resource>): pulumi.Resource {
    const parent = resource.parent ? registered.get(resource.parent) : undefined;
    if (resource.type.startsWith("pulumi:providers:")) {
        return new FloorProvider(resource.type.slice("pulumi:providers:".length), resource.name, resource.inputs, { parent });
    }
    if (!resource.custom) {
        return new FloorComponent(resource.type, resource.name, { parent });
    }
    const provider = resource.provider ? (registered.get(resource.provider) as pulumi.ProviderResource | undefined) : undefined;
    return new FloorCustomResource(resource.type, resource.name, resource.inputs, { parent, provider });
}

async function main(): Promise<void> {
    deferPromiseDebugStacks();
    const stacks = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as FloorStack[];
    for (const file of new Set(stacks.flatMap((stack) => stack.sdkFiles))) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the SDK files is the point
        require(file);
    }
    for (const stack of stacks) {
        await pulumi.runtime.setMocks(mocks, stack.project, stack.stack, true);
        await pulumi.runtime.runInPulumiStack(async () => {
            const registered = new Map<string, pulumi.Resource>();
            for (const resource of stack.resources) {
                // The stack itself is the root runInPulumiStack registers.
                if (resource.type !== "pulumi:pulumi:Stack") {
                    registered.set(resource.urn, register(resource, registered));
                }
            }
            return undefined;
        });
        await pulumi.runtime.disconnect();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
