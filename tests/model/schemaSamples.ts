/**
 * A minimal edge config the schema accepts, for property tests that vary a few keys and ask the
 * schema itself whether it accepts them.
 */
export const EDGE_CONFIG = {
    role: "edge",
    environment: "prod",
    atlasProjectId: "6a1f0c2e9b8d7a6f5e4d3c24",
    atlasClientId: "client",
    atlasClientSecret: "secret",
    domain: "trade.example.com",
    cloudflareZoneId: "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
    cloudflareApiToken: "token",
    cloudflareAccountId: "1b2c3d4e5f60718293a4b5c6d7e8f90a",
    originPullCertificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    originPullPrivateKey: "key",
    databaseAppPassword: "a-password-of-sixteen",
    awsSiteStack: "organization/crypto-beacon/prod-aws",
    azureSiteStack: "organization/crypto-beacon/prod-azure",
} as const;
