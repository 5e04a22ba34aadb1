import * as pulumi from "@pulumi/pulumi";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import { AKS_ZONES } from "./aks";
import { builtInRoleId } from "./roles";
import { diagnosticsToWorkspace } from "./logs";
import { PORTS } from "../../model/intent";

export interface AzureOriginArgs {
    /** Resource group of the gateway, its public IP, WAF policy and identity. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Azure region of the gateway, e.g. "westeurope". */
    readonly location: string;
    /** ID of the subnet dedicated to the Application Gateway (the NSG on it admits Cloudflare's ranges only). */
    readonly gatewaySubnetId: pulumi.Input<string>;
    /** Hostname Cloudflare connects with; the listener requires it (SNI). */
    readonly hostname: string;
    /** Key Vault that holds the origin certificate (secret "origin-tls"): its id, name and URI. */
    readonly keyVaultId: pulumi.Input<string>;
    /** The vault's name, under which the origin certificate secret is written. */
    readonly keyVaultName: pulumi.Input<string>;
    /** The vault's URI with its trailing slash (`https://<name>.vault.azure.net/`); the gateway reads `<uri>secrets/origin-tls`. */
    readonly keyVaultUri: pulumi.Input<string>;
    /**
     * The origin certificate and key as a base64, unencrypted PFX (secret). It is written into the
     * vault through Azure Resource Manager, whose control plane the vault's network rules do not
     * restrict, so the first `pulumi up` needs no access to the private vault.
     */
    readonly certificatePfx: pulumi.Input<string>;
    /** Private IP of the in-cluster gateway's internal load balancer, in the AKS node subnet. */
    readonly backendIp: string;
    /**
     * The in-cluster gateway's port. TLS ends here, at the gateway; the hop to the cluster stays
     * inside the VNet, and the cluster's NetworkPolicy admits it from this subnet only.
     */
    readonly backendPort: number;
    /** Path the gateway and Cloudflare's monitors probe. @default "/healthz" */
    readonly healthCheckPath?: string;
    /** Fewest gateway capacity units (instances) kept running, at least 1. */
    readonly minCapacity: number;
    /** Most gateway capacity units (instances) autoscaling may reach, from minCapacity to 125. */
    readonly maxCapacity: number;
    /** Log Analytics workspace ID that the gateway's diagnostic logs (every category, access and firewall among them) and metrics go to. */
    readonly workspaceId: pulumi.Input<string>;
    /**
     * PEM of the CA that issued the edge's per-zone origin-pull certificate. The HTTPS listener
     * admits only clients presenting a certificate it issued (mutual TLS), so traffic from other
     * Cloudflare zones, which also comes from Cloudflare's ranges, is refused.
     */
    readonly clientCaCertificate: string;
    /** Tags set on every resource of the origin. */
    readonly tags: Readonly<Record<string, string>>;
}

/** The SSL profile of the HTTPS listener: the gateway's TLS policy plus client certificate checks. */
export const EDGE_CLIENT_SSL_PROFILE = "edge-client-certificate";
const SSL_POLICY = { policyType: "Predefined", policyName: "AppGwSslPolicy20220101S" } as const;

/** The Key Vault secret that holds the origin certificate (docs/azure-site.md). */
export const ORIGIN_CERTIFICATE_SECRET = "origin-tls";

/**
 * The Azure site's origin: Application Gateway WAF v2 across zones, with an OWASP 3.2 policy in
 * prevention mode, HTTPS only with a TLS 1.2+ policy (HTTP redirects), its certificate from Key
 * Vault, routing to the in-cluster gateway. Only Cloudflare reaches it: the gateway subnet's NSG
 * admits 443 and 80 from Cloudflare's ranges alone, and the HTTPS listener admits only clients
 * with the edge's per-zone origin-pull certificate.
 */
export class AzureOrigin extends pulumi.ComponentResource {
    /** The gateway's static public IPv4 address, the address the edge's Azure pool sends to. */
    public readonly publicIpAddress: pulumi.Output<string>;
    /** ARM resource ID of the Application Gateway, the scope of its metric alerts. */
    public readonly gatewayId: pulumi.Output<string>;
    /** Path Cloudflare's monitors and the gateway's probe request, e.g. "/healthz". */
    public readonly healthCheckPath: string;

    constructor(name: string, args: AzureOriginArgs, opts?: pulumi.ComponentResourceOptions) {
        const healthCheckPath = args.healthCheckPath ?? "/healthz";
        if (!Number.isInteger(args.minCapacity) || args.minCapacity < 1 || args.maxCapacity < args.minCapacity || args.maxCapacity > 125) {
            throw new Error(
                `AzureOrigin ${name}: capacity must satisfy 1 <= minCapacity (${args.minCapacity}) <= maxCapacity (${args.maxCapacity}) <= 125`,
            );
        }
        if (!/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/.test(args.clientCaCertificate)) {
            throw new Error(
                `AzureOrigin ${name}: clientCaCertificate must be one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)`,
            );
        }
        if (!healthCheckPath.startsWith("/")) {
            throw new Error(`AzureOrigin ${name}: healthCheckPath "${healthCheckPath}" must start with /`);
        }
        super("beacon:azure:Origin", name, {}, opts);
        const parent = { parent: this };
        const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: { ...args.tags } };
        this.healthCheckPath = healthCheckPath;
        const subscription = getClientConfigOutput(parent).subscriptionId;

        const publicIp = new network.PublicIPAddress(
            name,
            {
                ...common,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                zones: AKS_ZONES,
            },
            parent,
        );
        const identity = new managedidentity.UserAssignedIdentity(name, common, parent);
        const readsCertificate = new authorization.RoleAssignment(
            `${name}-certificate`,
            {
                scope: args.keyVaultId,
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: builtInRoleId(subscription, "keyVaultSecretsUser"),
            },
            parent,
        );

