import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type z } from "zod";
import { readEdgeOutputs, readStackOutput, readStackOutputs, STACK_OUTPUTS, StackContractError } from "../../model/contracts";
import { ROLES } from "../../model/stacks";

const REPOSITORY_ROOT = path.resolve(__dirname, "../..");

/** An azure-site stack's outputs at day 0: no identity and no origin address yet. */
const AZURE_DAY_ZERO = {
    role: "azure-site",
    azure: {
        location: "eastus2",
        capacity: "standby",
        resourceGroupName: "rg",
        vnetId: "/subscriptions/s/vnet",
        subnetIds: { aksNodes: "/subscriptions/s/vnet/subnets/aks-nodes" },
        kubernetes: { clusterName: "aks", oidcIssuerUrl: "https://issuer" },
        keyVaultUri: "https://vault",
        registryLoginServer: "registry.azurecr.io",
        redisHostName: "redis",
        assetsAccount: "assets",
        backupVaultId: "/subscriptions/s/vault",
        backup: { vaultName: "vault", instanceNames: ["assets"] },
    },
};

describe("model: stack contracts", () => {
    it("reads a day-0 site stack that omits its optional outputs, typed", () => {
        const outputs = readStackOutputs("prod-azure", AZURE_DAY_ZERO, ["azure-site"]);
        assert.equal(outputs.siteIdentity, undefined);
        assert.equal(outputs.azure.backup.vaultName, "vault");
    });

    it("names the stack and the path of a missing output", () => {
        const withoutBackup: Partial<typeof AZURE_DAY_ZERO.azure> = { ...AZURE_DAY_ZERO.azure };
        delete withoutBackup.backup;
        assert.throws(
            () => readStackOutputs("prod-azure", { ...AZURE_DAY_ZERO, azure: withoutBackup }, ["azure-site"]),
            (error: unknown) =>
                error instanceof StackContractError &&
                /^stack prod-azure does not export what its role promises: azure\.backup is missing$/.test(error.message),
        );
    });

    it("names the stack, the path and the expected type of an ill-typed output", () => {
        assert.throws(
            () =>
                readStackOutputs("prod-azure", { ...AZURE_DAY_ZERO, azure: { ...AZURE_DAY_ZERO.azure, capacity: "full" } }, ["azure-site"]),
            /stack prod-azure does not export what its role promises: azure\.capacity: .*"active".*"standby"/,
        );
        assert.throws(
            () => readStackOutput("prod-aws", "aws-site", "siteOriginAddress", 42),
            /stack prod-aws does not export what its role promises: siteOriginAddress: .*expected string/,
        );
    });

    it("refuses a stack of another role, naming the roles allowed", () => {
        assert.throws(
            () => readStackOutputs("prod-aws", { role: "aws-site" }, ["edge"]),
            /stack prod-aws .*role is "aws-site"; allowed: "edge"/,
        );
        assert.throws(() => readStackOutputs("old", {}, ["edge"]), /stack old .*no role output; allowed: role "edge"/);
    });

    it("reads the edge outputs of an edge or all-in-one stack, none of a site stack, and names an ill-typed one", () => {
        assert.equal(readEdgeOutputs("prod-aws", { role: "aws-site" }), undefined);
        assert.equal(readEdgeOutputs("dev", { role: "all-in-one" }), undefined, "an all-in-one exports no edge on day 0");
        assert.throws(
            () => readEdgeOutputs("prod", { role: "edge", edge: { domain: 443 } }),
            /stack prod does not export what its role promises: edge\.domain: .*expected string/,
        );
    });

    describe("every output a workflow reads is in the contract", () => {
        const reads = [...new Map(workflowOutputReads().map((read) => [`${read.file}: ${read.path.join(".")}`, read])).values()];

        it("finds the workflows' reads (the check would be empty otherwise)", () => {
            assert.ok(reads.length >= 6, `found ${reads.length} reads`);
            assert.ok(reads.some((read) => read.path.join(".") === "edge.database.clusterName"));
        });

        for (const read of reads) {
            it(`${read.file}: ${read.path.join(".")}`, () => {
                const roles = ROLES.filter((role) => schemaAt(STACK_OUTPUTS[role], read.path) !== undefined);
                assert.ok(roles.length > 0, `no role's contract has ${read.path.join(".")} (read in ${read.file})`);
            });
        }
    });
});

interface OutputRead {
    readonly file: string;
    readonly path: readonly string[];
}

/**
 * The outputs workflows and actions read: `pulumi stack output <name>`, and the jq paths taken of
 * it, directly (`| jq -r .domain`) or through a shell variable (`edge="$(...)"`, `jq -r .x <<<"$edge"`).
 */
function workflowOutputReads(): OutputRead[] {
    const files = [".github/workflows", ".github/actions"].flatMap((folder) => yamlFiles(path.join(REPOSITORY_ROOT, folder)));
    return files.flatMap((file) => {
        const relative = path.relative(REPOSITORY_ROOT, file);
        const text = fs.readFileSync(file, "utf8");
        const reads: OutputRead[] = [];
        const variables = new Map<string, string[]>();
        const jqPath = (expression: string) => expression.replace(/\[\]$/, "").split(".").filter(Boolean);
        for (const line of text.split("\n")) {
            const output = /pulumi stack output (\w+)\b[^|)]*(?:\|\s*jq -\w+ '?(\.[\w.[\]]*)'?)?/.exec(line);
            if (output) {
                const readPath = [output[1], ...(output[2] ? jqPath(output[2]) : [])];
                reads.push({ file: relative, path: readPath });
                const assigned = /(\w+)="\$\(pulumi stack output/.exec(line);
                if (assigned) {
                    variables.set(assigned[1], readPath);
                }
            }
            for (const fromVariable of line.matchAll(/jq -\w+ '?(\.[\w.[\]]*)'? <<<"\$(\w+)"/g)) {
                const base = variables.get(fromVariable[2]);
                if (base) {
                    reads.push({ file: relative, path: [...base, ...jqPath(fromVariable[1])] });
                }
            }
        }
        return reads;
    });
}

function yamlFiles(folder: string): string[] {
    return fs
        .readdirSync(folder, { withFileTypes: true, recursive: true })
        .flatMap((entry) => (entry.isFile() && /\.ya?ml$/.test(entry.name) ? [path.join(entry.parentPath, entry.name)] : []));
}

/** The schema at a path of output names and keys, looking through optional values, records and arrays. */
function schemaAt(schema: z.core.$ZodType, keys: readonly string[]): z.core.$ZodType | undefined {
    const def = schema._zod.def as {
        type: string;
        innerType?: z.core.$ZodType;
        shape?: Record<string, z.core.$ZodType>;
        valueType?: z.core.$ZodType;
        element?: z.core.$ZodType;
    };
    if (def.type === "optional" && def.innerType) {
        return schemaAt(def.innerType, keys);
    }
    if (def.type === "array" && def.element) {
        return schemaAt(def.element, keys);
    }
    if (keys.length === 0) {
        return schema;
    }
    const [key, ...rest] = keys;
    if (def.type === "object" && def.shape) {
        const child = def.shape[key];
        return child && schemaAt(child, rest);
    }
    if (def.type === "record" && def.valueType) {
        return schemaAt(def.valueType, rest);
    }
    return undefined;
}
