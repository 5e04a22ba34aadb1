import * as pulumi from "@pulumi/pulumi";
import { Provider as AtlasProvider } from "@pulumi/mongodbatlas/provider";
import { type StackConfig } from "./config/schema";

/**
 * The one MongoDB Atlas provider of a stack, authenticated as the Atlas service account. Built
 * once per stack, because an all-in-one stack holds both sites' endpoints and the cluster.
 */
export function atlasProvider(config: Pick<StackConfig, "atlasClientId" | "atlasClientSecret">): AtlasProvider {
    return new AtlasProvider("atlas", {
        clientId: pulumi.secret(config.atlasClientId),
        clientSecret: pulumi.secret(config.atlasClientSecret),
    });
}
