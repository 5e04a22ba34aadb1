/**
 * The few parts of `@pulumi/pulumi` that the offline planner needs but the SDK keeps out of its
 * public typings. They are what `setMocks` and Pulumi's own `run.js` use; keeping every such
 * reach in this one file makes an SDK upgrade a one-file review.
 */

/** The SDK's mock resource monitor (`runtime/mocks`), which `setMocks` installs. */
export interface MockMonitorLike {
    registerResource(
        request: RegisterResourceRequest,
        callback: (error: Error | null, response?: RegisterResourceResponse) => void,
    ): Promise<void>;
    registerResourceOutputs(request: RegisterResourceOutputsRequest, callback: (error: Error | null, response?: unknown) => void): void;
    readResource(request: ReadResourceRequest, callback: (error: Error | null, response?: ReadResourceResponse) => void): Promise<void>;
}

/** The protobuf RegisterResourceRequest, as far as the planner reads it. */
export interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getDeletebeforereplacedefined(): boolean;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getObject(): ProtobufStruct | undefined;
    getSourceposition(): { getUri(): string; getLine(): number } | undefined;
}
export interface RegisterResourceResponse {
    getUrn(): string;
    getId(): string;
    getObject(): ProtobufStruct | undefined;
}
export interface RegisterResourceOutputsRequest {
    getUrn(): string;
    getOutputs(): ProtobufStruct | undefined;
}
export interface ReadResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getProperties(): ProtobufStruct | undefined;
}
/** What the mocks answered for a read: its URN and the resource's state. */
export interface ReadResourceResponse {
    getUrn(): string;
    getProperties(): ProtobufStruct | undefined;
}
export interface ProtobufStruct {
    toJavaScript(): Record<string, unknown>;
}

type MockMonitorConstructor = new (mocks: unknown) => MockMonitorLike;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal SDK modules, typed by this shim
export const MockMonitor = (require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: MockMonitorConstructor }).MockMonitor;

interface RuntimeStore {
    settings: { monitor: unknown };
    logErrorCount: number;
}

/** The runtime's global store; holds the monitor in use and the count of logged errors. */
export function runtimeStore(): RuntimeStore {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal SDK modules, typed by this shim
    return (require("@pulumi/pulumi/runtime/state") as { getStore(): RuntimeStore }).getStore();
}

/** The URNs the installed mock monitor has registered so far. */
export function registeredUrns(): string[] {
    const monitor = runtimeStore().settings.monitor as { getRegisteredResources?(): Map<string, unknown> };
    return [...(monitor.getRegisteredResources?.().keys() ?? [])];
}

/**
 * Keeps the program from finishing until the returned function is called, as an outstanding RPC
 * does: what a provider registers inside a component (yaml/v2) happens after the component's own
 * registration returns.
 */
export function rpcKeepAlive(): () => void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal SDK modules, typed by this shim
    return (require("@pulumi/pulumi/runtime/settings") as { rpcKeepAlive(): () => void }).rpcKeepAlive();
}

interface DebuggableModule {
    debuggablePromise<T>(promise: Promise<T>, context: unknown): Promise<T>;
    /** `PULUMI_DEBUG_PROMISE_LEAKS` as the SDK read it: only then does a leak report print the traces. */
    debugPromiseLeaks: boolean;
}
interface DebuggablePromise {
    _debugStackTrace?: string;
}

let promiseStacksLimited = false;

/**
 * Keeps the stack trace the SDK stores on each of its promises (`debuggablePromise` in
 * `runtime/debuggable.ts`) only for the one report that prints it: a promise the program leaked,
 * under `PULUMI_DEBUG_PROMISE_LEAKS` (`leakedPromises`, the one reader). Without that variable no
 * frames are captured at all, since holding them keeps every frame's function and receiver alive
 * for as long as the promise lives, which cost a plan of prod more in garbage collection than
 * capturing them did. With it, the frames are captured where the SDK captures them and formatted
 * only when the report reads them, instead of at once: formatting, with every frame mapped through
 * a source map, was a third of a plan's CPU. The report shows the same trace, with this wrapper's
 * frame at its top where the SDK's function was.
 */
export function promiseStacksOnlyForLeakReports(): void {
    if (promiseStacksLimited) {
        return;
    }
    promiseStacksLimited = true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal SDK modules, typed by this shim
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as DebuggableModule;
    const eager = debuggable.debuggablePromise;
    debuggable.debuggablePromise = function debuggablePromise<T>(promise: Promise<T>, context: unknown): Promise<T> {
        // A promise the SDK tracked before this wrapper was installed keeps its eager stack.
        if (Object.getOwnPropertyDescriptor(promise, "_debugStackTrace")?.configurable === false) {
            return eager(promise, context);
        }
        if (!debuggable.debugPromiseLeaks) {
            return withoutFrames(() => eager(promise, context));
        }
        // V8 captures the frames now and formats them when `stack` is first read.
        const captured = new Error();
        // The SDK defines the property without `configurable`: define it first, configurable, so
        // that the SDK's definition keeps it so and it can become a getter again after.
        Object.defineProperty(promise as DebuggablePromise, "_debugStackTrace", { configurable: true, writable: true, value: undefined });
        const tracked = withoutFrames(() => eager(promise, context));
        Object.defineProperty(promise as DebuggablePromise, "_debugStackTrace", { configurable: true, get: () => captured.stack });
        return tracked;
    };
}

/** Runs `track` with V8 capturing no stack frames: the SDK's own `new Error().stack` in it is then just "Error". */
function withoutFrames<T>(track: () => T): T {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return track();
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
}
