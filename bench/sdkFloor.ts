/**
 * The plan's floor, run as its own process by `npm run bench`: what the Pulumi SDKs cost for the
 * resources a plan of prod registers, with none of our code. It loads the same `@pulumi/*` files a
 * plan loads, then registers the same resources (types, names, parents, providers, inputs), stack
 * by stack, under `@pulumi/pulumi`'s own mocks: each custom resource through the provider SDK's
 * class for its type, as any program must (`resourceClasses`), our components as bare components;
 * no component code, no config, no planner. Argument: a JSON file of `FloorStack[]`, written by
 * bench/plan-and-typecheck.ts.
 *
 * The SDK runs as the planner runs it: with no stack trace kept on each of its promises
 * (`promiseStacksOnlyForLeakReports`), which only a leak report under `PULUMI_DEBUG_PROMISE_LEAKS` reads.
 * As the SDK ships, those traces cost about 0.9 s for prod; a floor that paid for them while the
 * plan does not would flatter the plan's ratio. Registering through the bare abstract classes
 * instead of the provider classes would leave out about 1.3 s that no program avoids.
 */
// First, as in every command: the SDK files below compile once, then load from the cache.
import "../tools/compileCache";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { promiseStacksOnlyForLeakReports } from "../tools/plan/sdkInternals";

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

/** For a type no loaded SDK file has a class for: the SDK's resource classes are abstract, these add nothing to them. */
class FloorCustomResource extends pulumi.CustomResource {}
class FloorProvider extends pulumi.ProviderResource {}

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
};

/** A provider SDK's resource class: `new Class(name, args, opts)` registers its type. */
type ResourceClass = new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/**
 * The resource classes of the loaded SDK files, by the type token each registers
 * (`pulumi:providers:<package>` for a provider). A program registers a resource through its
 * class, which declares every property of the type, inputs and outputs, as an Output of the
 * resource: that is the SDKs' cost too. Only values a module defines itself are read: an index
 * module's lazy getters would load more modules than the plan did.
 */
function resourceClasses(files: Iterable<string>): Map<string, ResourceClass> {
    const classes = new Map<string, ResourceClass>();
    for (const file of files) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module was loaded above; this reads its exports
        const exports = require(file) as Record<string, unknown>;
        for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(exports))) {
            const value: unknown = descriptor.value;
            if (typeof value !== "function" || !(value.prototype instanceof pulumi.CustomResource)) {
                continue;
            }
            const type = (value as { __pulumiType?: unknown }).__pulumiType;
            if (typeof type === "string") {
                const token = value.prototype instanceof pulumi.ProviderResource ? `pulumi:providers:${type}` : type;
                classes.set(token, value as ResourceClass);
            }
        }
    }
    return classes;
}

function register(
    resource: FloorResource,
    registered: ReadonlyMap<string, pulumi.Resource>,
    classes: ReadonlyMap<string, ResourceClass>,
): pulumi.Resource {
    const parent = resource.parent ? registered.get(resource.parent) : undefined;
    if (!resource.custom) {
        return new FloorComponent(resource.type, resource.name, { parent });
    }
    const provider = resource.provider ? (registered.get(resource.provider) as pulumi.ProviderResource | undefined) : undefined;
    const Class = classes.get(resource.type);
    if (Class) {
        return new Class(resource.name, resource.inputs, { parent, provider });
    }
    if (resource.type.startsWith("pulumi:providers:")) {
        return new FloorProvider(resource.type.slice("pulumi:providers:".length), resource.name, resource.inputs, { parent });
    }
    return new FloorCustomResource(resource.type, resource.name, resource.inputs, { parent, provider });
}

async function main(): Promise<void> {
    promiseStacksOnlyForLeakReports();
    const stacks = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as FloorStack[];
    const files = new Set(stacks.flatMap((stack) => stack.sdkFiles));
    for (const file of files) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the SDK files is the point
        require(file);
    }
    const classes = resourceClasses(files);
    for (const stack of stacks) {
        await pulumi.runtime.setMocks(mocks, stack.project, stack.stack, true);
        await pulumi.runtime.runInPulumiStack(async () => {
            const registered = new Map<string, pulumi.Resource>();
            for (const resource of stack.resources) {
                // The stack itself is the root runInPulumiStack registers.
                if (resource.type !== "pulumi:pulumi:Stack") {
                    registered.set(resource.urn, register(resource, registered, classes));
                }
            }
            return undefined;
        });
        await pulumi.runtime.disconnect();
    }
}

if (require.main === module) {
    main().catch((error: unknown) => {
        console.error(error);
        process.exit(1);
    });
}
