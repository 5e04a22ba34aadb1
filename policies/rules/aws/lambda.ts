import { propertyRule } from "../../lib/rules";

/**
 * Runtimes AWS has deprecated: no more security patches (AWS Lambda developer guide, "Runtime
 * deprecation policy"). An allow-list would go stale the other way, refusing new runtimes.
 */
const DEPRECATED_RUNTIMES = new Set([
    "nodejs",
    "nodejs4.3",
    "nodejs4.3-edge",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "ruby2.5",
    "ruby2.7",
    "java8",
    "go1.x",
    "provided",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet5.0",
    "dotnet6",
    "dotnet7",
]);

export const awsLambdaUrlAuthenticated = propertyRule({
    name: "aws-lambda-url-authenticated",
    pack: "security",
    description:
        "Function URLs require IAM authentication: one with authorizationType NONE lets anyone on the internet invoke the function.",
    severity: "critical",
    remediation: "Set authorizationType: AWS_IAM, or put the function behind the API gateway and the WAF.",
    controls: { pciDss: ["1.3.1", "6.4.1"], soc2: ["CC6.6"] },
    types: ["aws:lambda/functionUrl:FunctionUrl"],
    problem: (props) =>
        props.authorizationType === "AWS_IAM" ? undefined : `authorizationType is ${String(props.authorizationType)}; allowed: AWS_IAM`,
});

export const awsLambdaPublicPermission = propertyRule({
    name: "aws-lambda-no-public-permission",
    pack: "security",
    description: "No resource policy lets every principal invoke a function without naming the source.",
    severity: "critical",
    remediation: "Name the principal's account or service, and set sourceArn or sourceAccount.",
    controls: { pciDss: ["1.3.1", "7.2.1"], soc2: ["CC6.1", "CC6.6"] },
    types: ["aws:lambda/permission:Permission"],
    problem: (props) =>
        props.principal === "*" && props.sourceArn === undefined && props.sourceAccount === undefined
            ? "lets any principal invoke the function"
            : undefined,
});

export const awsLambdaSupportedRuntime = propertyRule({
    name: "aws-lambda-supported-runtime",
    pack: "security",
    description: "Functions run on a runtime AWS still patches.",
    severity: "medium",
    remediation: "Move the function to a supported runtime (e.g. nodejs22.x, python3.13).",
    controls: { pciDss: ["6.3.3"], soc2: ["CC7.1"] },
    types: ["aws:lambda/function:Function"],
    problem: (props) =>
        typeof props.runtime === "string" && DEPRECATED_RUNTIMES.has(props.runtime) ? `runtime ${props.runtime} is deprecated` : undefined,
});
