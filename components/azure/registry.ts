import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { diagnosticsToWorkspace } from "./logs";
import { dataStoreOptions } from "../data/retention";
import { alphanumericName, CONTAINER_REGISTRY_NAME, satisfies } from "./names";
import { privateEndpoint, type PrivateServiceArgs } from "./privateEndpoint";

export interface AzureRegistryArgs extends PrivateServiceArgs {
    /** Days untagged manifests are kept. @default 30 */
    readonly untaggedRetentionDays?: number;
    /**
     * The registry's global name (its login server is `<name>.azurecr.io`). @default the
     * component name and the stack name, letters and digits only
     */
    readonly registryName?: string;
}

/**
 * The site's container registry: Premium, zone-redundant, admin user disabled, no public network
 * access, a retention policy for untagged manifests, a private endpoint and diagnostic logs.
 * Images arrive from the primary pipeline with `az acr import` from ECR (docs/registry.md).
 */
export class AzureRegistry extends pulumi.ComponentResource {
    /** ARM resource ID of the registry: the scope of the kubelet's AcrPull. */
    public readonly registryId: pulumi.Output<string>;
    /** The registry's login server, `<name>.azurecr.io`: the host of the services' image references. */
    public readonly loginServer: pulumi.Output<string>;

    constructor(name: string, args: AzureRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        const untaggedRetentionDays = args.untaggedRetentionDays ?? 30;
        if (!Number.isInteger(untaggedRetentionDays) || untaggedRetentionDays < 1 || untaggedRetentionDays > 365) {
            throw new Error(`AzureRegistry ${name}: untaggedRetentionDays ${untaggedRetentionDays} must be from 1 to 365`);
        }
        const registryName = args.registryName ?? alphanumericName([name, pulumi.getStack()], CONTAINER_REGISTRY_NAME);
        if (!satisfies(registryName, CONTAINER_REGISTRY_NAME)) {
            throw new Error(`AzureRegistry ${name}: registryName "${registryName}" must be ${CONTAINER_REGISTRY_NAME.allowed}`);
        }
        super("beacon:azure:Registry", name, {}, opts);
        const parent = { parent: this };
        const registry = new containerregistry.Registry(
            name,
            {
                registryName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: "Premium" },
                adminUserEnabled: false,
                zoneRedundancy: "Enabled",
                publicNetworkAccess: "Disabled",
                networkRuleBypassOptions: "AzureServices",
                anonymousPullEnabled: false,
                policies: { retentionPolicy: { days: untaggedRetentionDays, status: "enabled" } },
                tags: { ...args.tags },
            },
            dataStoreOptions(args, { parent: this }),
        );
        privateEndpoint(
            `${name}-registry`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                subnetId: args.privateEndpointSubnetId,
                resourceId: registry.id,
                groupId: "registry",
                privateDnsZoneId: args.privateDnsZoneId,
                tags: args.tags,
            },
            parent,
        );
        diagnosticsToWorkspace(`${name}-diagnostics`, registry.id, args.workspaceId, parent);
        this.registryId = registry.id;
        this.loginServer = registry.loginServer;
        this.registerOutputs({ registryId: this.registryId, loginServer: this.loginServer });
    }
}
