/**
 * What a pack knows of the stack it checks beyond its resources: the stack's config. The engine
 * starts a pack per stack, and the Node.js language host hands it the stack's config as JSON in
 * `PULUMI_CONFIG`, keys `<project>:<key>`, values as the program reads them (`RunPlugin` in
 * pulumi/pulumi `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`); the offline runner does the same
 * (`packEnvironment` in tools/policy/analyzer.ts).
 */
import { DEFAULT_DEPLOY_STAGE, DEPLOY_STAGES, type DeployStage, PROJECT } from "../../model/stacks";

const DEPLOY_STAGE_KEY = `${PROJECT}:deployStage`;

/** How far the checked stack is deployed, from the config the engine hands the pack (`deployStageOf`). */
export function stackDeployStage(environment: NodeJS.ProcessEnv = process.env): DeployStage {
    const json = environment.PULUMI_CONFIG;
    if (!json) {
        return DEFAULT_DEPLOY_STAGE;
    }
    let config: unknown;
    try {
        config = JSON.parse(json);
    } catch {
        throw new Error("PULUMI_CONFIG, the stack's config the language host gives a policy pack, is not JSON");
    }
    return deployStageOf(typeof config === "object" && config !== null ? (config as Record<string, unknown>) : {});
}

/**
 * A stack's `deployStage` from its config (full keys, `<project>:<key>`). A stack that does not
 * set it is at the config schema's default, and so is a check without stack config (resources
 * made by hand, or another project's stack): the complete site, judged in full.
 */
export function deployStageOf(config: Readonly<Record<string, unknown>>): DeployStage {
    const stage = config[DEPLOY_STAGE_KEY];
    if (stage === undefined) {
        return DEFAULT_DEPLOY_STAGE;
    }
    if (!DEPLOY_STAGES.includes(stage as DeployStage)) {
        throw new Error(`stack config ${DEPLOY_STAGE_KEY} is ${JSON.stringify(stage)}; allowed: ${DEPLOY_STAGES.join(", ")}`);
    }
    return stage as DeployStage;
}
