import * as pulumi from "@pulumi/pulumi";

/** Azure built-in role definition ids (the same in every tenant). */
export const BUILT_IN_ROLES = {
    keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
    storageAccountBackupContributor: "e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1",
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
} as const;

/** The full id of a built-in role in a subscription, as a role assignment takes it. */
export function builtInRoleId(subscriptionId: pulumi.Input<string>, role: keyof typeof BUILT_IN_ROLES): pulumi.Output<string> {
    return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`;
}
