import { objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

export const azureWebAppHttps = propertyRule({
    name: "azure-web-app-https",
    pack: "security",
    description: "Web Apps and Function Apps serve HTTPS only, with TLS 1.2 or later and no plain FTP.",
    severity: "high",
    remediation: "Set httpsOnly: true, siteConfig.minTlsVersion: 1.2 and siteConfig.ftpsState: Disabled.",
    controls: { pciDss: ["2.2.7", "4.2.1"], soc2: ["CC6.7"], gdpr: ["32"] },
    types: ["azure-native:web:WebApp", "azure-native:web:WebAppSlot"],
    problem: (props) => {
        const site = objectInput(props.siteConfig) ?? {};
        const problems = [
            ...(props.httpsOnly === true ? [] : ["HTTP is served"]),
            ...(["1.2", "1.3"].includes(String(site.minTlsVersion ?? "1.2")) ? [] : [`minTlsVersion is ${String(site.minTlsVersion)}`]),
            ...(["Disabled", "FtpsOnly"].includes(String(site.ftpsState)) ? [] : ["plain FTP is allowed"]),
        ];
        return problems.length > 0 ? problems.join(", ") : undefined;
    },
});
