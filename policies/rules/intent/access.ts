import {
    accessNeeds,
    ALLOWANCES,
    CLUSTER_AUTOSCALER_ACCOUNT,
    KUBERNETES_READ_ONLY_ROLE,
    SERVICES_NAMESPACE,
    type AccessNeed,
    type Identity,
    type Site,
} from "../../../model/intent";
import { AwsSite } from "./awsNetwork";
import { AWS_MANAGED_POLICIES, denyingStatement, managedPolicyName } from "./iam";
import { azureName, DEPLOY_RUNNER, list, object, PlanView, statements, stringsIn, wildcardMatch, type IntentResource } from "./plan";
import { deployedFromAws, hasDeployRunner, NO_DEPLOYER, siteView, sitesIn } from "./reachability";
import { verdict, type Excess, type Verdict } from "./verdict";

/** Built-in Azure roles by id (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const AZURE_ROLES: Readonly<Record<string, string>> = {
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1": "Storage Account Backup Contributor",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
    "4d97b98b-1d4f-4787-a291-c67834d212e7": "Network Contributor",
    "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b": "Azure Kubernetes Service RBAC Cluster Admin",
    "4abbcc35-e782-43d8-92c5-2d3f1bd2253f": "Azure Kubernetes Service Cluster User Role",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
};

/** One grant an identity holds, as the access checks read it. */
interface Grant {
    readonly identity?: Identity;
    readonly service?: string;
    /** An IAM action, a managed policy name or an Azure role name. */
    readonly grant: string;
    /** ARN pattern, or Azure scope. */
    readonly resource: string;
    readonly label: string;
    readonly urn: string;
    readonly scopeProblem?: string;
}

