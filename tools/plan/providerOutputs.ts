import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";

/**
 * What a provider answers as a resource's outputs, the state the engine keeps and hands to every
 * pack's `AnalyzeStack` (`AnalyzeResources` sends each resource's `Outputs`, where `Analyze` had
 * its inputs: pulumi/pulumi `pkg/resource/deploy/step_generator.go`).
 *
 * azure-native answers with the resource's response body in the SDK's names: on create and read
 * the body ARM returns, in a preview `PreviewOutputs`, which walks the response schema and copies
 * each input it finds there (pulumi/pulumi-azure-native `provider/pkg/provider/provider.go`
 * `Create`, `provider/pkg/convert/previewOutputs.go`). Path parameters (`resourceGroupName`,
 * `virtualNetworkName`, a resource's own `secretName` or `containerName`) and write-only inputs
 * are not in it; its ARM name is, as `name`. The response's properties are the resource class's
 * outputs, which its SDK declaration lists as `readonly <property>: pulumi.Output<...>` members.
 * Nested objects keep what they were given. Other providers answer with every input they were
 * given and what they compute (the Terraform bridge's planned state, Kubernetes' object): their
 * outputs are left as the mocks make them.
 */
export function providerOutputs(type: string, outputs: Record<string, unknown>): Record<string, unknown> {
    const names = type.startsWith("azure-native:") ? azureNativeOutputNames(type) : undefined;
    return names ? Object.fromEntries(Object.entries(outputs).filter(([key]) => names.has(key))) : outputs;
}

/**
 * A resource's outputs after its inputs changed (a remediation, a test's mutation): each changed
 * input goes into the outputs as the provider would echo it, and what the provider does not
 * answer is left out again.
 */
export function outputsAfterInputChange(
    type: string,
    outputs: Record<string, unknown>,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
): Record<string, unknown> {
    const changed = { ...outputs };
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (!(key in after)) {
            delete changed[key];
        } else if (!isDeepStrictEqual(before[key], after[key])) {
            changed[key] = after[key];
        }
    }
    return providerOutputs(type, changed);
}

const azureOutputNames = new Map<string, ReadonlySet<string>>();
const AZURE_NATIVE_ROOT = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
const OUTPUT_MEMBER = /^ {4}readonly (\w+)!?: pulumi\.Output</gm;

/** The outputs of an azure-native resource class (`azure-native:network:Subnet` -> `network/subnet.d.ts`). */
function azureNativeOutputNames(type: string): ReadonlySet<string> {
    let names = azureOutputNames.get(type);
    if (!names) {
        const [, module, resource] = type.split(":");
        const declaration = path.join(AZURE_NATIVE_ROOT, module ?? "", `${resource?.[0]?.toLowerCase() ?? ""}${resource?.slice(1) ?? ""}.d.ts`);
        if (!fs.existsSync(declaration)) {
            throw new Error(`${type}: no declaration ${path.relative(AZURE_NATIVE_ROOT, declaration)} in @pulumi/azure-native to read its outputs from`);
        }
        names = new Set([...fs.readFileSync(declaration, "utf8").matchAll(OUTPUT_MEMBER)].map((match) => match[1]));
        azureOutputNames.set(type, names);
    }
    return names;
}