        // App Gateway takes a Key Vault "secret" object holding a base64, unencrypted PFX
        // (ApplicationGatewaySslCertificatePropertiesFormat.keyVaultSecretId).
        const certificate = new keyvault.Secret(
            `${name}-certificate`,
            {
                resourceGroupName: args.resourceGroupName,
                vaultName: args.keyVaultName,
                secretName: ORIGIN_CERTIFICATE_SECRET,
                properties: { value: pulumi.secret(args.certificatePfx), contentType: "application/x-pkcs12" },
                tags: { ...args.tags },
            },
            parent,
        );

        const policy = new network.WebApplicationFirewallPolicy(
            name,
            {
                ...common,
                policySettings: { state: "Enabled", mode: "Prevention", requestBodyCheck: true },
                managedRules: { managedRuleSets: [{ ruleSetType: "OWASP", ruleSetVersion: "3.2" }] },
            },
            parent,
        );

        // Sub-resources reference each other by ID, so the gateway's name is fixed up front.
        const gatewayName = `${name}-${pulumi.getStack()}`;
        const part = (kind: string, partName: string) =>
            pulumi.interpolate`/subscriptions/${subscription}/resourceGroups/${args.resourceGroupName}/providers/Microsoft.Network/applicationGateways/${gatewayName}/${kind}/${partName}`;
        const gateway = new network.ApplicationGateway(
            name,
            {
                ...common,
                applicationGatewayName: gatewayName,
                sku: { name: "WAF_v2", tier: "WAF_v2" },
                autoscaleConfiguration: { minCapacity: args.minCapacity, maxCapacity: args.maxCapacity },
                zones: AKS_ZONES,
                identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
                firewallPolicy: { id: policy.id },
                gatewayIPConfigurations: [{ name: "gateway", subnet: { id: args.gatewaySubnetId } }],
                frontendIPConfigurations: [{ name: "public", publicIPAddress: { id: publicIp.id } }],
                frontendPorts: [
                    { name: "https", port: PORTS.https },
                    { name: "http", port: 80 },
                ],
                sslCertificates: [
                    { name: "origin", keyVaultSecretId: pulumi.interpolate`${args.keyVaultUri}secrets/${ORIGIN_CERTIFICATE_SECRET}` },
                ],
                sslPolicy: SSL_POLICY,
                // ARM takes the CA file's bytes base64-encoded, as `az network application-gateway client-cert add` sends them.
                trustedClientCertificates: [
                    { name: "edge-origin-pull-ca", data: Buffer.from(args.clientCaCertificate, "utf8").toString("base64") },
                ],
                sslProfiles: [
                    {
                        name: EDGE_CLIENT_SSL_PROFILE,
                        sslPolicy: SSL_POLICY,
                        trustedClientCertificates: [{ id: part("trustedClientCertificates", "edge-origin-pull-ca") }],
                        clientAuthConfiguration: { verifyClientCertIssuerDN: true },
                    },
                ],
                httpListeners: [
                    {
                        name: "https",
                        protocol: "Https",
                        hostName: args.hostname,
                        requireServerNameIndication: true,
                        frontendIPConfiguration: { id: part("frontendIPConfigurations", "public") },
                        frontendPort: { id: part("frontendPorts", "https") },
                        sslCertificate: { id: part("sslCertificates", "origin") },
                        sslProfile: { id: part("sslProfiles", EDGE_CLIENT_SSL_PROFILE) },
                    },
                    {
                        name: "http",
                        protocol: "Http",
                        hostName: args.hostname,
                        frontendIPConfiguration: { id: part("frontendIPConfigurations", "public") },
                        frontendPort: { id: part("frontendPorts", "http") },
                    },
                ],
                backendAddressPools: [{ name: "in-cluster-gateway", backendAddresses: [{ ipAddress: args.backendIp }] }],
                probes: [
                    {
                        name: "health",
                        protocol: "Http",
                        host: args.hostname,
                        path: healthCheckPath,
                        interval: 10,
                        timeout: 5,
                        unhealthyThreshold: 2,
                        match: { statusCodes: ["200"] },
                    },
                ],
                backendHttpSettingsCollection: [
                    {
                        name: "in-cluster-gateway",
                        port: args.backendPort,
                        protocol: "Http",
                        hostName: args.hostname,
                        requestTimeout: 30,
                        probe: { id: part("probes", "health") },
                    },
                ],
                redirectConfigurations: [
                    {
                        name: "http-to-https",
                        redirectType: "Permanent",
                        targetListener: { id: part("httpListeners", "https") },
                        includePath: true,
                        includeQueryString: true,
                    },
                ],
                requestRoutingRules: [
                    {
                        name: "https",
                        ruleType: "Basic",
                        priority: 100,
                        httpListener: { id: part("httpListeners", "https") },
                        backendAddressPool: { id: part("backendAddressPools", "in-cluster-gateway") },
                        backendHttpSettings: { id: part("backendHttpSettingsCollection", "in-cluster-gateway") },
                    },
                    {
                        name: "http",
                        ruleType: "Basic",
                        priority: 200,
                        httpListener: { id: part("httpListeners", "http") },
                        redirectConfiguration: { id: part("redirectConfigurations", "http-to-https") },
                    },
                ],
            },
            { parent: this, dependsOn: [readsCertificate, certificate] },
        );
        diagnosticsToWorkspace(`${name}-diagnostics`, gateway.id, args.workspaceId, parent);

        this.publicIpAddress = publicIp.ipAddress.apply((address) => address ?? "");
        this.gatewayId = gateway.id;
        this.registerOutputs({ publicIpAddress: this.publicIpAddress, gatewayId: this.gatewayId });
    }
}
