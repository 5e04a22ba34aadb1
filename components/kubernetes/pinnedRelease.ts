import * as pulumi from "@pulumi/pulumi";
import { Release } from "@pulumi/kubernetes/helm/v3";

/** A chart at a pinned version: from a Helm repository, or an `oci://` reference that carries its own. */
export interface PinnedChart {
    /** The chart's name in its repository, or its full `oci://` reference. */
    readonly chart: string;
    /** URL of the Helm repository; absent for an `oci://` chart. */
    readonly repository?: string;
    /** The chart version to install; bumped deliberately, never floating. */
    readonly version: string;
}

/** What differs between the releases we install: the release's name, namespace and values. */
export interface PinnedReleaseSettings {
    /** Helm release name. */
    readonly name: string;
    /** Namespace the release installs into. */
    readonly namespace: pulumi.Input<string>;
    /** Values passed to the chart. */
    readonly values: pulumi.Inputs;
    /** Leave the chart's crds/ folder out (another release owns the CRDs). @default false */
    readonly skipCrds?: boolean;
}

/**
 * A Helm release of a pinned chart, atomic: a failed install or upgrade rolls back instead of
 * leaving a half-applied release that blocks the next update.
 */
export function pinnedRelease(
    resourceName: string,
    chart: PinnedChart,
    settings: PinnedReleaseSettings,
    opts: pulumi.CustomResourceOptions,
): Release {
    return new Release(
        resourceName,
        {
            name: settings.name,
            chart: chart.chart,
            ...(chart.repository ? { repositoryOpts: { repo: chart.repository } } : {}),
            version: chart.version,
            namespace: settings.namespace,
            atomic: true,
            ...(settings.skipCrds ? { skipCrds: true } : {}),
            values: settings.values,
        },
        opts,
    );
}
