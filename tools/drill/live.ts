import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, type Stack, type UpOptions } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { z } from "zod";
import { ALL_KEYS, PROJECT } from "../../stacks/config/schema";
import { CommandError } from "../command";
import { DEFAULT_PACKS } from "../policy/runner";
import { edgeViewFromOutputs, type DrillBackend, type EdgeView, type Site, type SiteHealth } from "./backend";

export const CLOUDFLARE_API = "https://api.cloudflare.com/client/v4";

interface PoolHealthResponse {
    success: boolean;
    errors?: { message: string }[];
    result?: { pop_health?: Record<string, { healthy?: boolean }> };
}

/** What the drill does with a stack through the Automation API. */
export type DrillStack = Pick<Stack, "name" | "outputs" | "getConfig" | "setConfig" | "up">;

/** Opens a stack by name, fully qualified or not; the Automation API's `LocalWorkspace.selectStack` by default. */
export type SelectStack = (stackName: string) => Promise<DrillStack>;

/**
 * A config value as the repository deploys it: from the stack file at the checked-out commit, or
 * the schema's default when the file does not set it. Drift detection compares the cloud with
 * exactly this (.github/workflows/drift.yml previews the deployed commit's stack files).
 */
export type CommittedConfig = (stackName: string, key: string) => Promise<string>;

/** The keys a drill changes: the edge's active site and the standby site's capacity. */
const ACTIVE_SITE = `${PROJECT}:activeSite`;
const AZURE_CAPACITY = `${PROJECT}:azureCapacity`;
const AZURE_SITE_STACK = `${PROJECT}:azureSiteStack`;

/** Reads the committed stack file with git, so changes the drill made to the working copy do not count. */
export function committedConfigFromGit(workDir: string): CommittedConfig {
    return async (stackName, key) => {
        const file = `Pulumi.${stackName.split("/").at(-1)}.yaml`;
        let text: string;
        try {
            text = execFileSync("git", ["show", `HEAD:${file}`], { cwd: workDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        } catch (error) {
            throw new CommandError(
                `${file} is not committed in ${workDir}: the drill restores the committed config (${(error as Error).message.split("\n")[0]})`,
                2,
            );
        }
        const value = ((parse(text) as { config?: Record<string, unknown> } | null)?.config ?? {})[key];
        return value === undefined ? String(z.parse(ALL_KEYS[key.split(":")[1]], undefined)) : String(value);
    };
}

/**
 * The policy packs and the stack's own policy config for an update, as every workflow update
 * runs them (.github/actions/pulumi-stack): without them the Automation API runs no packs.
 */
export function policyOptions(stackName: string, repositoryRoot: string): Required<Pick<UpOptions, "policyPacks" | "policyPackConfigs">> {
    const stack = stackName.split("/").at(-1)!;
    const config = path.join(repositoryRoot, "policies", "config", `${stack}.json`);
    if (!fs.existsSync(config)) {
        throw new CommandError(
            `policies/config/${stack}.json does not exist: the drill updates ${stackName} with the policy packs and that stack's policy config (docs/runbooks/new-stack.md)`,
            2,
        );
    }
    return { policyPacks: [...DEFAULT_PACKS], policyPackConfigs: DEFAULT_PACKS.map(() => config) };
}

/**
 * The drill against the real stacks: config changes and updates go through the Pulumi Automation
 * API (the Pulumi CLI and the stacks' credentials must be at hand), site health comes from
 * Cloudflare's own pool health, and the public hostname is polled over HTTPS.
 */
export class LiveBackend implements DrillBackend {
    readonly mode = "live" as const;
    private view?: EdgeView;

    private constructor(
        private readonly workDir: string,
        private readonly edgeStack: DrillStack,
        private readonly selectStack: SelectStack,
        private readonly committed: CommittedConfig,
        private readonly cloudflareToken: string,
        private readonly log: (line: string) => void,
    ) {}

    static async start(
        stackName: string,
        workDir: string,
        log: (line: string) => void,
        selectStack: SelectStack = (name) => LocalWorkspace.selectStack({ stackName: name, workDir }),
        committed: CommittedConfig = committedConfigFromGit(workDir),
    ): Promise<LiveBackend> {
        const token = process.env.CLOUDFLARE_API_TOKEN;
        if (!token) {
            throw new CommandError(
                "CLOUDFLARE_API_TOKEN is not set: the drill reads pool health from Cloudflare with a token that may read load balancers",
                2,
            );
        }
        // Before anything changes: the edge's update will need its policy config.
        policyOptions(stackName, workDir);
        const stack = await selectStack(stackName);
        const backend = new LiveBackend(workDir, stack, selectStack, committed, token, log);
        await backend.describeEdge();
        return backend;
    }

    get publicUrl(): string {
        const view = this.requireView();
        return `https://${view.domain}${view.failover.healthPath}`;
    }

    async describeEdge(): Promise<EdgeView> {
        const outputs = await this.edgeStack.outputs();
        this.view = edgeViewFromOutputs(
            this.edgeStack.name,
            Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value])),
        );
        return this.view;
    }

    async siteHealth(site: Site): Promise<SiteHealth> {
        const poolId = (await this.describeEdge()).poolIds[site];
        const accountId = (await this.edgeStack.getConfig("crypto-beacon:cloudflareAccountId")).value;
        return cloudflarePoolHealth({ accountId, poolId, token: this.cloudflareToken });
    }

    async scaleToActive(site: Site): Promise<void> {
        if (site === "aws") {
            return; // The AWS primary always runs at active capacity.
        }
        const siteStackName = (await this.edgeStack.getConfig("crypto-beacon:azureSiteStack")).value;
        const policies = policyOptions(siteStackName, this.workDir);
        const siteStack = await this.selectStack(siteStackName);
        await siteStack.setConfig("crypto-beacon:azureCapacity", { value: "active" });
        await siteStack.up({ onOutput: this.log, ...policies });
    }

    async switchTo(site: Site): Promise<void> {
        await this.edgeStack.setConfig("crypto-beacon:activeSite", { value: site });
        await this.edgeStack.up({ onOutput: this.log, ...policyOptions(this.edgeStack.name, this.workDir) });
    }

    /**
     * Leaves no drift once traffic is back where the stack files send it: the standby site's
     * capacity, which the drill raised to take traffic, goes back to its committed value and is
     * applied, so the cloud again matches what the repository deploys. While traffic is elsewhere
     * (a failover the drill was asked for), nothing is undone: the log says how to fail back, or
     * that the stack files must be changed and committed to make the failover the deployed state.
     */
    async close(): Promise<void> {
        const edge = this.edgeStack.name;
        const committedSite = await this.committed(edge, ACTIVE_SITE);
        const serving = await configValue(this.edgeStack, ACTIVE_SITE);
        if (serving !== committedSite) {
            this.log(
                `${edge} serves from ${serving}; its committed stack file says ${committedSite}. Fail back with --to ${committedSite}, or commit the change to make it the deployed state: until then drift detection reports it.`,
            );
            return;
        }
        const siteName = await configValue(this.edgeStack, AZURE_SITE_STACK);
        if (siteName === undefined) {
            return;
        }
        const committedCapacity = await this.committed(siteName, AZURE_CAPACITY);
        const site = await this.selectStack(siteName);
        const capacity = await configValue(site, AZURE_CAPACITY);
        if ((capacity ?? committedCapacity) === committedCapacity) {
            return;
        }
        this.log(`${siteName}: ${AZURE_CAPACITY} back to its committed ${committedCapacity}, as the repository deploys it`);
        await site.setConfig(AZURE_CAPACITY, { value: committedCapacity });
        await site.up({ onOutput: this.log, ...policyOptions(siteName, this.workDir) });
    }

    private requireView(): EdgeView {
        if (!this.view) {
            throw new Error("the edge stack has not been read yet");
        }
        return this.view;
    }
}

