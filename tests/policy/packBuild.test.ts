import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    buildPolicyPacks,
    ensurePolicyPacksBuilt,
    PACK_BUILD_DIRECTORY,
    PACK_ENTRY,
    packNames,
    staleness,
} from "../../tools/policy/packBuild";
import { PackProcess } from "../../tools/policy/packProcess";
import { warmPackCompileCache } from "../../tools/policy/packWarmup";
import { DEFAULT_PACKS } from "../../tools/policy/runner";
import { FIXTURES, REPOSITORY_ROOT } from "../helpers";

const RULE = "policies/rules/aws/kms.ts";

/**
 * A copy of the sources the build reads, inside the repository so that it resolves the same
 * node_modules, for tests that change sources without touching the real ones.
 */
function copyOfSources(): string {
    const root = fs.mkdtempSync(path.join(REPOSITORY_ROOT, "out", "pack-build-test-"));
    const manifest = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, PACK_BUILD_DIRECTORY, "manifest.json"), "utf8")) as {
        inputs: Record<string, string>;
    };
    for (const file of Object.keys(manifest.inputs)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.copyFileSync(path.join(REPOSITORY_ROOT, file), path.join(root, file));
    }
    fs.cpSync(path.join(REPOSITORY_ROOT, "policies"), path.join(root, "policies"), { recursive: true });
    return root;
}

describe("policy packs run from their JavaScript build", () => {
    let root: string;

    before(async function () {
        this.timeout(240_000);
        await ensurePolicyPacksBuilt();
        root = copyOfSources();
        await buildPolicyPacks(root);
    });

    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("each pack's main is the build's JavaScript entry, so run-policy-pack's ts-node compiles nothing", () => {
        assert.deepEqual(packNames(), DEFAULT_PACKS.map((pack) => path.basename(pack)).sort());
        for (const pack of DEFAULT_PACKS) {
            const main = require.resolve(pack);
            assert.equal(main, path.join(REPOSITORY_ROOT, PACK_BUILD_DIRECTORY, "policies", path.basename(pack), PACK_ENTRY));
            assert.ok(fs.existsSync(path.join(path.dirname(main), "index.js")), `${pack} is built`);
        }
    });

    it("links the packs' data files instead of copying them, so an exemption needs no rebuild", () => {
        const linked = path.join(REPOSITORY_ROOT, PACK_BUILD_DIRECTORY, "policies", "exemptions.yaml");
        assert.ok(fs.lstatSync(linked).isSymbolicLink());
        assert.equal(fs.realpathSync(linked), fs.realpathSync(path.join(REPOSITORY_ROOT, "policies", "exemptions.yaml")));
    });

    it("is fresh right after a build, and stale once a source changes, is deleted or is added, naming the file", () => {
        assert.equal(staleness(root), undefined);
        const rule = path.join(root, RULE);
        const original = fs.readFileSync(rule, "utf8");
        fs.appendFileSync(rule, "\n");
        assert.equal(staleness(root), `${RULE} changed since the build`);
        fs.rmSync(rule);
        assert.equal(staleness(root), `${RULE} was deleted since the build`);
        fs.writeFileSync(rule, original);
        assert.equal(staleness(root), undefined);
        fs.writeFileSync(path.join(root, "policies", "rules", "added.ts"), "export const added = true;\n");
        assert.equal(staleness(root), "policies/rules/added.ts is new since the build");
        fs.rmSync(path.join(root, "policies", "rules", "added.ts"));
    });

    it("a pack started from a stale build refuses to run, naming what changed and what to run", async () => {
        const rule = path.join(root, RULE);
        const original = fs.readFileSync(rule, "utf8");
        fs.appendFileSync(rule, "// changed\n");
        try {
            await assert.rejects(PackProcess.start(path.join(root, "policies", "security")), (error: Error) => {
                assert.match(error.message, /exited \(code \d+\) before printing its port/);
                assert.match(error.message, /stale: policies\/rules\/aws\/kms\.ts changed since the build\. Run `npm run build:policies`/);
                assert.doesNotMatch(error.message, /\n\s+at /, "no stack trace");
                return true;
            });
        } finally {
            fs.writeFileSync(rule, original);
        }
    });

    it("the runner rebuilds a stale build, so it runs what the sources say", async function () {
        this.timeout(120_000);
        const rule = path.join(root, RULE);
        const original = fs.readFileSync(rule, "utf8");
        fs.appendFileSync(rule, "export const builtFromTheChangedSource = true;\n");
        try {
            assert.equal(await ensurePolicyPacksBuilt(root), `${RULE} changed since the build`);
            assert.equal(staleness(root), undefined);
            assert.match(
                fs.readFileSync(path.join(root, PACK_BUILD_DIRECTORY, "policies", "rules", "aws", "kms.js"), "utf8"),
                /builtFromTheChangedSource = true/,
            );
            assert.equal(await ensurePolicyPacksBuilt(root), undefined, "and leaves a fresh build alone");
        } finally {
            fs.writeFileSync(rule, original);
        }
    });
});

describe("Node's compile cache for the packs", () => {
    const packs = path.join(FIXTURES, "policy-packs");
    const filesUnder = (directory: string) =>
        fs.readdirSync(directory, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;

    it("is filled by starting each pack once and ending it normally once it serves; a pack the runner kills writes nothing", async function () {
        this.timeout(60_000);
        const warmed = fs.mkdtempSync(path.join(os.tmpdir(), "pack-compile-cache-"));
        const killed = fs.mkdtempSync(path.join(os.tmpdir(), "pack-compile-cache-"));
        try {
            assert.deepEqual(await warmPackCompileCache([path.join(packs, "options")], { env: { NODE_COMPILE_CACHE: warmed } }), []);
            // One entry per module it compiled: @pulumi/pulumi, @pulumi/policy, grpc, the pack.
            assert.ok(filesUnder(warmed) > 100, `${filesUnder(warmed)} entries`);
            const pack = await PackProcess.start(path.join(packs, "options"), { env: { NODE_COMPILE_CACHE: killed } });
            pack.kill();
            assert.equal(filesUnder(killed), 0);
        } finally {
            fs.rmSync(warmed, { recursive: true, force: true });
            fs.rmSync(killed, { recursive: true, force: true });
        }
    });

    it("reports a pack that does not serve, naming it, and warms the others", async function () {
        this.timeout(60_000);
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "pack-compile-cache-"));
        try {
            const failures = await warmPackCompileCache([path.join(packs, "no-port"), path.join(packs, "options")], {
                env: { NODE_COMPILE_CACHE: cache },
                timeoutSec: 3,
            });
            assert.equal(failures.length, 1);
            assert.match(failures[0], /policy-packs\/no-port did not serve within 3 s/);
            assert.ok(filesUnder(cache) > 0);
        } finally {
            fs.rmSync(cache, { recursive: true, force: true });
        }
    });
});
