import { resourceRule } from "../../lib/rules";

export const explicitProviders = resourceRule({
    name: "explicit-providers",
    pack: "security",
    description: "Every cloud resource uses an explicit provider, so region, account and tags never come from the environment.",
    severity: "medium",
    remediation: "Build the provider in stacks/ and pass it to the component as { provider } (components pass it to their children).",
    controls: "best-practice",
    types: "*",
    // The engine names the providers it creates for resources that have none "default" or "default_<version>".
    check: ({ type, provider }) =>
        provider && /^default(_|$)/.test(provider.name) && !type.startsWith("pulumi:")
            ? [`uses the default ${provider.type.slice("pulumi:providers:".length)} provider`]
            : [],
});
