import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { parseAllDocuments } from "yaml";
import { renderPolicyDocument } from "./iamPolicyDocument";
import { configChildren, RemoteManifestError, type KubernetesChild } from "./kubernetesYaml";
import { checkName, describeViolation, type CheckedName, type NameViolation } from "./naming";
import { registeredUrns, rpcKeepAlive } from "./sdkInternals";
import { providerOutputs } from "./providerOutputs";

/** AWS's documentation account and a zeroed Azure subscription: plausible, never real. */
export const OFFLINE_AWS_ACCOUNT = "123456789012";
export const OFFLINE_AZURE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const OFFLINE_AZURE_TENANT = "11111111-1111-1111-1111-111111111111";

/** Thrown for an invoke that has no offline answer, naming its token. */
export class UnmockedInvokeError extends Error {
    constructor(readonly token: string) {
        super(`no offline mock for invoke "${token}"; add one to tools/plan/mocks.ts`);
        this.name = "UnmockedInvokeError";
    }
}

/** Thrown where the provider's Check would refuse a resource's name, naming the resource, the name and the rule. */
export class NameRuleError extends Error {
    constructor(readonly violation: NameViolation) {
        super(describeViolation(violation));
        this.name = "NameRuleError";
    }
}

/** The words every RemoteContentError carries, so a failure caused by one can be told from its echoes. */
export const REMOTE_CONTENT_MARK = "cannot be fetched by the offline planner";

/** Thrown for content that lives on the network (a remote chart or manifest), naming what needed it. */
export class RemoteContentError extends Error {
    readonly details: string;

    constructor(what: string, why: string) {
        super(
            `${what} ${REMOTE_CONTENT_MARK}: ${why}, and this planner has no network. Vendor it into the program's directory and point the resource at the local copy.`,
        );
        this.name = "RemoteContentError";
        // The runtime reports a failed invoke by its gRPC details, as the engine sends a provider's error.
        this.details = this.message;
    }
}

/** Thrown for a StackReference whose stack has not been planned yet in this run. */
export class UnplannedStackReferenceError extends Error {
    constructor(readonly stackName: string) {
        super(`StackReference "${stackName}" has not been planned yet`);
        this.name = "UnplannedStackReferenceError";
    }
}

export interface OfflineMocksOptions {
    readonly stack: string;
    /**
     * Nothing exists yet: a custom resource of a cloud provider is answered as a provider answers
     * the first preview's Create, with its checked inputs (those it echoes as outputs) and no id or
     * computed output (`CreateStep.Apply` passes `Preview`; the Terraform bridge answers its planned
     * state, computed attributes unknown; azure-native `PreviewOutputs`). The SDK resolves what is
     * missing as unknown during a preview. Kubernetes objects keep their offline answers.
     */
    readonly newStack?: boolean;
    /** Planned outputs of a referenced stack, or undefined when it has not been planned yet. */
    readonly stackReferenceOutputs: (name: string) => { outputs: Record<string, unknown>; secretOutputNames: string[] } | undefined;
}

/** A fixed, plausible creation time for keys and images: offline plans must not change between runs. */
const OFFLINE_TIMESTAMP = "2026-01-01T00:00:00.000Z";

/** AWS's own account ids for the owner aliases that `getAmi` accepts. */
const AMI_OWNER_ALIASES: Record<string, string> = { amazon: "137112412989", "aws-marketplace": "679593333241", self: OFFLINE_AWS_ACCOUNT };

/** EC2 physical id prefixes, so that ids read like the real ones in plans and policies. */
const EC2_ID_PREFIXES: Record<string, string> = {
    Vpc: "vpc",
    Subnet: "subnet",
    InternetGateway: "igw",
    NatGateway: "nat",
    Eip: "eipalloc",
    RouteTable: "rtb",
    RouteTableAssociation: "rtbassoc",
    SecurityGroup: "sg",
    DefaultSecurityGroup: "sg",
    FlowLog: "fl",
    VpcEndpoint: "vpce",
    NetworkAcl: "acl",
    LaunchTemplate: "lt",
    Instance: "i",
};

/** The AWS accounts that deliver ALB access logs in the regions that predate the log service. */
const ELB_LOG_ACCOUNTS: Record<string, string> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "eu-west-1": "156460612806",
    "eu-central-1": "054676820928",
};

/** Azure resource provider namespaces of the azure-native modules we use. */
const AZURE_NAMESPACES: Record<string, string> = {
    network: "Microsoft.Network",
    resources: "Microsoft.Resources",
    containerservice: "Microsoft.ContainerService",
    keyvault: "Microsoft.KeyVault",
    storage: "Microsoft.Storage",
    containerregistry: "Microsoft.ContainerRegistry",
    operationalinsights: "Microsoft.OperationalInsights",
    insights: "Microsoft.Insights",
    redisenterprise: "Microsoft.Cache",
    dataprotection: "Microsoft.DataProtection",
    managedidentity: "Microsoft.ManagedIdentity",
    authorization: "Microsoft.Authorization",
};