const SERVICE_ACCOUNT = /system:serviceaccount:([^:]+):([^:"]+)/;

/** The EKS access entry of the emergency role: `EksCluster` names it after the `break-glass` entry. */
const BREAK_GLASS = /break-?glass$/i;

/** The EKS access entry of the preview jobs' role: `EksCluster` names it after the `preview` entry. */
const PREVIEW_ENTRY = /-preview$/;

/**
 * AKS role assignments to principals given as config (no resource in the plan says who they are):
 * `AksCluster` names the preview jobs' read assignments `-kubernetes-read-<n>` and the deploy
 * identity's admin assignments `-kubernetes-admin-<n>`.
 */
const CONFIGURED_PRINCIPALS: readonly { readonly name: RegExp; readonly identity: Identity }[] = [
    { name: /-kubernetes-read-\d+$/, identity: "previewer" },
    { name: /-kubernetes-admin-\d+$/, identity: "deployer" },
];

/** Who a Kubernetes service account is, by its namespace and name. */
function accountIdentity(namespace: string, account: string): { identity?: Identity; service?: string } {
    if (namespace === SERVICES_NAMESPACE) return { identity: "service", service: account };
    if (namespace === CLUSTER_AUTOSCALER_ACCOUNT.namespace && account === CLUSTER_AUTOSCALER_ACCOUNT.name)
        return { identity: "autoscaler" };
    return account.includes("asset") ? { identity: "asset-copy" } : {};
}

/** Who an IAM role is for, from its trust policy and what uses it. */
function awsIdentity(view: PlanView, role: IntentResource): { identity?: Identity; service?: string } {
    // The runner's role: named for it, or given to its instances through an instance profile.
    const profiles = view
        .ofType("aws:iam/instanceProfile:InstanceProfile")
        .filter((profile) => (profile.deps.role ?? []).includes(role.urn))
        .map((profile) => profile.urn);
    const runnerUses =
        view.where(
            (resource) =>
                DEPLOY_RUNNER.test(resource.name) &&
                Object.values(resource.deps).some((urns) => urns.some((urn) => urn === role.urn || profiles.includes(urn))),
        ).length > 0;
    if (DEPLOY_RUNNER.test(role.name) || runnerUses) {
        return { identity: "deployer" };
    }
    if (view.ofType("aws:eks/nodeGroup:NodeGroup").some((group) => (group.deps.nodeRoleArn ?? []).includes(role.urn))) {
        return { identity: "nodes" };
    }
    for (const statement of statements(role.props.assumeRolePolicy)) {
        const principal = object(statement.Principal);
        const services = list<string>(principal.Service);
        if (services.includes("eks.amazonaws.com")) return { identity: "cluster" };
        if (services.includes("backup.amazonaws.com")) return { identity: "backup" };
        if (services.includes("vpc-flow-logs.amazonaws.com")) return { identity: "log-delivery" };
        if (services.includes("s3.amazonaws.com")) return { identity: "replication" };
        const subject = SERVICE_ACCOUNT.exec(JSON.stringify(statement.Condition ?? {}));
        if (principal.Federated && subject) {
            return accountIdentity(subject[1], subject[2]);
        }
        if (services.includes("pods.eks.amazonaws.com")) {
            // EKS Pod Identity: the association names the ServiceAccount.
            const association = view
                .ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
                .find((candidate) => (candidate.deps.roleArn ?? []).includes(role.urn));
            return association ? accountIdentity(String(association.props.namespace), String(association.props.serviceAccount)) : {};
        }
    }
    return {};
}

function awsGrants(view: PlanView): Grant[] {
    const grants: Grant[] = [];
    for (const role of view.ofType("aws:iam/role:Role")) {
        const who = awsIdentity(view, role);
        const ofRole = (resource: IntentResource) => (resource.deps.role ?? []).includes(role.urn);
        for (const policy of view.ofType("aws:iam/rolePolicy:RolePolicy").filter(ofRole)) {
            statements(policy.props.policy)
                .filter((statement) => statement.Effect === "Allow")
                .forEach((statement, index) => {
                    for (const action of list<string>(statement.Action)) {
                        for (const resource of list<string>(statement.Resource ?? "*")) {
                            grants.push({
                                ...who,
                                grant: action,
                                resource,
                                label: `inline policy ${policy.name} statement ${String(statement.Sid ?? index)}`,
                                urn: policy.urn,
                            });
                        }
                    }
                });
        }
        for (const attachment of view.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(ofRole)) {
            const name = managedPolicyName(String(attachment.props.policyArn));
            grants.push({
                ...who,
                grant: name ?? String(attachment.props.policyArn),
                resource: "*",
                label: `managed policy ${name ?? String(attachment.props.policyArn)}`,
                urn: attachment.urn,
            });
        }
    }
    for (const association of view.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
        const role = view.owner(String(association.props.principalArn)) ?? view.dependencies(association, "principalArn")[0];
        const who =
            role?.type === "aws:iam/role:Role"
                ? awsIdentity(view, role)
                : role?.type === "aws:eks/accessEntry:AccessEntry" && BREAK_GLASS.test(role.name)
                  ? { identity: "break-glass" as const }
                  : role?.type === "aws:eks/accessEntry:AccessEntry" && PREVIEW_ENTRY.test(role.name)
                    ? { identity: "previewer" as const }
                    : {};
        const entry = view
            .ofType("aws:eks/accessEntry:AccessEntry")
            .some((candidate) =>
                role
                    ? (candidate.deps.principalArn ?? []).includes(role.urn) ||
                      candidate.props.principalArn === association.props.principalArn
                    : candidate.props.principalArn === association.props.principalArn,
            );
        grants.push({
            ...who,
            grant:
                managedPolicyName(String(association.props.policyArn).replace(":eks::aws:cluster-access-policy/", ":iam::aws:policy/")) ??
                String(association.props.policyArn),
            resource: String(object(association.props.accessScope).type ?? "cluster"),
            label: `EKS access policy association ${association.name}`,
            urn: association.urn,
            ...(entry ? {} : { scopeProblem: `no EKS access entry for ${String(association.props.principalArn)}` }),
        });
    }
    return grants;
}

/** Who an Azure principal is: the resource its id came from tells. */
function azureIdentity(view: PlanView, principal: IntentResource | undefined, role: string): { identity?: Identity; service?: string } {
    if (!principal) {
        return {};
    }
    if (DEPLOY_RUNNER.test(principal.name)) return { identity: "deployer" };
    if (principal.type === "azure-native:containerservice:ManagedCluster") return { identity: role === "AcrPull" ? "nodes" : "cluster" };
    if (principal.type === "azure-native:dataprotection:BackupVault") return { identity: "backup" };
    if (principal.type === "azure-native:managedidentity:UserAssignedIdentity") {
        const federation = view
            .ofType("azure-native:managedidentity:FederatedIdentityCredential")
            .find((credential) => (credential.deps.resourceName ?? []).includes(principal.urn));
        const subject = SERVICE_ACCOUNT.exec(String(federation?.props.subject ?? ""));
        if (subject) {
            return accountIdentity(subject[1], subject[2]);
        }
        if (
            view
                .ofType("azure-native:network:ApplicationGateway")
                .some((gateway) => JSON.stringify(gateway.deps.identity ?? []).includes(principal.urn))
        )
            return { identity: "origin-gateway" };
        if (
            view
                .ofType("azure-native:network:FlowLog")
                .some((flowLog) => JSON.stringify(flowLog.deps.identity ?? []).includes(principal.urn))
        )
            return { identity: "log-delivery" };
    }
    return {};
}

/**
 * Collections of ARM ids and the planned types that make them. A child addressed by its own name
 * under a parent the scope came from (a secret of a vault) is found by name: the ARM name is its
 * `name` output, which a stack policy reads (its `secretName` is a path parameter, not an output).
 */
const SCOPE_TYPES: Readonly<Record<string, { type: string; byName?: boolean }>> = {
    vaults: { type: "azure-native:keyvault:Vault" },
    secrets: { type: "azure-native:keyvault:Secret", byName: true },
    registries: { type: "azure-native:containerregistry:Registry" },
    storageAccounts: { type: "azure-native:storage:StorageAccount" },
    containers: { type: "azure-native:storage:BlobContainer", byName: true },
    managedClusters: { type: "azure-native:containerservice:ManagedCluster" },
    redisEnterprise: { type: "azure-native:redisenterprise:RedisEnterprise" },
    databases: { type: "azure-native:redisenterprise:Database", byName: true },
    virtualNetworks: { type: "azure-native:network:VirtualNetwork" },
};

/**
 * Whether an assignment's scope is something the plan creates: ARM refuses an assignment at a
 * scope that does not exist. A subnet is found inline in its VNet or as its own resource.
 */
export function scopeProblem(view: PlanView, assignment: IntentResource): string | undefined {
    const scope = String(assignment.props.scope ?? "");
    const segments = scope.split("/").filter(Boolean);
    const [collection, name] = segments.slice(-2);
    const sources = view.dependencies(assignment, "scope");
    if (collection === "subnets") {
        const inVnet = sources.some((vnet) => list(vnet.props.subnets).some((subnet) => subnet.name === name));
        const separate = view.ofType("azure-native:network:Subnet").some((subnet) => azureName(subnet) === name);
        return inVnet || separate ? undefined : `scope ${scope}: no subnet ${name} in the plan`;
    }
    if (collection === "resourceGroups" || segments.length <= 2) {
        return undefined;
    }
    const kind = SCOPE_TYPES[collection];
    if (!kind) {
        return undefined;
    }
    const found = kind.byName
        ? view.ofType(kind.type).some((resource) => azureName(resource) === name)
        : sources.some((resource) => resource.type === kind.type);
    return found ? undefined : `scope ${scope}: no ${kind.type} ${name} in the plan`;
}

/**
 * A role the plan defines, named by what it allows: read-only when every action and data action
 * it grants ends in `/read`, else by its own name, which no allowance lists.
 */
function customRoleName(definition: IntentResource): string {
    const granted = list<Record<string, unknown>>(definition.props.permissions).flatMap((permission) => [
        ...list<string>(permission.actions),
        ...list<string>(permission.dataActions),
    ]);
    const readOnly = granted.length > 0 && granted.every((action) => /\/read$/i.test(action));
    return readOnly ? KUBERNETES_READ_ONLY_ROLE : `custom role ${definition.name}`;
}

function azureGrants(view: PlanView): Grant[] {
    const grants: Grant[] = [];
    for (const assignment of view.ofType("azure-native:authorization:RoleAssignment")) {
        const roleId =
            String(assignment.props.roleDefinitionId ?? "")
                .split("/")
                .pop() ?? "";
        const customRole = view
            .dependencies(assignment, "roleDefinitionId")
            .find((resource) => resource.type === "azure-native:authorization:RoleDefinition");
        const role = customRole ? customRoleName(customRole) : (AZURE_ROLES[roleId] ?? roleId);
        const principal = view.dependencies(assignment, "principalId")[0];
        const configured = principal ? undefined : CONFIGURED_PRINCIPALS.find((entry) => entry.name.test(assignment.name));
        const problem = scopeProblem(view, assignment);
        grants.push({
            ...(configured ? { identity: configured.identity } : azureIdentity(view, principal, role)),
            grant: role,
            resource: String(assignment.props.scope ?? ""),
            label: `role assignment ${assignment.name} (${role})`,
            urn: assignment.urn,
            ...(problem ? { scopeProblem: problem } : {}),
        });
    }
    for (const assignment of view.ofType("azure-native:redisenterprise:AccessPolicyAssignment")) {
        const principal = view.dependencies(assignment, "user")[0];
        const policy = String(assignment.props.accessPolicyName ?? "default");
        grants.push({
            ...azureIdentity(view, principal, policy),
            grant: policy,
            resource: "redis",
            label: `Redis access policy assignment ${assignment.name} (${policy})`,
            urn: assignment.urn,
        });
    }
    return grants;
}

/** The ARN or scope a need's target has on this plan, as a matcher over a grant's resource. */
function targetMatcher(view: PlanView, site: Site, need: AccessNeed): (resource: string) => boolean {
    const any = () => true;
    if (site === "aws") {
        const secretName = (component: string) =>
            view
                .ofType("aws:secretsmanager/secret:Secret")
                .find(
                    (secret) =>
                        PlanView.under(secret, component) &&
                        (component !== "beacon:aws:Registry" || String(secret.props.name ?? "").endsWith(`/${need.service}`)),
                )?.props.name;
        const secretArn = (name: unknown) => (resource: string) =>
            name !== undefined &&
            (wildcardMatch(resource, `arn:aws:secretsmanager:r:a:secret:${String(name)}-abcdef`) ||
                new RegExp(`:secret:${String(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[A-Za-z0-9]{6}$`).test(resource));
        const assets = assetsBucket(view);
        switch (need.target) {
            case "own-secret":
                return secretArn(secretName("beacon:aws:Registry"));
            case "redis-auth":
                return secretArn(secretName("beacon:aws:Redis"));
            case "runner-registration":
                return secretArn(secretName("beacon:aws:DeployRunner"));
            case "assets":
                return (resource) =>
                    assets !== undefined &&
                    (wildcardMatch(resource, `arn:aws:s3:::${assets}/x`) || wildcardMatch(resource, `arn:aws:s3:::${assets}`));
            default:
                return any;
        }
    }
    const scopeEndsWith = (pattern: RegExp) => (scope: string) => pattern.test(scope);
    switch (need.target) {
        case "own-secret":
            return scopeEndsWith(new RegExp(`/vaults/[^/]+(/secrets/hub-${need.service})?$`));
        case "runner-registration":
            return scopeEndsWith(/\/vaults\/[^/]+\/secrets\/[^/]+$/);
        case "gateway-certificate":
            return scopeEndsWith(/\/vaults\/[^/]+(\/secrets\/[^/]+)?$/);
        case "registry":
            return scopeEndsWith(/\/registries\/[^/]+$/);
        case "assets":
            return (scope) => /\/storageAccounts\/[^/]*assets[^/]*(\/blobServices\/default\/containers\/[^/]+)?$/.test(scope);
        case "cluster":
            return scopeEndsWith(/\/managedClusters\/[^/]+$/);
        case "node-subnet":
            return scopeEndsWith(/\/subnets\/[^/]+$/);
        default:
            return any;
    }
}

function assetsBucket(view: PlanView): string | undefined {
    const replicated = view
        .ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
        .flatMap((config) => view.dependencies(config, "bucket"))[0];
    const bucket =
        replicated ??
        view
            .ofType("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
            .find((candidate) => PlanView.under(candidate, "beacon:aws:StaticAssets"));
    return bucket ? view.bucketName(bucket) : undefined;
}

/** Whether a grant gives the need's action: an IAM action (wildcards honoured), or a managed policy or role that holds it. */
function grantCovers(grant: string, wanted: string): boolean {
    return (
        grant === wanted ||
        wildcardMatch(grant, wanted, true) ||
        (AWS_MANAGED_POLICIES[grant] ?? []).some((action) => wildcardMatch(action, wanted, true))
    );
}

export function siteGrants(view: PlanView, site: Site): Grant[] {
    return site === "aws" ? awsGrants(view) : azureGrants(view);
}

/** The verdict of every access need of every site in the stack. */
export function evaluateNeeds(view: PlanView): Verdict[] {
    return sitesIn(view).flatMap((site) => {
        const grants = siteGrants(view, site);
        const deployer = hasDeployRunner(view, site);
        // The AWS runner that deploys an all-in-one stack's Azure site administers its cluster as the
        // principal the stack configures (azureDeployPrincipalId); its registration is AWS's.
        const administeredFromAws = deployedFromAws(view, site);
        return accessNeeds(site).map((need) => {
            if (need.identity === "deployer" && !deployer && !(administeredFromAws && need.target === "cluster")) {
                return verdict(need.id, site, [NO_DEPLOYER], []);
            }
            const mine = grants.filter(
                (grant) => grant.identity === need.identity && (need.service === undefined || grant.service === need.service),
            );
            const matches = targetMatcher(view, site, need);
            const by: string[] = [];
            const problems: string[] = [];
            for (const wanted of need.grants) {
                const granting = mine.filter(
                    (grant) =>
                        grantCovers(grant.grant, wanted) &&
                        (grant.resource === "*" || grant.resource === "cluster" || matches(grant.resource)),
                );
                const valid = granting.find((grant) => !grant.scopeProblem);
                if (valid) {
                    by.push(...(by.includes(valid.label) ? [] : [valid.label]));
                } else {
                    problems.push(granting[0]?.scopeProblem ?? `${describe(need)} holds no grant of ${wanted} on its ${need.target}`);
                }
            }
            if (site === "aws" && need.id === "web-reads-assets" && problems.length === 0) {
                problems.push(...assetsBucketPolicyProblems(view, mine));
            }
            return verdict(need.id, site, by, problems);
        });
    });
}

/**
 * The S3 gateway endpoint the web tier's requests leave through: the pods run on the nodes, and a
 * gateway endpoint on the nodes' route tables carries all their S3 traffic, so S3 sees its id as
 * `aws:SourceVpce` (docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
 */
function nodesS3Endpoint(view: PlanView): IntentResource | undefined {
    const site = new AwsSite(siteView(view, "aws"));
    const tables = site.routeTablesOf(site.nodes().cidrs).map((table) => table.urn);
    return view
        .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
        .find(
            (endpoint) =>
                endpoint.props.vpcEndpointType === "Gateway" &&
                String(endpoint.props.serviceName).endsWith(".s3") &&
                tables.length > 0 &&
                tables.every((table) => (endpoint.deps.routeTableIds ?? []).includes(table)),
        );
}

/** The web tier reads through the S3 gateway endpoint; the bucket policy must not deny it there. */
function assetsBucketPolicyProblems(view: PlanView, grants: readonly Grant[]): string[] {
    const bucket = assetsBucket(view);
    const policy = view.ofType("aws:s3/bucketPolicy:BucketPolicy").find((candidate) => candidate.props.bucket === bucket);
    const role = view.get(grants[0]?.urn ?? "");
    const roleName = role ? String(role.props.role ?? "") : "";
    const endpoint = nodesS3Endpoint(view);
    // The policy names the endpoint by the id it was computed from: its `vpce-` value whose source is this endpoint.
    const endpointId =
        endpoint && policy && (policy.deps.policy ?? []).includes(endpoint.urn)
            ? stringsIn(policy.props.policy)
                  .flatMap((text) => text.match(/\bvpce-[0-9a-f]+\b/g) ?? [])
                  .find((id) => [undefined, endpoint.urn].includes(view.owner(id)?.urn))
            : undefined;
    const request = {
        action: "s3:GetObject",
        resource: `arn:aws:s3:::${bucket}/asset`,
        principal: { arn: `arn:aws:iam::000000000000:role/${roleName}` },
        context: {
            "aws:SecureTransport": "true",
            "aws:PrincipalArn": `arn:aws:iam::000000000000:role/${roleName}`,
            ...(endpointId ? { "aws:SourceVpce": endpointId } : {}),
        },
    };
    const denied = policy && denyingStatement(policy.props.policy, request, true);
    return denied
        ? [
              `the assets bucket policy denies the web tier (${denied})${endpoint ? "" : "; the nodes' route tables have no S3 gateway endpoint"}`,
          ]
        : [];
}

function describe(need: AccessNeed): string {
    return need.service ? `the ${need.service} service` : `the ${need.identity} identity`;
}

/** Grants beyond the needs: to identities the intent does not know, or of actions and roles no need of theirs asks for. */
export function excessGrants(view: PlanView): Excess[] {
    return sitesIn(view).flatMap((site) =>
        siteGrants(view, site).flatMap((grant): Excess[] => {
            const control = `${grant.label}: ${grant.grant} on ${grant.resource}`;
            if (!grant.identity) {
                return [{ site, control, reason: "held by an identity the intent does not declare", urn: grant.urn }];
            }
            const allowance = ALLOWANCES[site][grant.identity] ?? [];
            const allowed = allowance.some(
                (permitted) => permitted === grant.grant || (!grant.grant.includes("*") && wildcardMatch(permitted, grant.grant, true)),
            );
            if (!allowed) {
                return [
                    {
                        site,
                        control,
                        reason: `the ${grant.identity}${grant.service ? ` (${grant.service})` : ""} needs no ${grant.grant}`,
                        urn: grant.urn,
                    },
                ];
            }
            if (site === "azure" && /\/(subscriptions\/[^/]+|resourceGroups\/[^/]+)$/.test(grant.resource)) {
                return [
                    { site, control, reason: "assigned at a subscription or resource group; the need is one resource", urn: grant.urn },
                ];
            }
            return [];
        }),
    );
}
