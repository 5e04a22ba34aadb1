import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";

export interface AzureLogsArgs {
    /** Resource group of the workspace and the action group. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of the workspace, e.g. "westeurope" (the action group is global). */
    readonly location: string;
    /** Days the workspace keeps its logs, 30 to 730. */
    readonly retentionDays: number;
    /** Email the alerts go to; empty for none. */
    readonly alertEmail: string;
    /** Tags set on the workspace and the action group. */
    readonly tags: Readonly<Record<string, string>>;
}

/** The Azure site's Log Analytics workspace and the action group its alerts notify. */
export class AzureLogs extends pulumi.ComponentResource {
    /** ARM resource ID of the Log Analytics workspace that every diagnostic setting of the site writes to. */
    public readonly workspaceId: pulumi.Output<string>;
    /** ARM resource ID of the action group the site's alerts notify (email to alertEmail, if set). */
    public readonly actionGroupId: pulumi.Output<string>;

    constructor(name: string, args: AzureLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!Number.isInteger(args.retentionDays) || args.retentionDays < 30 || args.retentionDays > 730) {
            throw new Error(`AzureLogs ${name}: retentionDays ${args.retentionDays} must be from 30 to 730`);
        }
        super("beacon:azure:Logs", name, {}, opts);
        const workspace = new operationalinsights.Workspace(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: "PerGB2018" },
                retentionInDays: args.retentionDays,
                // Queries and ingestion authenticate with Entra ID only.
                features: { disableLocalAuth: true },
                tags: { ...args.tags },
            },
            { parent: this },
        );
        const actionGroup = new monitor.ActionGroup(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: "Global",
                groupShortName: "beacon",
                enabled: true,
                emailReceivers: args.alertEmail ? [{ name: "on-call", emailAddress: args.alertEmail, useCommonAlertSchema: true }] : [],
                tags: { ...args.tags },
            },
            { parent: this },
        );
        this.workspaceId = workspace.id;
        this.actionGroupId = actionGroup.id;
        this.registerOutputs({ workspaceId: this.workspaceId, actionGroupId: this.actionGroupId });
    }
}

/**
 * Sends a resource's log categories and metrics to the site's workspace. Azure refuses a setting
 * that names a category the resource does not have, so a resource with only metrics (or only
 * logs) turns the other off.
 */
export function diagnosticsToWorkspace(
    name: string,
    resourceUri: pulumi.Input<string>,
    workspaceId: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions,
    { logs = true, metrics = true }: { logs?: boolean; metrics?: boolean } = {},
): monitor.DiagnosticSetting {
    return new monitor.DiagnosticSetting(
        name,
        {
            name: "to-log-analytics",
            resourceUri,
            workspaceId,
            logs: logs ? [{ categoryGroup: "allLogs", enabled: true }] : [],
            metrics: metrics ? [{ category: "AllMetrics", enabled: true }] : [],
        },
        opts,
    );
}
