import * as pulumi from "@pulumi/pulumi";
import * as ecr from "@pulumi/aws/ecr";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import { dataStoreOptions } from "../data/retention";

export interface AwsRegistryArgs {
    /** One repository and one secret per service. */
    readonly services: readonly string[];
    /** Encrypts the repositories' images and the services' secrets. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Tagged images each repository keeps. @default 30 */
    readonly keepTaggedImages?: number;
    /** Keep repositories and secrets when the stack is destroyed by mistake (prod). */
    readonly protect: boolean;
    /**
     * Secret values the stack writes, by service, through the write-only input: sent when
     * `version` changes, never kept in state. A service without one keeps its value set out of band.
     * @default none
     */
    readonly secretValues?: {
        /** Each service's secret value, by service name (a subset of `services`), from `secure:` config or ESC. */
        readonly values: Readonly<Record<string, pulumi.Input<string>>>;
        /** Write version of the values, a whole number ≥ 1: raise it to send changed values (write-only input). */
        readonly version: number;
    };
}

/**
 * Per service: an ECR repository (immutable tags, scan on push, KMS, a lifecycle that keeps the
 * recent tagged images and drops untagged ones) and a Secrets Manager secret (KMS) whose value
 * comes from the stack's secret config (`secretValues`) or is set out of band. Opaque application secrets have no managed rotation in Secrets
 * Manager; their owners rotate them (runbook), and the Redis AUTH token rotates with ElastiCache.
 */
export class AwsRegistry extends pulumi.ComponentResource {
    /**
     * URL of each service's ECR repository (`<account>.dkr.ecr.<region>.amazonaws.com/crypto-beacon/<stack>/<service>`),
     * by service name.
     */
    public readonly repositoryUrls: Record<string, pulumi.Output<string>>;
    /** ARN of each service's Secrets Manager secret, by service name; its value is set outside the repository. */
    public readonly secretArns: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: AwsRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        const keepTaggedImages = args.keepTaggedImages ?? 30;
        if (args.services.length === 0 || args.services.some((service) => !/^[a-z][a-z0-9-]*$/.test(service))) {
            throw new Error(`AwsRegistry ${name}: services must be kebab-case names; got ${JSON.stringify(args.services)}`);
        }
        const unknownServices = Object.keys(args.secretValues?.values ?? {}).filter((service) => !args.services.includes(service));
        if (unknownServices.length > 0) {
            throw new Error(`AwsRegistry ${name}: secretValues names ${unknownServices.join(", ")}; allowed: ${args.services.join(", ")}`);
        }
        if (args.secretValues && (!Number.isInteger(args.secretValues.version) || args.secretValues.version < 1)) {
            throw new Error(`AwsRegistry ${name}: secretValues.version ${args.secretValues.version} must be a whole number of at least 1`);
        }
        if (!Number.isInteger(keepTaggedImages) || keepTaggedImages < 1) {
            throw new Error(`AwsRegistry ${name}: keepTaggedImages ${keepTaggedImages} must be a whole number of at least 1`);
        }
        super("beacon:aws:Registry", name, {}, opts);
        const data = dataStoreOptions(args, { parent: this, deleteBeforeReplace: true });
        this.repositoryUrls = {};
        this.secretArns = {};
        for (const service of args.services) {
            const repository = new ecr.Repository(
                `${name}-${service}`,
                {
                    // Two stacks may share an account: the stack keeps their repositories apart.
                    name: `crypto-beacon/${pulumi.getStack()}/${service}`,
                    imageTagMutability: "IMMUTABLE",
                    imageScanningConfiguration: { scanOnPush: true },
                    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
                    forceDelete: false,
                },
                data,
            );
            new ecr.LifecyclePolicy(
                `${name}-${service}`,
                {
                    repository: repository.name,
                    policy: JSON.stringify({
                        rules: [
                            {
                                rulePriority: 1,
                                description: "Drop untagged images after 7 days",
                                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
                                action: { type: "expire" },
                            },
                            {
                                rulePriority: 2,
                                description: `Keep the last ${keepTaggedImages} tagged images`,
                                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepTaggedImages },
                                action: { type: "expire" },
                            },
                        ],
                    }),
                },
                { parent: this },
            );
            const secret = new secretsmanager.Secret(
                `${name}-${service}`,
                {
                    name: `crypto-beacon/${pulumi.getStack()}/${service}`,
                    description: `Runtime secrets of the ${service} service`,
                    kmsKeyId: args.kmsKeyArn,
                    recoveryWindowInDays: 30,
                },
                data,
            );
            const value = args.secretValues?.values[service];
            if (value !== undefined) {
                new secretsmanager.SecretVersion(
                    `${name}-${service}`,
                    { secretId: secret.id, secretStringWo: pulumi.secret(value), secretStringWoVersion: args.secretValues!.version },
                    { parent: this },
                );
            }
            this.repositoryUrls[service] = repository.repositoryUrl;
            this.secretArns[service] = secret.arn;
        }
        this.registerOutputs({ repositoryUrls: this.repositoryUrls, secretArns: this.secretArns });
    }
}