/** A stack's config value, or undefined where it is not set (the Automation API refuses to read an unset key). */
async function configValue(stack: DrillStack, key: string): Promise<string | undefined> {
    try {
        return (await stack.getConfig(key)).value;
    } catch (error) {
        if (/not found/i.test((error as Error).message)) {
            return undefined;
        }
        throw error;
    }
}

/**
 * A pool's health as Cloudflare's own monitors see it, from every region that probes it: healthy
 * only when every region reports it healthy.
 */
export async function cloudflarePoolHealth(request: {
    accountId: string;
    poolId: string;
    token: string;
    apiBase?: string;
}): Promise<SiteHealth> {
    const url = `${request.apiBase ?? CLOUDFLARE_API}/accounts/${request.accountId}/load_balancers/pools/${request.poolId}/health`;
    let body: PoolHealthResponse;
    try {
        const response = await fetch(url, { headers: { authorization: `Bearer ${request.token}` }, signal: AbortSignal.timeout(10_000) });
        body = (await response.json()) as PoolHealthResponse;
    } catch (error) {
        return { healthy: false, detail: `Cloudflare pool health did not answer: ${(error as Error).message}` };
    }
    if (!body.success) {
        return { healthy: false, detail: `Cloudflare pool health failed: ${(body.errors ?? []).map((error) => error.message).join("; ")}` };
    }
    const pops = Object.entries(body.result?.pop_health ?? {});
    const unhealthy = pops.filter(([, health]) => health.healthy !== true).map(([pop]) => pop);
    return {
        healthy: pops.length > 0 && unhealthy.length === 0,
        detail: `${pops.length - unhealthy.length} of ${pops.length} Cloudflare regions see the pool healthy${unhealthy.length ? `; not: ${unhealthy.join(", ")}` : ""}`,
    };
}
