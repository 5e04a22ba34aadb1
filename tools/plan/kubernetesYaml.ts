import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";

/**
 * What pulumi-kubernetes' `yaml/v2` components register, from `provider/pkg/provider/yaml/v2/yaml.go`
 * (`ParseDecodeYamlFiles`, `parseUnstructured`) and `configfile.go`/`configgroup.go`: the objects of
 * `objs`, then of `yaml`, then of each file (globs expand for ConfigGroup); empty documents are
 * skipped and `*List` kinds are flattened into their items. Each object becomes a resource named
 * `<prefix>-<namespace>/<name>` (or `<prefix>-<name>`), the prefix defaulting to the component's
 * name; a v1 Secret's `data` and `stringData` are secret.
 */

export interface KubernetesChild {
    readonly type: string;
    readonly name: string;
    readonly object: Record<string, unknown>;
    /** Top-level keys the provider marks secret. */
    readonly secretKeys: readonly string[];
}

/** Thrown for content that lives on the network, which the offline planner cannot fetch. */
export class RemoteManifestError extends Error {}

export function configChildren(componentName: string, inputs: Record<string, unknown>, glob: boolean): KubernetesChild[] {
    const prefix = typeof inputs.resourcePrefix === "string" ? inputs.resourcePrefix : componentName;
    const objects = [...asArray(inputs.objs)] as Record<string, unknown>[];
    for (const text of asArray(inputs.yaml)) {
        objects.push(...decode(String(text)));
    }
    for (const file of [...asArray(inputs.file), ...asArray(inputs.files)].map(String)) {
        if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(file)) {
            throw new RemoteManifestError(`manifest "${file}" is on the network`);
        }
        const paths = glob && /(?:^|[^\\])[*?[]/.test(file) ? expandGlob(file) : [file];
        for (const filePath of paths) {
            objects.push(...decode(fs.readFileSync(filePath, "utf8")));
        }
    }
    return objects.flatMap((object) => children(object, prefix));
}

function children(object: Record<string, unknown>, prefix: string): KubernetesChild[] {
    const { apiVersion, kind } = object as { apiVersion?: string; kind?: string };
    if (!apiVersion || !kind) {
        throw new Error(`Kubernetes resources require a kind and apiVersion: \`${JSON.stringify(object).slice(0, 100)}\``);
    }
    if (kind.endsWith("List") && Array.isArray(object.items)) {
        return (object.items as Record<string, unknown>[]).flatMap((item) => children(item, prefix));
    }
    const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
    if (!metadata.name) {
        throw new Error(`YAML object does not have a .metadata.name: \`${JSON.stringify(object).slice(0, 100)}\``);
    }
    const qualified = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
    const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
    return [
        {
            type: `kubernetes:${group}:${kind}`,
            name: prefix ? `${prefix}-${qualified}` : qualified,
            object,
            secretKeys: apiVersion === "v1" && kind === "Secret" ? ["data", "stringData"].filter((key) => key in object) : [],
        },
    ];
}

function decode(text: string): Record<string, unknown>[] {
    return parseAllDocuments(text)
        .map((document) => document.toJS() as Record<string, unknown> | null)
        .filter(
            (object): object is Record<string, unknown> => object !== null && typeof object === "object" && Object.keys(object).length > 0,
        );
}

/** Go's `filepath.Glob` for a pattern in the file name (`manifests/*.yaml`), in sorted order as Go returns it. */
function expandGlob(pattern: string): string[] {
    const directory = path.dirname(pattern);
    const matcher = new RegExp(
        `^${path
            .basename(pattern)
            .replace(/[.+^${}()|\\]/g, "\\$&")
            .replace(/\*/g, "[^/]*")
            .replace(/\?/g, "[^/]")}$`,
    );
    return fs
        .readdirSync(directory)
        .filter((entry) => matcher.test(entry))
        .sort()
        .map((entry) => path.join(directory, entry));
}

function asArray(value: unknown): unknown[] {
    return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}
