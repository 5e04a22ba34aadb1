import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule, resourceRule, stackRule } from "../../lib/rules";

export const awsEcrImmutableScanned = resourceRule({
    name: "aws-ecr-immutable-scanned",
    pack: "security",
    description: "Image repositories refuse to overwrite tags and scan every pushed image.",
    severity: "medium",
    remediation: "Set imageTagMutability: IMMUTABLE and imageScanningConfiguration.scanOnPush: true.",
    controls: { pciDss: ["6.3.2", "11.3.1"], soc2: ["CC7.1", "CC8.1"] },
    types: ["aws:ecr/repository:Repository"],
    check: ({ props }) => [
        ...(props.imageTagMutability !== "IMMUTABLE" ? ["tags are mutable"] : []),
        ...(objectInput(props.imageScanningConfiguration)?.scanOnPush !== true ? ["images are not scanned on push"] : []),
    ],
});

export const awsEcrLifecycle = stackRule({
    name: "aws-ecr-lifecycle",
    pack: "security",
    description: "Every image repository expires untagged and old images.",
    severity: "low",
    remediation: "Add an ecr.LifecyclePolicy for the repository.",
    controls: { pciDss: ["6.3.2"], soc2: ["CC8.1"] },
    check: (stack) =>
        stack
            .ofType("aws:ecr/repository:Repository")
            .filter((repository) => stack.referencing(repository.urn, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "repository").length === 0)
            .map((repository) => ({ message: `repository ${repository.name} keeps every image forever`, urn: repository.urn })),
});

export const awsEcrKms = propertyRule({
    name: "aws-ecr-kms",
    pack: "security",
    description: "Image repositories encrypt their layers with our own KMS key.",
    severity: "medium",
    remediation: "Set encryptionConfigurations [{ encryptionType: KMS, kmsKey }].",
    controls: { pciDss: ["3.5.1"], soc2: ["CC6.1"] },
    types: ["aws:ecr/repository:Repository"],
    problem: (props) =>
        arrayInput(props.encryptionConfigurations).some((config) => config.encryptionType === "KMS" && config.kmsKey)
            ? undefined
            : "layers use the default AES-256 key",
});
