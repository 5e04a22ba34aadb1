import { arrayInput, objectInput } from "../../lib/props";
import { resourceRule } from "../../lib/rules";

export const k8sRoutesNameSite = resourceRule<{ siteHeader: string }>({
    name: "k8s-routes-name-site",
    pack: "resilience",
    description: "Every route adds the header naming the serving site, which the DR drill and the smoke tests read.",
    severity: "medium",
    remediation: "Add a ResponseHeaderModifier filter that sets the site header on every rule.",
    controls: { soc2: ["A1.3"] },
    configSchema: { properties: { siteHeader: { type: "string", default: "x-beacon-site" } } },
    types: ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"],
    check: ({ props }, config) =>
        arrayInput(objectInput(props.spec)?.rules).every((rule) =>
            arrayInput(rule.filters).some((filter) =>
                arrayInput(objectInput(filter.responseHeaderModifier)?.set).some(
                    (header) => String(header.name).toLowerCase() === config.siteHeader,
                ),
            ),
        )
            ? []
            : [`a rule does not set ${config.siteHeader}`],
});
