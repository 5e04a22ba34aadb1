import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ENTRY_POINT_RULESETS } from "../components/cloudflare/edgeZone";
import { ENCRYPTION_AT_HOST_CHECK, networkWatcherCheck, preflightSteps } from "../tools/preflight/steps";
import { readStackConfig } from "../tools/preflight/stackConfig";
import { type AzureSiteConfig, type EdgeConfig } from "../stacks/config/schema";
import { REPOSITORY_ROOT } from "./helpers";

describe("preflight before a first pulumi up", () => {
    const azure = readStackConfig(REPOSITORY_ROOT, "prod-azure") as AzureSiteConfig;
    const edge = readStackConfig(REPOSITORY_ROOT, "prod") as EdgeConfig;
    const watcherId =
        "/subscriptions/0000/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_eastus2";

    it("lists the Azure site's steps with the exact commands that check them, unchecked until they run", () => {
        const steps = preflightSteps(azure, "prod-azure");
        assert.deepEqual(
            steps.map((step) => [step.check, step.status]),
            [
                [ENCRYPTION_AT_HOST_CHECK, "unchecked"],
                [networkWatcherCheck("eastus2"), "unchecked"],
            ],
        );
    });

    it("registers EncryptionAtHost only while the feature is not Registered", () => {
        const [pending] = preflightSteps(azure, "prod-azure", { encryptionAtHostState: "NotRegistered" });
        assert.equal(pending.status, "action");
        assert.deepEqual(
            pending.fix.filter((command) => !command.startsWith("#")),
            [
                "az feature register --namespace Microsoft.Compute --name EncryptionAtHost",
                "az provider register --namespace Microsoft.Compute",
            ],
        );
        assert.equal(preflightSteps(azure, "prod-azure", { encryptionAtHostState: "Registered\n" })[0].status, "ok");
    });

    it("names the region's existing Network Watcher in the stack config, since Azure allows only one", () => {
        const [, existing] = preflightSteps(azure, "prod-azure", { networkWatcherIds: [watcherId] });
        assert.equal(existing.status, "action");
        assert.deepEqual(existing.fix, [`pulumi config set crypto-beacon:azureNetworkWatcherId ${watcherId} --stack prod-azure`]);
        const [, none] = preflightSteps(azure, "prod-azure", { networkWatcherIds: [] });
        assert.equal(none.status, "ok", "the site creates the watcher itself");
        const [, named] = preflightSteps({ ...azure, azureNetworkWatcherId: watcherId }, "prod-azure", { networkWatcherIds: [watcherId] });
        assert.equal(named.status, "ok");
    });

    it("imports an existing zone entry-point ruleset under the edge's zone component", () => {
        const steps = preflightSteps(edge, "prod", {
            entryPointRulesets: { http_request_firewall_custom: "2f2feab2026849078ba485f918791bdc" },
        });
        assert.equal(steps.length, Object.keys(ENTRY_POINT_RULESETS).length);
        const custom = steps.find((step) => step.title.includes("http_request_firewall_custom"))!;
        assert.equal(custom.status, "action");
        assert.deepEqual(custom.fix, [
            "pulumi up --stack prod --target 'urn:pulumi:prod::crypto-beacon::pulumi:providers:cloudflare::cloudflare' --target 'urn:pulumi:prod::crypto-beacon::beacon:cloudflare:EdgeZone::edge' --yes",
            "pulumi import cloudflare:index/ruleset:Ruleset edge-custom-waf zones/5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b/2f2feab2026849078ba485f918791bdc " +
                "--parent 'urn:pulumi:prod::crypto-beacon::beacon:cloudflare:EdgeZone::edge' --provider 'cloudflare=urn:pulumi:prod::crypto-beacon::pulumi:providers:cloudflare::cloudflare' --protect=false --stack prod --yes",
        ]);
        assert.ok(steps.filter((step) => step !== custom).every((step) => step.status === "ok"));
    });

    it("the command rejects a bad stack with one message and exit 2, no stack trace", () => {
        const result = spawnSync(
            process.execPath,
            ["--require", "tsx/cjs", path.join(REPOSITORY_ROOT, "tools/preflight/cli.ts"), "--stack", "nope"],
            { cwd: REPOSITORY_ROOT, encoding: "utf8" },
        );
        assert.equal(result.status, 2);
        assert.match(result.stderr, /^error: --stack nope: no such stack \(no Pulumi\.nope\.yaml\)/);
        assert.equal(result.stderr.match(/error:/g)?.length, 1, "said once");
        assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
});
