import { ENTRY_POINT_RULESETS, type RulesetPhase } from "../../components/cloudflare/edgeZone";
import { PROJECT, type StackConfig } from "../../stacks/config/schema";
import { CLOUDFLARE_PROVIDER_NAME, EDGE_ZONE_NAME } from "../../stacks/roles/edge";

/**
 * What must hold in the accounts before a stack's first `pulumi up`, which the program cannot
 * make true itself. Each step names the read-only command that shows the state and the commands
 * that fix it; `observed` holds what the checks found, when they ran.
 */
export interface PreflightStep {
    readonly title: string;
    readonly why: string;
    /** The read-only command that shows whether the step is needed. */
    readonly check: string;
    /** ok: nothing to do; action: run `fix`; unchecked: run `check` first. */
    readonly status: "ok" | "action" | "unchecked";
    readonly fix: readonly string[];
}

/** What the read-only checks found; a missing field means that check did not run. */
export interface PreflightObservations {
    /** `properties.state` of the Microsoft.Compute/EncryptionAtHost feature. */
    readonly encryptionAtHostState?: string;
    /** Ids of the subscription's Network Watchers in the site's location. */
    readonly networkWatcherIds?: readonly string[];
    /** Ids of the zone's existing entry-point rulesets, by phase. */
    readonly entryPointRulesets?: Partial<Record<RulesetPhase, string>>;
}

export const ENCRYPTION_AT_HOST_CHECK =
    "az feature show --namespace Microsoft.Compute --name EncryptionAtHost --query properties.state -o tsv";

export function networkWatcherCheck(location: string): string {
    return `az network watcher list --query "[?location=='${location}'].id" -o tsv`;
}

export function entryPointRulesetCheck(zoneId: string, phase: RulesetPhase): string {
    return `curl -s -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" https://api.cloudflare.com/client/v4/zones/${zoneId}/rulesets/phases/${phase}/entrypoint`;
}

export function preflightSteps(config: StackConfig, stack: string, observed: PreflightObservations = {}): PreflightStep[] {
    const steps: PreflightStep[] = [];
    if (config.role === "azure-site" || config.role === "all-in-one") {
        steps.push(encryptionAtHostStep(observed.encryptionAtHostState));
        steps.push(networkWatcherStep(config.azureLocation, config.azureNetworkWatcherId, stack, observed.networkWatcherIds));
    }
    if (config.role === "edge" || config.role === "all-in-one") {
        steps.push(...entryPointRulesetSteps(config.cloudflareZoneId, stack, observed.entryPointRulesets));
    }
    return steps;
}

function encryptionAtHostStep(state: string | undefined): PreflightStep {
    return {
        title: "EncryptionAtHost is registered for the subscription",
        why: "The AKS node pools encrypt their disks at the host (enableEncryptionAtHost); Azure refuses the pools until the feature is registered.",
        check: ENCRYPTION_AT_HOST_CHECK,
        status: state === undefined ? "unchecked" : state.trim() === "Registered" ? "ok" : "action",
        fix: [
            "az feature register --namespace Microsoft.Compute --name EncryptionAtHost",
            `# wait until "${ENCRYPTION_AT_HOST_CHECK}" prints Registered, then:`,
            "az provider register --namespace Microsoft.Compute",
        ],
    };
}

function networkWatcherStep(
    location: string,
    configuredId: string,
    stack: string,
    existingIds: readonly string[] | undefined,
): PreflightStep {
    const existing = existingIds?.filter((id) => id.trim() !== "");
    const base = {
        title: `the stack knows whether ${location} already has a Network Watcher`,
        why: "Azure allows one Network Watcher per region and subscription. With crypto-beacon:azureNetworkWatcherId empty the site creates it, which fails if one exists.",
        check: networkWatcherCheck(location),
    };
    if (existing === undefined) {
        return {
            ...base,
            status: "unchecked",
            fix: [`# if the check prints an id: pulumi config set ${PROJECT}:azureNetworkWatcherId <id> --stack ${stack}`],
        };
    }
    if (existing.length === 0) {
        return configuredId === ""
            ? { ...base, status: "ok", fix: [] }
            : {
                  ...base,
                  status: "action",
                  fix: [`pulumi config set ${PROJECT}:azureNetworkWatcherId "" --stack ${stack}   # ${configuredId} does not exist`],
              };
    }
    const [id] = existing;
    return existing.some((candidate) => candidate.toLowerCase() === configuredId.toLowerCase())
        ? { ...base, status: "ok", fix: [] }
        : { ...base, status: "action", fix: [`pulumi config set ${PROJECT}:azureNetworkWatcherId ${id} --stack ${stack}`] };
}

/**
 * A zone holds one entry-point ruleset per phase, and creating a second fails. An existing one
 * is imported under the edge's zone component, which the first command creates on its own.
 */
function entryPointRulesetSteps(
    zoneId: string,
    stack: string,
    existing: Partial<Record<RulesetPhase, string>> | undefined,
): PreflightStep[] {
    const providerUrn = `urn:pulumi:${stack}::${PROJECT}::pulumi:providers:cloudflare::${CLOUDFLARE_PROVIDER_NAME}`;
    const zoneUrn = `urn:pulumi:${stack}::${PROJECT}::beacon:cloudflare:EdgeZone::${EDGE_ZONE_NAME}`;
    return (Object.keys(ENTRY_POINT_RULESETS) as RulesetPhase[]).map((phase) => {
        const rulesetId = existing?.[phase];
        const base = {
            title: `the zone's ${phase} entry point is managed by this stack`,
            why: "Only one entry-point ruleset per phase may exist in a zone; an existing one must be imported before the edge can manage it.",
            check: entryPointRulesetCheck(zoneId, phase),
        };
        if (existing === undefined) {
            return {
                ...base,
                status: "unchecked" as const,
                fix: ["# if the check answers success: true, run npm run preflight -- --check to get the import commands"],
            };
        }
        if (!rulesetId) {
            return { ...base, status: "ok" as const, fix: [] };
        }
        return {
            ...base,
            status: "action" as const,
            fix: [
                `pulumi up --stack ${stack} --target '${providerUrn}' --target '${zoneUrn}' --yes`,
                `pulumi import cloudflare:index/ruleset:Ruleset ${EDGE_ZONE_NAME}-${ENTRY_POINT_RULESETS[phase]} zones/${zoneId}/${rulesetId} ` +
                    `--parent '${zoneUrn}' --provider '${CLOUDFLARE_PROVIDER_NAME}=${providerUrn}' --protect=false --stack ${stack} --yes`,
            ],
        };
    });
}
