/** One check of a deployed hub, with what it saw. */
export interface SmokeCheck {
    readonly name: string;
    readonly passed: boolean;
    readonly detail: string;
}

export interface SmokeOptions {
    /** The public base URL, e.g. https://trade.example.com. */
    readonly url: string;
    /** The health path the load balancers probe. @default "/healthz" */
    readonly healthPath?: string;
    /** The header naming the serving site. @default "x-beacon-site" */
    readonly siteHeader?: string;
    /** The site that must answer; any site when absent. */
    readonly expectSite?: string;
    /** Tries before a check counts as failed: a fresh deploy may take a moment to answer. @default 5 */
    readonly attempts?: number;
    readonly intervalMs?: number;
}

/**
 * Smoke tests of a deployed hub through its public hostname: the health path answers 200, a site
 * names itself (the expected one, if given), and over HTTPS the edge's security headers are set.
 */
export async function runSmokeTests(options: SmokeOptions): Promise<SmokeCheck[]> {
    const base = new URL(options.url);
    const healthUrl = new URL(options.healthPath ?? "/healthz", base);
    const siteHeader = options.siteHeader ?? "x-beacon-site";
    const attempts = options.attempts ?? 5;
    let last: { status: number; headers: Headers } | Error = new Error("not tried");
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
        try {
            const response = await fetch(healthUrl, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
            await response.arrayBuffer();
            last = { status: response.status, headers: response.headers };
            if (response.status === 200) {
                break;
            }
        } catch (error) {
            last = error as Error;
        }
        if (attempt < attempts) {
            await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 3000));
        }
    }
    if (last instanceof Error) {
        return [{ name: "health", passed: false, detail: `${healthUrl.href} did not answer: ${last.message}` }];
    }
    const checks: SmokeCheck[] = [{ name: "health", passed: last.status === 200, detail: `${healthUrl.href} answered ${last.status}` }];
    const site = last.headers.get(siteHeader);
    checks.push({
        name: "serving site",
        passed: site !== null && (options.expectSite === undefined || site === options.expectSite),
        detail:
            site === null
                ? `no ${siteHeader} header`
                : `${siteHeader}: ${site}${options.expectSite ? ` (expected ${options.expectSite})` : ""}`,
    });
    if (base.protocol === "https:") {
        for (const header of ["strict-transport-security", "content-security-policy", "x-content-type-options"]) {
            checks.push({ name: `header ${header}`, passed: last.headers.has(header), detail: last.headers.get(header) ?? "missing" });
        }
    }
    return checks;
}
