import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, type Stack, type UpOptions } from "@pulumi/pulumi/automation";
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
        private readonly cloudflareToken: string,
        private readonly log: (line: string) => void,
    ) {}

    static async start(
        stackName: string,
        workDir: string,
        log: (line: string) => void,
        selectStack: SelectStack = (name) => LocalWorkspace.selectStack({ stackName: name, workDir }),
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
        const backend = new LiveBackend(workDir, stack, selectStack, token, log);
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
        const outputs = await this.edgeStack.outputs();
        const poolId = (outputs.edge?.value as { poolIds?: Record<Site, string> } | undefined)?.poolIds?.[site];
        const accountId = (await this.edgeStack.getConfig("crypto-beacon:cloudflareAccountId")).value;
        if (!poolId) {
            return { healthy: false, detail: `the edge stack outputs no pool id for ${site}` };
        }
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

    async close(): Promise<void> {
        return undefined;
    }

    private requireView(): EdgeView {
        if (!this.view) {
            throw new Error("the edge stack has not been read yet");
        }
        return this.view;
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
