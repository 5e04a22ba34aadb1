/**
 * The boot script of a deploy runner, the same on both clouds: it installs the GitHub Actions
 * runner and keeps one ephemeral runner registered, so every job starts on a clean runner that
 * GitHub deregisters after it. Only how the registration credential is read differs per cloud.
 * Pure: no SDK, tested as a function.
 */

/** The actions/runner release the runners install (github.com/actions/runner/releases). */
export const ACTIONS_RUNNER_VERSION = "2.336.0";

/** The label every deploy runner carries; the workflows pick a runner by it and its stack's name. */
export const DEPLOY_RUNNER_LABEL = "deploy-runner";

/** Where runners register: a repository or an organization on github.com. */
export interface GithubScope {
    readonly url: string;
    /** The REST path that issues registration tokens for that scope. */
    readonly registrationTokenPath: string;
}

/** Parses `https://github.com/<org>` or `https://github.com/<org>/<repo>`; undefined for anything else. */
export function parseGithubScope(url: string): GithubScope | undefined {
    const match = /^https:\/\/github\.com\/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))(?:\/([A-Za-z0-9._-]{1,100}))?$/.exec(url);
    if (!match) {
        return undefined;
    }
    const [, owner, repository] = match;
    return {
        url,
        registrationTokenPath: repository
            ? `/repos/${owner}/${repository}/actions/runners/registration-token`
            : `/orgs/${owner}/actions/runners/registration-token`,
    };
}

export interface RunnerBootstrap {
    readonly scope: GithubScope;
    /** Labels besides `self-hosted` and the OS, which GitHub adds itself. */
    readonly labels: readonly string[];
    /** OS packages the jobs need (git, jq, the cloud's CLI...), installed with the distribution's package manager. */
    readonly installPackages: string;
    /** Shell lines run once as root after the packages, e.g. installing kubelogin. */
    readonly extraSetup?: readonly string[];
    /**
     * A shell command that prints the credential allowed to create registration tokens (a GitHub
     * App installation token or a fine-grained token with the runners permission), read with the
     * runner's own cloud identity from the site's secret store.
     */
    readonly readCredentialCommand: string;
    /** Variables every job on the runner sees (the runner's `.env` file). */
    readonly jobEnvironment?: Readonly<Record<string, string>>;
}

const VARIABLE = /^[A-Z][A-Z0-9_]*$/;
const LABEL = /^[A-Za-z0-9._-]{1,100}$/;

/** The cloud-init script (a shell script) that turns a fresh Linux VM into a deploy runner. */
export function runnerBootstrapScript(bootstrap: RunnerBootstrap): string {
    for (const label of bootstrap.labels) {
        if (!LABEL.test(label)) {
            throw new Error(`runner label "${label}" may hold only letters, digits, ".", "_" and "-"`);
        }
    }
    const environment = Object.entries(bootstrap.jobEnvironment ?? {});
    for (const [name, value] of environment) {
        if (!VARIABLE.test(name) || /[\n'"]/.test(value)) {
            throw new Error(`runner job variable ${name}: names are upper-case identifiers, values one line without quotes`);
        }
    }
    const archive = `actions-runner-linux-x64-${ACTIONS_RUNNER_VERSION}.tar.gz`;
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        bootstrap.installPackages,
        ...(bootstrap.extraSetup ?? []),
        "id runner >/dev/null 2>&1 || useradd --create-home --shell /bin/bash runner",
        "install -d -o runner -g runner /opt/actions-runner",
        `curl -fsSL -o /tmp/runner.tgz https://github.com/actions/runner/releases/download/v${ACTIONS_RUNNER_VERSION}/${archive}`,
        "tar -xzf /tmp/runner.tgz -C /opt/actions-runner && rm /tmp/runner.tgz",
        ...environment.map(([name, value]) => `echo '${name}=${value}' >> /opt/actions-runner/.env`),
        "chown -R runner:runner /opt/actions-runner",
        // One job per registration: GitHub removes an ephemeral runner after its job, and the
        // loop registers a fresh one, so nothing a job leaves behind reaches the next.
        "cat > /usr/local/bin/deploy-runner <<'LOOP'",
        "#!/bin/bash",
        "set -euo pipefail",
        "cd /opt/actions-runner",
        `credential="$(${bootstrap.readCredentialCommand})"`,
        `token="$(curl -fsS -X POST -H "Authorization: Bearer $credential" -H 'Accept: application/vnd.github+json' https://api.github.com${bootstrap.scope.registrationTokenPath} | jq -r .token)"`,
        `./config.sh --unattended --ephemeral --replace --url '${bootstrap.scope.url}' --token "$token" --labels '${bootstrap.labels.join(",")}' --name "$(hostname)-$(date +%s)"`,
        "exec ./run.sh",
        "LOOP",
        "chmod 755 /usr/local/bin/deploy-runner",
        "cat > /etc/systemd/system/deploy-runner.service <<'UNIT'",
        "[Unit]",
        "Description=GitHub Actions deploy runner, one ephemeral registration per job",
        "After=network-online.target",
        "Wants=network-online.target",
        "[Service]",
        "User=runner",
        "ExecStart=/usr/local/bin/deploy-runner",
        "Restart=always",
        "RestartSec=5",
        "[Install]",
        "WantedBy=multi-user.target",
        "UNIT",
        "systemctl daemon-reload",
        "systemctl enable --now deploy-runner.service",
        "",
    ].join("\n");
}
