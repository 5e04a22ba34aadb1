import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parseStackConfig } from "../stacks/config/load";
import { planStack } from "../tools/plan/planner";
import { assertPlanFails, FIXTURES, planFixtureStack, REPOSITORY_ROOT } from "./helpers";

describe("stack config validation", () => {
    describe("rejects bad stack files with one clear error naming the file, the key and what is allowed", () => {
        const cases: { fixture: string; fragments: string[] }[] = [
            { fixture: "typo", fragments: ["crypto-beacon:awsVpcCidrr: unknown key", "did you mean crypto-beacon:awsVpcCidr?"] },
            {
                fixture: "wrong-type",
                fragments: [
                    "crypto-beacon:awsZoneCount: must be a whole number (Pulumi.yaml declares type integer)",
                    'got the string "three"',
                ],
            },
            { fixture: "bad-cidr", fragments: ["crypto-beacon:awsVpcCidr: must be a canonical IPv4 CIDR block"] },
            {
                fixture: "unknown-region",
                fragments: ['crypto-beacon:awsRegion: "us-east-7" is not a known AWS region', "allowed:", "us-east-1"],
            },
            {
                fixture: "all-in-one-overlap",
                fragments: ["crypto-beacon:azureVnetCidr: 10.10.128.0/17 overlaps awsVpcCidr 10.10.0.0/16"],
            },
            {
                fixture: "edge-overlap",
                fragments: [
                    "crypto-beacon:azureSiteStack: the Azure site's address space 10.10.128.0/17 overlaps the AWS site's 10.10.0.0/16",
                ],
            },
            {
                fixture: "no-role",
                fragments: [
                    "crypto-beacon:role: missing",
                    "every stack must set it",
                    "all-in-one (dev/test), aws-site, azure-site, or edge",
                ],
            },
            { fixture: "edge-missing-domain", fragments: ['crypto-beacon:domain: missing; role "edge" requires it'] },
            {
                fixture: "edge-plaintext-secret",
                fragments: [
                    "crypto-beacon:cloudflareApiToken: holds a plaintext value",
                    "pulumi config set --secret crypto-beacon:cloudflareApiToken",
                ],
            },
            {
                fixture: "edge-wrong-role",
                fragments: [
                    'crypto-beacon:awsSiteStack: stack "organization/crypto-beacon/good-azure" has role "azure-site"; allowed: a stack with role "aws-site"',
                    'crypto-beacon:azureSiteStack: stack "organization/crypto-beacon/good-aws" has role "aws-site"; allowed: a stack with role "azure-site"',
                ],
            },
            {
                fixture: "edge-wrong-environment",
                fragments: ['crypto-beacon:awsSiteStack: stack "organization/crypto-beacon/staging-aws" is environment "staging"'],
            },
            {
                fixture: "wrong-role-key",
                fragments: ['crypto-beacon:awsVpcCidr: not used by role "azure-site"; only by all-in-one, aws-site'],
            },
            { fixture: "bad-yaml", fragments: ["Pulumi.bad-yaml.yaml:4:", "not valid YAML"] },
        ];
        for (const { fixture, fragments } of cases) {
            it(`Pulumi.${fixture}.yaml`, async () => {
                await assertPlanFails(planFixtureStack(fixture), 2, `Pulumi.${fixture}.yaml`, ...fragments);
            });
        }
    });

    it("a stack that does not exist is named with the stacks that do", async () => {
        await assertPlanFails(planStack({ stack: "prdo" }), 2, "Pulumi.prdo.yaml: no such stack file", "prod, prod-aws, prod-azure");
    });

    it("the plan command exits 2 with the message and no stack trace", () => {
        const result = runPlanCli(["--config", path.join(FIXTURES, "stacks", "Pulumi.bad-cidr.yaml"), "--skip-policy"]);
        assert.equal(result.status, 2);
        assert.match(result.stderr, /^error: Pulumi\.bad-cidr\.yaml: invalid stack config\n {2}- crypto-beacon:awsVpcCidr: /m);
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
        assert.equal(result.stdout, "", "nothing planned, nothing printed as if it were");
    });

    it("the plan command rejects unknown flags with the closest flag, where to find the usage, and exit 2", () => {
        const result = runPlanCli(["--stakc", "prod"]);
        assert.equal(result.status, 2);
        assert.equal(result.stderr, "error: unknown flag --stakc; did you mean --stack?\nrun 'npm run plan -- --help' for usage\n");
    });

    describe("inside the program, as the Pulumi CLI hands config over", () => {
        /** What every stack needs from ESC to reach Atlas: the project, and the service account (secret). */
        const atlas = { atlasProjectId: "6a1f0c2e9b8d7a6f5e4d3c24", atlasClientId: "mdb_sa_id", atlasClientSecret: "mdb_sa_sk" };
        /** The blue/green releases every site stack names. */
        const releases = { hubBlueRelease: "1.42.0", hubGreenRelease: "1.43.0" };
        /** The origin certificate an AWS site needs, as ESC hands it over: secret. */
        const siteSecrets = {
            awsOriginTlsCertificate: "-----BEGIN CERTIFICATE-----",
            awsOriginTlsPrivateKey: "-----BEGIN PRIVATE KEY-----",
            ...atlas,
        };
        const siteSecretKeys = new Set(Object.keys(siteSecrets));
        /** The zone's origin-pull CA an AWS site verifies Cloudflare's client certificate against: public, plain config. */
        const originPull = {
            awsOriginPullCaCertificate: "-----BEGIN CERTIFICATE-----\nMIIBfake+base64/material==\n-----END CERTIFICATE-----\n",
        };
        /** A PEM certificate as a stack file holds it (public), for the origin-pull keys. */
        const certificate = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
        const edge = {
            role: "edge",
            environment: "prod",
            domain: "trade.example.com",
            cloudflareZoneId: "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
            cloudflareAccountId: "1b2c3d4e5f60718293a4b5c6d7e8f90a",
            cloudflareApiToken: "token-from-esc",
            databaseAppPassword: "a-long-password-from-esc",
            awsSiteStack: "acme/crypto-beacon/prod-aws",
            azureSiteStack: "acme/crypto-beacon/prod-azure",
            originPullCertificate: certificate,
            originPullPrivateKey: "-----BEGIN PRIVATE KEY-----",
            ...atlas,
        };
        const edgeSecretKeys = new Set([
            "cloudflareApiToken",
            "databaseAppPassword",
            "originPullPrivateKey",
            "atlasClientId",
            "atlasClientSecret",
        ]);

        it("accepts a secret value and types the result", () => {
            const config = parseStackConfig({ stackFile: "Pulumi.prod.yaml", values: edge, secretKeys: edgeSecretKeys });
            assert.equal(config.role, "edge");
            assert.equal(config.activeSite, "aws", "the default applies");
        });

        it("rejects a plaintext value where a secret is required, e.g. an ESC value not marked fn::secret", () => {
            assert.throws(
                () =>
                    parseStackConfig({
                        stackFile: "Pulumi.prod.yaml",
                        values: edge,
                        secretKeys: new Set([...edgeSecretKeys].filter((key) => key !== "cloudflareApiToken")),
                    }),
                /Pulumi\.prod\.yaml: invalid stack config\n {2}- crypto-beacon:cloudflareApiToken: holds a plaintext value; a secret must be a secure: value/,
            );
        });

        it("ignores the defaults the CLI injects for keys of other roles, but not values someone set", () => {
            const injected = {
                role: "azure-site",
                environment: "dev",
                azureOriginHostname: "azure-origin.dev.trade.example.com",
                azureOriginPullCaCertificate: certificate,
                azureOriginTlsPfx: "pfx-from-esc",
                awsVpcCidr: "10.10.0.0/16",
                awsZoneCount: "3",
                domain: "",
                ...atlas,
                ...releases,
            };
            const azureSecretKeys = new Set([...siteSecretKeys, "azureOriginTlsPfx"]);
            const config = parseStackConfig({ stackFile: "Pulumi.x.yaml", values: injected, secretKeys: azureSecretKeys });
            assert.equal(config.role, "azure-site");
            assert.equal("awsVpcCidr" in config, false);
            assert.throws(
                () =>
                    parseStackConfig({
                        stackFile: "Pulumi.x.yaml",
                        values: { ...injected, awsZoneCount: "2" },
                        secretKeys: azureSecretKeys,
                    }),
                /crypto-beacon:awsZoneCount: not used by role "azure-site"/,
            );
        });

        it("requires one NAT gateway per zone in prod", () => {
            const site = {
                role: "aws-site",
                environment: "prod",
                awsOriginHostname: "aws-origin.trade.example.com",
                ...originPull,
                awsZoneCount: "3",
                awsNatGatewayCount: "1",
                ...siteSecrets,
                ...releases,
            };
            assert.throws(
                () => parseStackConfig({ stackFile: "Pulumi.prod-aws.yaml", values: site, secretKeys: siteSecretKeys }),
                /crypto-beacon:awsNatGatewayCount: prod needs one NAT gateway per zone .*allowed: 3/,
            );
        });

        describe("sizes and limits of the AWS site", () => {
            const site = {
                role: "aws-site",
                environment: "dev",
                awsOriginHostname: "aws-origin.dev.trade.example.com",
                ...originPull,
                ...siteSecrets,
                ...releases,
            };
            const parse = (values: Record<string, string>) => () =>
                parseStackConfig({ stackFile: "Pulumi.dev.yaml", values: { ...site, ...values }, secretKeys: siteSecretKeys });

            it("rejects node group sizes out of order", () => {
                assert.throws(
                    parse({ awsNodeMinSize: "5", awsNodeDesiredSize: "2", awsNodeMaxSize: "4" }),
                    /crypto-beacon:awsNodeDesiredSize: node group sizes must satisfy awsNodeMinSize \(5\) <= awsNodeDesiredSize \(2\) <= awsNodeMaxSize \(4\)/,
                );
            });

            it("requires the origin-pull CA as one PEM certificate", () => {
                assert.throws(
                    parse({ awsOriginPullCaCertificate: "not a certificate" }),
                    /crypto-beacon:awsOriginPullCaCertificate: must be one PEM certificate/,
                );
            });

            it("refuses to open the EKS API to the whole internet", () => {
                assert.throws(
                    parse({ awsEksPublicAccessCidrs: '["0.0.0.0/0"]' }),
                    /crypto-beacon:awsEksPublicAccessCidrs: must not include 0\.0\.0\.0\/0/,
                );
            });
        });

        it("keeps the replica region apart from the primary", () => {
            const site = {
                role: "aws-site",
                environment: "dev",
                awsOriginHostname: "aws-origin.dev.trade.example.com",
                ...originPull,
                awsRegion: "us-east-1",
                awsReplicaRegion: "us-east-1",
                ...siteSecrets,
                ...releases,
            };
            assert.throws(
                () => parseStackConfig({ stackFile: "Pulumi.dev.yaml", values: site, secretKeys: siteSecretKeys }),
                /crypto-beacon:awsReplicaRegion: must differ from awsRegion \("us-east-1"\)/,
            );
        });
    });
});

function runPlanCli(args: string[]): { status: number; stdout: string; stderr: string } {
    try {
        const stdout = execFileSync(process.execPath, ["--require", "tsx/cjs", "tools/plan/cli.ts", ...args], {
            cwd: REPOSITORY_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        return { status: 0, stdout, stderr: "" };
    } catch (error) {
        const failed = error as { status: number; stdout: string; stderr: string };
        return { status: failed.status, stdout: failed.stdout, stderr: failed.stderr };
    }
}