/** ARM resource types that are not the resource's name in the plural. */
const ARM_TYPE_EXCEPTIONS: Record<string, string> = {
    "azure-native:redisenterprise:RedisEnterprise": "Microsoft.Cache/redisEnterprise",
};

/**
 * ARM names a resource type's collection by its plural: `registries`, `userAssignedIdentities`,
 * `vaults` (the `resourceTypes` of each provider's REST API spec in Azure/azure-rest-api-specs).
 */
function armCollection(resource: string): string {
    const singular = lowerFirst(resource);
    return /[^aeiou]y$/.test(singular) ? `${singular.slice(0, -1)}ies` : `${singular}s`;
}

/**
 * Answers the runtime's resource registrations and invokes offline with plausible values: ids
 * and ARNs shaped like the real ones, computed outputs, availability zones, caller identity. An
 * invoke without an answer here fails, naming its token, rather than returning something vague.
 */
export class OfflineMocks implements pulumi.runtime.Mocks {
    /** Provider inputs by the provider reference (`urn::id`) that resources carry. */
    private readonly providers = new Map<string, Record<string, unknown>>();
    readonly unmockedInvokes = new Set<string>();
    readonly unplannedReferences = new Set<string>();
    readonly nameViolations: NameViolation[] = [];

    constructor(private readonly options: OfflineMocksOptions) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        const { type, name, inputs } = args;
        if (type.startsWith("pulumi:providers:")) {
            const id = this.uuid(`provider:${name}`);
            return { id, state: inputs };
        }
        if (type === "pulumi:pulumi:StackReference") {
            return this.stackReference(String(inputs.name ?? name));
        }
        if (type === "kubernetes:yaml/v2:ConfigFile" || type === "kubernetes:yaml/v2:ConfigGroup") {
            return this.kubernetesConfig(type, name, inputs);
        }
        // yaml.ConfigFile (v1) downloads a manifest URL itself, in the program, before it decodes it.
        const manifest = String(inputs.file ?? name);
        if (type === "kubernetes:yaml:ConfigFile" && /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(manifest)) {
            throw new RemoteContentError(`${type} "${name}": manifest "${manifest}"`, "the Kubernetes SDK downloads it");
        }
        if (type === "kubernetes:helm.sh/v4:Chart" && !isLocalPath(String(inputs.chart ?? ""))) {
            throw new RemoteContentError(
                `${type} "${name}": chart "${String(inputs.chart ?? "")}"`,
                "the provider pulls it from its repository",
            );
        }
        if (!args.custom) {
            return { id: undefined, state: {} };
        }
        if (this.options.newStack && !type.startsWith("kubernetes:")) {
            return { id: undefined, state: providerOutputs(type, this.checkedInputs(type, name, inputs)) };
        }
        const [pkg, module] = type.split(":");
        switch (pkg) {
            case "aws":
                return this.awsResource(
                    type,
                    module.split("/")[0],
                    name,
                    inputs,
                    this.awsRegion(args.provider, inputs),
                    this.checkedName(type, name, inputs),
                );
            case "azure-native":
                return this.azureResource(type, module, name, inputs, this.checkedName(type, name, inputs));
            case "mongodbatlas":
                return this.atlasResource(type, name, inputs);
            default:
                return { id: this.hex(`${type}:${name}`, 32), state: inputs };
        }
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const region = this.awsRegion(args.provider, args.inputs);
        switch (args.token) {
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const letters = ["a", "b", "c", "d"];
                return {
                    id: region,
                    names: letters.map((letter) => `${region}${letter}`),
                    zoneIds: letters.map((_, index) => `${region.replace(/-/g, "").slice(0, 4)}-az${index + 1}`),
                    groupNames: letters.map(() => region),
                    state: "available",
                };
            }
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    id: OFFLINE_AWS_ACCOUNT,
                    accountId: OFFLINE_AWS_ACCOUNT,
                    arn: `arn:aws:sts::${OFFLINE_AWS_ACCOUNT}:assumed-role/offline-plan/offline`,
                    userId: "AROAOFFLINEPLAN:offline",
                };
            case "aws:index/getRegion:getRegion":
                return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:index/getPartition:getPartition":
                return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
            case "aws:secretsmanager/getRandomPassword:getRandomPassword":
                // Deterministic, clearly not a real secret, and of the requested length.
                return { id: "offline", randomPassword: "offlineplaceholder".padEnd(Number(args.inputs.passwordLength ?? 32), "x") };
            case "aws:elb/getServiceAccount:getServiceAccount": {
                const elbAccount = ELB_LOG_ACCOUNTS[region] ?? "797873946194";
                return { id: elbAccount, arn: `arn:aws:iam::${elbAccount}:root` };
            }
            case "azure-native:containerservice:listManagedClusterUserCredentials":
            case "azure-native:containerservice:listManagedClusterAdminCredentials": {
                // The API names the kubeconfig of each listing "clusterUser" or "clusterAdmin".
                const user = args.token.endsWith("AdminCredentials") ? "clusterAdmin" : "clusterUser";
                const server = `https://${String(args.inputs.resourceName)}-${this.hex(`aks:${String(args.inputs.resourceName)}`, 8)}.hcp.eastus2.azmk8s.io:443`;
                const kubeconfig = [
                    "apiVersion: v1",
                    "kind: Config",
                    "clusters:",
                    `- name: ${String(args.inputs.resourceName)}`,
                    "  cluster:",
                    `    server: ${server}`,
                    `    certificate-authority-data: ${Buffer.from("offline plan CA").toString("base64")}`,
                    "users:",
                    `- name: ${user}`,
                    "  user: {}",
                ].join("\n");
                return { kubeconfigs: [{ name: user, value: Buffer.from(kubeconfig).toString("base64") }] };
            }
            case "aws:iam/getPolicyDocument:getPolicyDocument":
                return renderPolicyDocument(args.inputs);
            case "aws:ec2/getAmi:getAmi":
                return this.ami(args.inputs, region);
            case "azure-native:storage:listStorageAccountKeys":
                return {
                    keys: ["key1", "key2"].map((keyName) => ({
                        keyName,
                        value: this.key(`${String(args.inputs.accountName)}:${keyName}`),
                        permissions: "FULL",
                        creationTime: OFFLINE_TIMESTAMP,
                    })),
                };
            case "azure-native:storage:listStorageAccountServiceSAS":
                // A service SAS token as Azure formats one: version, resource, permissions, expiry, signature.
                return { serviceSasToken: this.sasToken(args.inputs, { sr: args.inputs.resource, sp: args.inputs.permissions }) };
            case "azure-native:storage:listStorageAccountSAS":
                return {
                    accountSasToken: this.sasToken(args.inputs, {
                        ss: args.inputs.services,
                        srt: args.inputs.resourceTypes,
                        sp: args.inputs.permissions,
                    }),
                };
            case "azure-native:containerregistry:listRegistryCredentials":
                return {
                    username: String(args.inputs.registryName),
                    passwords: ["password", "password2"].map((name) => ({
                        name,
                        value: this.key(`${String(args.inputs.registryName)}:${name}`),
                    })),
                };
            case "azure-native:redisenterprise:listDatabaseKeys":
            case "azure-native:cache:listRedisKeys": {
                const owner = String(args.inputs.clusterName ?? args.inputs.name);
                return { primaryKey: this.key(`${owner}:primary`), secondaryKey: this.key(`${owner}:secondary`) };
            }
            case "azure-native:operationalinsights:getSharedKeys":
                return {
                    primarySharedKey: this.key(`${String(args.inputs.workspaceName)}:primary`),
                    secondarySharedKey: this.key(`${String(args.inputs.workspaceName)}:secondary`),
                };
            case "azure-native:documentdb:listDatabaseAccountKeys": {
                const account = String(args.inputs.accountName);
                return Object.fromEntries(
                    ["primaryMasterKey", "secondaryMasterKey", "primaryReadonlyMasterKey", "secondaryReadonlyMasterKey"].map((key) => [
                        key,
                        this.key(`${account}:${key}`),
                    ]),
                );
            }
            case "azure-native:network:getPublicIPAddress": {
                const name = String(args.inputs.publicIpAddressName);
                return {
                    id: `/subscriptions/${OFFLINE_AZURE_SUBSCRIPTION}/resourceGroups/${String(args.inputs.resourceGroupName)}/providers/Microsoft.Network/publicIPAddresses/${name}`,
                    name,
                    type: "Microsoft.Network/publicIPAddresses",
                    ipAddress: this.documentationAddress("198.51.100", name),
                    publicIPAddressVersion: "IPv4",
                    publicIPAllocationMethod: "Static",
                    sku: { name: "Standard", tier: "Regional" },
                    provisioningState: "Succeeded",
                };
            }
            case "kubernetes:yaml:decode":
                // The provider returns every non-empty document of the text, in order.
                return {
                    result: parseAllDocuments(String(args.inputs.text))
                        .map((document) => document.toJS() as unknown)
                        .filter((object) => object !== null && object !== undefined),
                };
            case "kubernetes:helm:template": {
                // helm.v3.Chart renders through the provider's `helm template`, which needs the chart's repository.
                // The SDK sends the chart's options in snake case; release_name is the Chart resource's name.
                const chart = JSON.parse(String(args.inputs.jsonOpts ?? "{}")) as { chart?: string; path?: string; release_name?: string };
                throw new RemoteContentError(
                    `kubernetes:helm.sh/v3:Chart "${chart.release_name ?? ""}": chart "${chart.chart ?? chart.path ?? ""}"`,
                    "the provider renders it with helm template from its repository",
                );
            }
            case "azure-native:network:getNetworkInterface":
                return {
                    name: args.inputs.networkInterfaceName,
                    ipConfigurations: [
                        {
                            name: "privateEndpointIpConfig",
                            privateIPAddress: `10.${parseInt(this.hex(`nic:${String(args.inputs.networkInterfaceName)}`, 2), 16)}.144.4`,
                            privateIPAllocationMethod: "Dynamic",
                        },
                    ],
                };
            case "azure-native:authorization:getClientConfig":
                return {
                    clientId: "22222222-2222-2222-2222-222222222222",
                    objectId: "33333333-3333-3333-3333-333333333333",
                    subscriptionId: OFFLINE_AZURE_SUBSCRIPTION,
                    tenantId: OFFLINE_AZURE_TENANT,
                };
            default:
                this.unmockedInvokes.add(args.token);
                throw new UnmockedInvokeError(args.token);
        }
    }

    /**
     * A yaml/v2 component, expanded as the provider's Construct does: its objects become resources
     * parented to it. They are registered once the component's own registration has returned, as
     * the provider registers them after creating the component.
     */
    private kubernetesConfig(type: string, name: string, inputs: Record<string, unknown>) {
        let objects: KubernetesChild[];
        try {
            objects = configChildren(name, inputs, type.endsWith("ConfigGroup"));
        } catch (error) {
            if (error instanceof RemoteManifestError) {
                throw new RemoteContentError(`${type} "${name}": ${error.message}`, "the provider downloads it");
            }
            throw error;
        }
        const done = rpcKeepAlive();
        void (async () => {
            try {
                const urn = await registeredUrn(type, name);
                const component = new pulumi.ComponentResource(type, name, {}, { urn });
                for (const child of objects) {
                    const props = Object.fromEntries(
                        Object.entries(child.object).map(([key, value]) => [
                            key,
                            child.secretKeys.includes(key) ? pulumi.secret(value) : value,
                        ]),
                    );
                    new ExpandedObject(child.type, child.name, props, { parent: component });
                }
            } finally {
                done();
            }
        })();
        return { id: undefined, state: { ...inputs, resources: [] } };
    }

    /**
     * The image `getAmi` would pick, derived from the filters: its name is the name filter with
     * wildcards filled, its architecture the architecture filter's, its owner the first owner.
     */
    private ami(inputs: Record<string, unknown>, region: string) {
        const filters = (inputs.filters as { name: string; values: string[] }[] | undefined) ?? [];
        const filter = (name: string) => filters.find((candidate) => candidate.name === name)?.values[0];
        const seed = `ami:${region}:${JSON.stringify(inputs)}`;
        const imageId = `ami-${this.hex(seed, 17)}`;
        const owners = (inputs.owners as string[] | undefined) ?? [];
        const ownerId = AMI_OWNER_ALIASES[owners[0]] ?? owners[0] ?? OFFLINE_AWS_ACCOUNT;
        const name = (filter("name") ?? imageId).replace(/\*/g, "20260101").replace(/\?/g, "0");
        const architecture = filter("architecture") ?? (/arm64|aarch64/.test(name) ? "arm64" : "x86_64");
        return {
            id: imageId,
            imageId,
            arn: `arn:aws:ec2:${region}::image/${imageId}`,
            name,
            architecture,
            ownerId,
            imageOwnerAlias: owners[0] === "amazon" || owners[0] === "aws-marketplace" ? owners[0] : undefined,
            imageLocation: `${owners[0] ?? ownerId}/${name}`,
            state: "available",
            public: owners[0] !== "self",
            rootDeviceName: filter("root-device-name") ?? "/dev/xvda",
            rootDeviceType: filter("root-device-type") ?? "ebs",
            virtualizationType: filter("virtualization-type") ?? "hvm",
            hypervisor: "xen",
            imageType: "machine",
            platformDetails: filter("platform") === "windows" ? "Windows" : "Linux/UNIX",
            creationDate: OFFLINE_TIMESTAMP,
            enaSupport: true,
            blockDeviceMappings: [
                {
                    deviceName: filter("root-device-name") ?? "/dev/xvda",
                    ebs: { volume_size: "8", volume_type: "gp3", encrypted: "false", delete_on_termination: "true" },
                },
            ],
            tags: {},
            mostRecent: inputs.mostRecent ?? false,
            owners,
            filters,
        };
    }

    private sasToken(inputs: Record<string, unknown>, fields: Record<string, unknown>): string {
        const parameters = new URLSearchParams({ sv: "2022-11-02" });
        for (const [key, value] of Object.entries({
            ...fields,
            st: inputs.sharedAccessStartTime,
            se: inputs.sharedAccessExpiryTime,
            spr: inputs.protocols,
        })) {
            if (value !== undefined) {
                parameters.set(key, String(value));
            }
        }
        parameters.set("sig", this.key(`sas:${JSON.stringify(inputs)}`));
        return parameters.toString();
    }

    /** A base64 access key, like Azure's, derived from its owner; plainly an offline stand-in. */
    private key(seed: string): string {
        return Buffer.from(`offline:${this.hex(`key:${seed}`, 48)}`).toString("base64");
    }

    /** An address from a documentation range (RFC 5737), derived from the seed. */
    private documentationAddress(prefix: string, seed: string): string {
        return `${prefix}.${(parseInt(this.hex(`${seed}:ip`, 2), 16) % 254) + 1}`;
    }

    /** Atlas ids are 24 hex characters; endpoint services carry their cloud's own identifiers. */
    private atlasResource(type: string, name: string, inputs: Record<string, unknown>) {
        const id = this.hex(`${type}:${name}`, 24);
        switch (type) {
            case "mongodbatlas:index/advancedCluster:AdvancedCluster": {
                const host = `${String(inputs.name ?? name)}.${this.hex(`cluster:${name}`, 5)}.mongodb.net`;
                return {
                    id,
                    state: {
                        ...inputs,
                        clusterId: id,
                        stateName: "IDLE",
                        replicationSpecs: ((inputs.replicationSpecs as Record<string, unknown>[] | undefined) ?? []).map((spec, index) => ({
                            ...spec,
                            zoneId: this.hex(`zone:${name}:${index}`, 24),
                            externalId: this.hex(`spec:${name}:${index}`, 24),
                        })),
                        connectionStrings: {
                            standard: `mongodb://${host}:27017`,
                            standardSrv: `mongodb+srv://${host}`,
                            private: "",
                            privateSrv: "",
                            privateEndpoints: [
                                {
                                    type: "MONGOD",
                                    srvConnectionString: `mongodb+srv://${String(inputs.name ?? name)}-pl-0.${this.hex(`pl:${name}`, 5)}.mongodb.net`,
                                    connectionString: "",
                                    srvShardOptimizedConnectionString: "",
                                    endpoints: [],
                                },
                            ],
                        },
                    },
                };
            }
            case "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint": {
                const region = String(inputs.region ?? "us-east-1");
                const aws = inputs.providerName === "AWS";
                return {
                    id,
                    state: {
                        ...inputs,
                        privateLinkId: id,
                        status: aws ? "WAITING_FOR_USER" : "AVAILABLE",
                        endpointServiceName: aws ? `com.amazonaws.vpce.${region}.vpce-svc-${this.hex(`svc:${name}`, 17)}` : "",
                        privateLinkServiceName: aws ? "" : `pls_${id}`,
                        privateLinkServiceResourceId: aws
                            ? ""
                            : `/subscriptions/${this.uuid(`atlas-subscription:${name}`)}/resourceGroups/rg_${id}_${region}/providers/Microsoft.Network/privateLinkServices/pls_${id}`,
                    },
                };
            }
            default:
                return { id, state: inputs };
        }
    }

    /**
     * The inputs as the engine holds them after the provider's Check: with the name the provider
     * generated when the program gave none. Plans and policies see these, as in `pulumi preview`.
     */
    checkedInputs<Inputs extends Record<string, unknown>>(type: string, name: string, inputs: Inputs): Inputs {
        if (!type.startsWith("aws:") && !type.startsWith("azure-native:")) {
            return inputs;
        }
        const checked = this.nameOf(type, name, inputs);
        return checked.generated && checked.property && !checked.violation ? { ...inputs, [checked.property]: checked.name } : inputs;
    }

    private nameOf(type: string, name: string, inputs: Record<string, unknown>): CheckedName {
        return checkName(type, name, inputs, (length) => this.hex(`name:${type}:${name}`, length));
    }

    /** The physical name, or the provider's refusal of it. */
    private checkedName(type: string, name: string, inputs: Record<string, unknown>): CheckedName {
        const checked = this.nameOf(type, name, inputs);
        if (checked.violation) {
            this.nameViolations.push(checked.violation);
            throw new NameRuleError(checked.violation);
        }
        return checked;
    }

    /** Remembers a provider's inputs under the reference its resources will carry. */
    recordProvider(reference: string, inputs: Record<string, unknown>): void {
        this.providers.set(reference, inputs);
    }

    private stackReference(stackName: string) {
        const planned = this.options.stackReferenceOutputs(stackName);
        if (!planned) {
            this.unplannedReferences.add(stackName);
            throw new UnplannedStackReferenceError(stackName);
        }
        return { id: stackName, state: { name: stackName, outputs: planned.outputs, secretOutputNames: planned.secretOutputNames } };
    }

    private awsRegion(provider: string | undefined, inputs: Record<string, unknown>): string {
        // Without an explicit provider, the engine's default provider reads `aws:region` from the stack's config.
        const region = inputs.region ?? (provider ? this.providers.get(provider)?.region : new pulumi.Config("aws").get("region"));
        return typeof region === "string" ? region : "us-east-1";
    }

    private awsResource(
        type: string,
        service: string,
        name: string,
        inputs: Record<string, unknown>,
        region: string,
        checked: CheckedName,
    ) {
        const resource = type.split(":")[2];
        const account = OFFLINE_AWS_ACCOUNT;
        const physicalName = checked.name;
        const prefix = service === "ec2" ? EC2_ID_PREFIXES[resource] : undefined;
        let id = prefix ? `${prefix}-${this.hex(`${type}:${name}`, 17)}` : physicalName;
        let arn = `arn:aws:${service}:${region}:${account}:${kebab(resource)}/${id}`;
        const extra: Record<string, unknown> = {};
        switch (type) {
            case "aws:kms/key:Key":
                id = this.uuid(`${type}:${name}`);
                arn = `arn:aws:kms:${region}:${account}:key/${id}`;
                extra.keyId = id;
                break;
            case "aws:iam/role:Role":
                arn = `arn:aws:iam::${account}:role/${physicalName}`;
                extra.uniqueId = `AROA${this.hex(`${type}:${name}`, 17).toUpperCase()}`;
                break;
            case "aws:iam/rolePolicy:RolePolicy":
                id = `${String(inputs.role ?? name)}:${physicalName}`;
                break;
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2": {
                // A bucketPrefix replaces the auto-name: Terraform's PrefixedUniqueId appends a
                // timestamp (18 digits) and an 8-hex-digit counter.
                const bucket =
                    typeof inputs.bucketPrefix === "string" && inputs.bucket === undefined
                        ? `${inputs.bucketPrefix}${OFFLINE_TIMESTAMP.replace(/\D/g, "").slice(0, 14)}0000${this.hex(`bucket:${name}`, 8)}`
                        : physicalName;
                id = bucket;
                arn = `arn:aws:s3:::${bucket}`;
                Object.assign(extra, {
                    bucket,
                    bucketDomainName: `${bucket}.s3.amazonaws.com`,
                    bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
                });
                break;
            }
            case "aws:cloudwatch/logGroup:LogGroup":
                arn = `arn:aws:logs:${region}:${account}:log-group:${physicalName}`;
                break;
            case "aws:ec2/vpc:Vpc":
                extra.defaultSecurityGroupId = `sg-${this.hex(`${name}:default-sg`, 17)}`;
                extra.mainRouteTableId = `rtb-${this.hex(`${name}:main-rtb`, 17)}`;
                extra.defaultNetworkAclId = `acl-${this.hex(`${name}:default-acl`, 17)}`;
                extra.ownerId = account;
                break;
            case "aws:eks/cluster:Cluster": {
                const clusterId = this.hex(`${name}:eks`, 32).toUpperCase();
                arn = `arn:aws:eks:${region}:${account}:cluster/${physicalName}`;
                Object.assign(extra, {
                    endpoint: `https://${clusterId}.gr7.${region}.eks.amazonaws.com`,
                    certificateAuthority: { data: Buffer.from(`offline plan CA of ${physicalName}`).toString("base64") },
                    identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${clusterId}` }] }],
                    vpcConfig: { ...(inputs.vpcConfig as object), clusterSecurityGroupId: `sg-${this.hex(`${name}:cluster-sg`, 17)}` },
                    status: "ACTIVE",
                });
                break;
            }
            case "aws:eks/nodeGroup:NodeGroup":
                extra.resources = [{ autoscalingGroups: [{ name: `eks-${name}-${this.hex(`${name}:asg`, 8)}` }] }];
                break;
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
                arn = `arn:aws:iam::${account}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`;
                break;
            case "aws:ec2/launchTemplate:LaunchTemplate":
                extra.latestVersion = 1;
                break;
            case "aws:lb/loadBalancer:LoadBalancer": {
                const kind = inputs.loadBalancerType === "network" ? "net" : "app";
                const suffix = `${kind}/${physicalName}/${this.hex(`${name}:lb`, 16)}`;
                arn = `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${suffix}`;
                Object.assign(extra, {
                    arnSuffix: suffix,
                    dnsName: `${inputs.internal ? "internal-" : ""}${physicalName}-${parseInt(this.hex(`${name}:dns`, 8), 16)}.${region}.elb.amazonaws.com`,
                    zoneId: "Z35SXDOTRQ7X7K",
                });
                id = arn;
                break;
            }
            case "aws:lb/targetGroup:TargetGroup": {
                const suffix = `targetgroup/${physicalName.slice(0, 32)}/${this.hex(`${name}:tg`, 16)}`;
                arn = `arn:aws:elasticloadbalancing:${region}:${account}:${suffix}`;
                Object.assign(extra, { arnSuffix: suffix });
                id = arn;
                break;
            }
            case "aws:lb/listener:Listener":
                arn = `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/${name}/${this.hex(`${name}:lb`, 16)}/${this.hex(`${name}:listener`, 16)}`;
                id = arn;
                break;
            case "aws:acm/certificate:Certificate": {
                id = this.uuid(`${type}:${name}`);
                arn = `arn:aws:acm:${region}:${account}:certificate/${id}`;
                const token = this.hex(`${name}:acm`, 32);
                extra.domainValidationOptions = [
                    {
                        domainName: inputs.domainName,
                        resourceRecordName: `_${token}.${String(inputs.domainName)}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${this.hex(`${name}:acm-value`, 32)}.acm-validations.aws.`,
                    },
                ];
                break;
            }
            case "aws:wafv2/webAcl:WebAcl":
                id = this.uuid(`${type}:${name}`);
                arn = `arn:aws:wafv2:${region}:${account}:regional/webacl/${physicalName}/${id}`;
                break;
            case "aws:elasticache/replicationGroup:ReplicationGroup":
                id = physicalName.toLowerCase();
                arn = `arn:aws:elasticache:${region}:${account}:replicationgroup:${id}`;
                extra.primaryEndpointAddress = `master.${id}.${this.hex(`${name}:cache`, 6)}.${region.replace(/-/g, "").slice(0, 4)}.cache.amazonaws.com`;
                break;
            case "aws:ecr/repository:Repository":
                arn = `arn:aws:ecr:${region}:${account}:repository/${physicalName}`;
                extra.repositoryUrl = `${account}.dkr.ecr.${region}.amazonaws.com/${physicalName}`;
                break;
            case "aws:secretsmanager/secret:Secret":
                arn = `arn:aws:secretsmanager:${region}:${account}:secret:${physicalName}-${this.hex(`${name}:secret`, 6)}`;
                id = arn;
                break;
            case "aws:sns/topic:Topic":
                arn = `arn:aws:sns:${region}:${account}:${physicalName}`;
                id = arn;
                break;
            case "aws:cloudtrail/trail:Trail":
                arn = `arn:aws:cloudtrail:${region}:${account}:trail/${physicalName}`;
                break;
            case "aws:backup/vault:Vault":
                arn = `arn:aws:backup:${region}:${account}:backup-vault:${physicalName}`;
                break;
            case "aws:backup/plan:Plan":
                id = this.uuid(`${type}:${name}`);
                arn = `arn:aws:backup:${region}:${account}:backup-plan:${id}`;
                break;
            case "aws:apigatewayv2/api:Api":
                id = this.hex(`${name}:api`, 10);
                extra.apiEndpoint = `https://${id}.execute-api.${region}.amazonaws.com`;
                break;
            case "aws:apigatewayv2/vpcLink:VpcLink":
            case "aws:apigatewayv2/integration:Integration":
                id = this.hex(`${type}:${name}`, 6);
                break;
            case "aws:ec2/vpcEndpoint:VpcEndpoint":
                // A gateway endpoint routes to its service's AWS-managed prefix list, whose ranges
                // it reports (published in AWS's ip-ranges.json, and they change): stand-ins from
                // a documentation range (RFC 5737), two per endpoint as S3's and DynamoDB's have several.
                if (inputs.vpcEndpointType === "Gateway") {
                    extra.prefixListId = `pl-${this.hex(`${name}:prefix-list`, 8)}`;
                    extra.cidrBlocks = [
                        `${this.documentationAddress("192.0.2", `${name}:a`)}/32`,
                        `${this.documentationAddress("192.0.2", `${name}:b`)}/32`,
                    ];
                }
                break;
            case "aws:ec2/vpnConnection:VpnConnection":
                // AWS gives each of the two tunnels an outside address and, unless one was given, a
                // generated pre-shared key (the VpnConnection outputs tunnel1Address and
                // tunnel1PresharedKey in @pulumi/aws ec2/vpnConnection.d.ts; AWS generates 32 characters).
                for (const tunnel of [1, 2]) {
                    extra[`tunnel${tunnel}Address`] = this.documentationAddress("203.0.113", `${name}:tunnel${tunnel}`);
                    extra[`tunnel${tunnel}PresharedKey`] =
                        inputs[`tunnel${tunnel}PresharedKey`] ?? this.hex(`${name}:tunnel${tunnel}:psk`, 32);
                }
                break;
            case "aws:s3/bucketObjectv2:BucketObjectv2":
                // What S3 answers for the object it stored: an ETag (its MD5 for a single-part upload)
                // and, in a versioned bucket, the version's id.
                extra.etag = this.hex(`${name}:etag`, 32);
                extra.versionId = this.hex(`${name}:version`, 32);
                break;
            case "aws:ec2/eip:Eip":
                extra.allocationId = id;
                extra.publicIp = this.documentationAddress("203.0.113", name);
                break;
            case "aws:ec2/natGateway:NatGateway":
                extra.publicIp = this.documentationAddress("203.0.113", name);
                break;
        }
        const checkedProperty = checked.property && checked.property !== "name" ? { [checked.property]: physicalName } : {};
        return { id, state: providerOutputs(type, { ...inputs, name: physicalName, ...checkedProperty, arn, region, ...extra }) };
    }

    private azureResource(type: string, module: string, name: string, inputs: Record<string, unknown>, checked: CheckedName) {
        const resource = type.split(":")[2];
        // A role definition's ARM name is the GUID given as `roleDefinitionId`: ARM addresses it as
        // /{scope}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionId} (Azure/azure-rest-api-specs
        // specification/authorization, RoleDefinitions_CreateOrUpdate; learn.microsoft.com/azure/role-based-access-control/role-assignments-rest).
        const nameInput = checked.property
            ? undefined
            : type === "azure-native:authorization:RoleDefinition"
              ? inputs.roleDefinitionId
              : (inputs[`${lowerFirst(resource)}Name`] ?? inputs.name);
        const physicalName = typeof nameInput === "string" ? nameInput : checked.name;
        const subscription = `/subscriptions/${OFFLINE_AZURE_SUBSCRIPTION}`;
        const namespace = AZURE_NAMESPACES[module] ?? `Microsoft.${module[0].toUpperCase()}${module.slice(1)}`;
        const armType = ARM_TYPE_EXCEPTIONS[type] ?? `${namespace}/${armCollection(resource)}`;
        const resourceGroup = `${subscription}/resourceGroups/${String(inputs.resourceGroupName)}`;
        // Extension resources (role definitions and assignments) live under the scope they are given, not a resource
        // group: their ARM paths begin with /{scope} (same spec: roleAssignments/{roleAssignmentName} too).
        const parent = inputs.resourceGroupName === undefined && typeof inputs.scope === "string" ? inputs.scope : resourceGroup;
        const id =
            type === "azure-native:resources:ResourceGroup"
                ? `${subscription}/resourceGroups/${physicalName}`
                : type === "azure-native:storage:BlobContainer"
                  ? `${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${String(inputs.accountName)}/blobServices/default/containers/${String(inputs.containerName ?? physicalName)}`
                  : `${parent}/providers/${armType}/${physicalName}`;
        const extra: Record<string, unknown> = {};
        switch (type) {
            case "azure-native:containerservice:ManagedCluster":
                extra.oidcIssuerProfile = {
                    enabled: true,
                    issuerURL: `https://eastus2.oic.prod-aks.azure.com/${OFFLINE_AZURE_TENANT}/${this.uuid(`${name}:oidc`)}/`,
                };
                extra.fqdn = `${physicalName}.hcp.eastus2.azmk8s.io`;
                extra.identity = {
                    ...(inputs.identity as object),
                    principalId: this.uuid(`${name}:principal`),
                    tenantId: OFFLINE_AZURE_TENANT,
                };
                // AKS creates the kubelet's identity itself and reports it here.
                extra.identityProfile = {
                    kubeletidentity: { objectId: this.uuid(`${name}:kubelet`), clientId: this.uuid(`${name}:kubelet-client`) },
                };
                break;
            case "azure-native:network:PrivateEndpoint":
                // Azure gives every private endpoint a network interface of its own, named after it.
                extra.networkInterfaces = [
                    {
                        id: `${resourceGroup}/providers/Microsoft.Network/networkInterfaces/${physicalName}.nic.${this.uuid(`${name}:nic`)}`,
                    },
                ];
                break;
            case "azure-native:network:PublicIPAddress":
                // Keyed by the physical name, so that getPublicIPAddress of the same address agrees.
                extra.ipAddress = this.documentationAddress("198.51.100", physicalName);
                break;
            case "azure-native:managedidentity:UserAssignedIdentity":
                Object.assign(extra, {
                    principalId: this.uuid(`${name}:principal`),
                    clientId: this.uuid(`${name}:client`),
                    tenantId: OFFLINE_AZURE_TENANT,
                });
                break;
            case "azure-native:dataprotection:BackupVault":
                extra.identity = {
                    ...(inputs.identity as object),
                    principalId: this.uuid(`${name}:principal`),
                    tenantId: OFFLINE_AZURE_TENANT,
                };
                break;
            case "azure-native:keyvault:Vault":
                extra.properties = { ...(inputs.properties as object), vaultUri: `https://${physicalName}.vault.azure.net/` };
                break;
            case "azure-native:containerregistry:Registry":
                extra.loginServer = `${physicalName.toLowerCase()}.azurecr.io`;
                break;
            case "azure-native:redisenterprise:RedisEnterprise":
                extra.hostName = `${physicalName}.${String(inputs.location)}.redis.azure.net`;
                break;
        }
        const checkedProperty = checked.property ? { [checked.property]: physicalName } : {};
        return {
            id,
            state: providerOutputs(type, {
                ...inputs,
                ...checkedProperty,
                name: physicalName,
                type: armType,
                provisioningState: "Succeeded",
                ...extra,
            }),
        };
    }

    private hex(seed: string, length: number): string {
        return createHash("sha256").update(`${this.options.stack}:${seed}`).digest("hex").slice(0, length);
    }

    private uuid(seed: string): string {
        const hex = this.hex(seed, 32);
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    }
}

/** An object a yaml/v2 component registers, typed only by its token as the provider registers it. */
class ExpandedObject extends pulumi.CustomResource {}

/** The URN the monitor gives a registration that is under way, once it has finished. */
async function registeredUrn(type: string, name: string): Promise<string> {
    for (let attempt = 0; attempt < 1000; attempt++) {
        // The type is the last of the URN's parent-type chain: `...$<type>::<name>` or `...::<type>::<name>`.
        const urn = registeredUrns().find(
            (candidate) => candidate.endsWith(`$${type}::${name}`) || candidate.endsWith(`::${type}::${name}`),
        );
        if (urn) {
            return urn;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`${type} "${name}" was never registered`);
}

/** A Helm chart given as a path on disk rather than a repository reference or URL. */
function isLocalPath(chart: string): boolean {
    return chart.startsWith(".") || chart.startsWith("/");
}

function kebab(value: string): string {
    return value.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

function lowerFirst(value: string): string {
    return value[0].toLowerCase() + value.slice(1);
}
