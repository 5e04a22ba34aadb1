import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";

export interface AzureAlertsArgs {
    /** Resource group of the metric alert rules (which are global, not regional). */
    readonly resourceGroupName: pulumi.Input<string>;
    /** ARM resource ID of the site's action group, which every alert notifies. */
    readonly actionGroupId: pulumi.Input<string>;
    /** ARM resource ID of the origin's Application Gateway: scope of the unhealthy-backends and failed-requests alerts. */
    readonly gatewayId: pulumi.Input<string>;
    /** ARM resource ID of the AKS cluster: scope of the node CPU and memory alerts. */
    readonly clusterId: pulumi.Input<string>;
    /** ARM resource ID of the assets storage account: scope of the availability alert. */
    readonly assetsAccountId: pulumi.Input<string>;
    /** Tags set on every alert rule. */
    readonly tags: Readonly<Record<string, string>>;
}

interface AlertSpec {
    readonly name: string;
    readonly description: string;
    readonly scope: pulumi.Input<string>;
    readonly namespace: string;
    readonly metric: string;
    readonly aggregation: "Average" | "Maximum" | "Total" | "Minimum";
    readonly operator: "GreaterThan" | "LessThan";
    readonly threshold: number;
    readonly severity: number;
}

/** Metric alerts of the Azure site, to its action group: the origin, the cluster, the assets. */
export class AzureAlerts extends pulumi.ComponentResource {
    /** The alerts' short names (e.g. "origin-unhealthy-backends"); each rule's resource is named `<component>-<short name>`. */
    public readonly alertNames: string[];

    constructor(name: string, args: AzureAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("beacon:azure:Alerts", name, {}, opts);
        const gateway = "Microsoft.Network/applicationGateways";
        const cluster = "Microsoft.ContainerService/managedClusters";
        const specs: AlertSpec[] = [
            {
                name: "origin-unhealthy-backends",
                description: "The origin has unhealthy backends",
                scope: args.gatewayId,
                namespace: gateway,
                metric: "UnhealthyHostCount",
                aggregation: "Maximum",
                operator: "GreaterThan",
                threshold: 0,
                severity: 1,
            },
            {
                name: "origin-failed-requests",
                description: "The origin fails requests",
                scope: args.gatewayId,
                namespace: gateway,
                metric: "FailedRequests",
                aggregation: "Total",
                operator: "GreaterThan",
                threshold: 25,
                severity: 2,
            },
            {
                name: "cluster-node-cpu",
                description: "AKS nodes run above 80% CPU",
                scope: args.clusterId,
                namespace: cluster,
                metric: "node_cpu_usage_percentage",
                aggregation: "Average",
                operator: "GreaterThan",
                threshold: 80,
                severity: 2,
            },
            {
                name: "cluster-node-memory",
                description: "AKS nodes use above 80% of their memory",
                scope: args.clusterId,
                namespace: cluster,
                metric: "node_memory_working_set_percentage",
                aggregation: "Average",
                operator: "GreaterThan",
                threshold: 80,
                severity: 2,
            },
            {
                name: "assets-availability",
                description: "The assets storage account answers below 99.9%",
                scope: args.assetsAccountId,
                namespace: "Microsoft.Storage/storageAccounts",
                metric: "Availability",
                aggregation: "Average",
                operator: "LessThan",
                threshold: 99.9,
                severity: 2,
            },
        ];
        for (const spec of specs) {
            new monitor.MetricAlert(
                `${name}-${spec.name}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: "global",
                    description: spec.description,
                    severity: spec.severity,
                    enabled: true,
                    scopes: [spec.scope],
                    evaluationFrequency: "PT1M",
                    windowSize: "PT5M",
                    criteria: {
                        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                        allOf: [
                            {
                                criterionType: "StaticThresholdCriterion",
                                name: spec.metric,
                                metricName: spec.metric,
                                metricNamespace: spec.namespace,
                                operator: spec.operator,
                                threshold: spec.threshold,
                                timeAggregation: spec.aggregation,
                            },
                        ],
                    },
                    actions: [{ actionGroupId: args.actionGroupId }],
                    tags: { ...args.tags },
                },
                { parent: this },
            );
        }
        this.alertNames = specs.map((spec) => spec.name);
        this.registerOutputs({});
    }
}
