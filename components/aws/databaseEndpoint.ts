import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import { PrivateLinkEndpoint } from "@pulumi/mongodbatlas/privateLinkEndpoint";
import { PrivateLinkEndpointService } from "@pulumi/mongodbatlas/privateLinkEndpointService";
import { type Provider as AtlasProvider } from "@pulumi/mongodbatlas/provider";
import { DATABASE_PORTS } from "../../model/intent";

export interface AwsDatabaseEndpointArgs {
    /** The Atlas project that holds the trading database. */
    readonly atlasProjectId: pulumi.Input<string>;
    /** Provider for the Atlas side of the link; the component's own provider builds the AWS side. */
    readonly atlasProvider: AtlasProvider;
    /** The site's AWS region; Atlas opens its endpoint service there. */
    readonly region: string;
    /** The site's VPC, where the interface endpoint and its security group go. */
    readonly vpcId: pulumi.Input<string>;
    /** The workloads' private subnets: the endpoint's interfaces live there. */
    readonly subnetIds: pulumi.Input<string>[];
    /** The only networks that may connect (the workloads' private subnets). */
    readonly clientCidrs: readonly string[];
}

/**
 * The AWS site's private path to the cross-cloud database: an Atlas PrivateLink endpoint service
 * in the site's region and an interface VPC endpoint to it, reachable only from the workloads'
 * subnets. The database has no public access list entries, so this is the only way in.
 */
export class AwsDatabaseEndpoint extends pulumi.ComponentResource {
    /** ID of the interface VPC endpoint to Atlas's endpoint service; Atlas accepts it as the project's private endpoint. */
    public readonly vpcEndpointId: pulumi.Output<string>;

    constructor(name: string, args: AwsDatabaseEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        if (args.clientCidrs.length === 0 || args.clientCidrs.some((cidr) => cidr.endsWith("/0"))) {
            throw new Error(`AwsDatabaseEndpoint ${name}: clientCidrs must list the client networks, never 0.0.0.0/0`);
        }
        super("beacon:aws:DatabaseEndpoint", name, {}, opts);
        const atlas = { parent: this, provider: args.atlasProvider };
        const link = new PrivateLinkEndpoint(name, { projectId: args.atlasProjectId, providerName: "AWS", region: args.region }, atlas);
        const securityGroup = new ec2.SecurityGroup(
            name,
            {
                vpcId: args.vpcId,
                description: "Atlas private endpoint: from the workloads' subnets only",
                // Atlas maps each node to its own port on the endpoint, from 1024 up.
                ingress: [
                    {
                        protocol: "tcp",
                        fromPort: DATABASE_PORTS.from,
                        toPort: DATABASE_PORTS.to,
                        cidrBlocks: [...args.clientCidrs],
                        description: "MongoDB over TLS from workloads",
                    },
                ],
                tags: { Name: name },
            },
            { parent: this },
        );
        const endpoint = new ec2.VpcEndpoint(
            name,
            {
                vpcId: args.vpcId,
                serviceName: link.endpointServiceName,
                vpcEndpointType: "Interface",
                subnetIds: args.subnetIds,
                securityGroupIds: [securityGroup.id],
                tags: { Name: name },
            },
            { parent: this },
        );
        new PrivateLinkEndpointService(
            name,
            {
                projectId: args.atlasProjectId,
                providerName: "AWS",
                privateLinkId: link.privateLinkId,
                endpointServiceId: endpoint.id,
            },
            atlas,
        );
        this.vpcEndpointId = endpoint.id;
        this.registerOutputs({ vpcEndpointId: this.vpcEndpointId });
    }
}
