import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";

/**
 * What a provider answers as a resource's outputs, the state the engine keeps and hands to every
 * pack's `AnalyzeStack` (`AnalyzeResources` sends each resource's `Outputs`, where `Analyze` had
 * its inputs: pulumi/pulumi `pkg/resource/deploy/step_generator.go`). A resource class's SDK
 * declaration lists its outputs as `readonly <property>: pulumi.Output<...>` members, those the
 * schema may leave unset typed `<T> | undefined`.
 *
 * - azure-native answers with the resource's response body in the SDK's names: on create and read
 *   the body ARM returns, in a preview `PreviewOutputs`, which walks the response schema and
 *   copies each input it finds there (pulumi/pulumi-azure-native `provider/pkg/provider/provider.go`
 *   `Create`, `provider/pkg/convert/previewOutputs.go`). Path parameters (`resourceGroupName`,
 *   `virtualNetworkName`, a resource's own `secretName` or `containerName`) and write-only inputs
 *   are not in it; its ARM name is, as `name`.
 * - aws answers through the Terraform bridge with every attribute of the resource's schema, an
 *   unset one as null (`MakeTerraformResult`, pulumi/pulumi-terraform-bridge
 *   `pkg/tfbridge/schema.go`; the engine hands nulls on to the packs), and a write-only one
 *   (documented "This field is write-only") always null: Terraform keeps a write-only argument
 *   null in planned and final state (developer.hashicorp.com/terraform/plugin/sdkv2/resources/
 *   write-only-arguments). A policy that tells an unset attribute by `undefined` misreads it.
 *   (Resources the provider implements with the Plugin Framework drop nulls instead, so rules
 *   must read null and absent alike.)
 *
 * Nested objects keep what they were given. Other providers' outputs are left as the mocks make them.
 */
export function providerOutputs(type: string, outputs: Record<string, unknown>): Record<string, unknown> {
    const [pkg] = type.split(":");
    if (pkg !== "azure-native" && pkg !== "aws") {
        return outputs;
    }
    const members = outputMembers(type);
    const answered: Record<string, unknown> = Object.fromEntries(Object.entries(outputs).filter(([key]) => members.has(key)));
    if (pkg === "aws") {
        for (const [member, { optional, writeOnly }] of members) {
            if (writeOnly || (optional && !(member in answered))) {
                answered[member] = null;
            }
        }
    }
    return answered;
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

/** An output a resource class declares: whether the schema may leave it unset, and whether the state never holds it. */
interface OutputMember {
    readonly optional: boolean;
    readonly writeOnly: boolean;
}

const declaredOutputs = new Map<string, ReadonlyMap<string, OutputMember>>();
const MEMBER_START = /^ {4}readonly (\w+)!?: pulumi\.Output</;

/**
 * The outputs a resource class declares, each with whether the schema may leave it unset, read from
 * its SDK declaration: `aws:s3/bucketV2:BucketV2` -> `@pulumi/aws/s3/bucketV2.d.ts`,
 * `azure-native:network:Subnet` -> `@pulumi/azure-native/network/subnet.d.ts`.
 */
function outputMembers(type: string): ReadonlyMap<string, OutputMember> {
    let members = declaredOutputs.get(type);
    if (!members) {
        const [pkg, module = "", resource = ""] = type.split(":");
        const file = module.includes("/")
            ? `${module}.d.ts`
            : path.join(module, `${resource.charAt(0).toLowerCase()}${resource.slice(1)}.d.ts`);
        const root = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`));
        const declaration = path.join(root, file);
        if (!fs.existsSync(declaration)) {
            throw new Error(`${type}: no declaration ${file} in @pulumi/${pkg} to read its outputs from`);
        }
        members = outputsDeclared(fs.readFileSync(declaration, "utf8"));
        declaredOutputs.set(type, members);
    }
    return members;
}

/**
 * The `readonly <member>: pulumi.Output<...>` members of a generated declaration. Each is one
 * line or continues on lines indented deeper (an object type), and ends `| undefined>;` when the
 * schema may leave it unset; the doc comment above it says when it is a Terraform write-only
 * attribute, which plans and state never hold.
 */
function outputsDeclared(declaration: string): Map<string, OutputMember> {
    const members = new Map<string, OutputMember>();
    const lines = declaration.split("\n");
    let doc = "";
    for (let index = 0; index < lines.length; index++) {
        const line = lines[index];
        if (line.startsWith("    /**")) {
            doc = "";
        }
        if (/^ {4}(\/\*\*| \*)/.test(line)) {
            doc += line;
            continue;
        }
        const start = MEMBER_START.exec(line);
        if (start) {
            let text = line;
            while (index + 1 < lines.length && /^ {5,}/.test(lines[index + 1])) {
                text += lines[++index];
            }
            members.set(start[1], { optional: text.trimEnd().endsWith("| undefined>;"), writeOnly: /This field is write-only/.test(doc) });
        }
        doc = "";
    }
    return members;
}
