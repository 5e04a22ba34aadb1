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

/** The address of the instance metadata endpoint on EC2 and on Azure VMs, which serves the machine identity's tokens. */
export const INSTANCE_METADATA_ADDRESS = "169.254.169.254";

/** The one command the runner user may run as root: it shuts that user out of the metadata endpoint. */
const SEAL_COMMAND = "/usr/local/sbin/deploy-runner-seal-identity";
/** Root-owned, so that no job changes what the next job's hook does. */
const JOB_STARTED_HOOK = "/usr/local/sbin/deploy-runner-job-started";
/** The runner release, kept root-only to unpack a fresh runner for every job. */
const RUNNER_ARCHIVE = "/var/lib/deploy-runner.tgz";

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
    const sealRule = `OUTPUT -d ${INSTANCE_METADATA_ADDRESS} -m owner --uid-owner runner -j REJECT`;
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        bootstrap.installPackages,
        ...(bootstrap.extraSetup ?? []),
        // No sudo group: the one root command the runner user may run is the seal below.
        "id runner >/dev/null 2>&1 || useradd --create-home --shell /bin/bash runner",
        `curl -fsSL -o ${RUNNER_ARCHIVE} https://github.com/actions/runner/releases/download/v${ACTIONS_RUNNER_VERSION}/${archive}`,
        `chmod 600 ${RUNNER_ARCHIVE}`,
        // A pull request's job runs the branch's code. The machine identity (EC2 instance profile,
        // Azure managed identity) is cluster admin and is served by the instance metadata endpoint,
        // which a job on the host reaches whatever the IMDS hop limit; so a pull request's job
        // first shuts the runner user out of that endpoint (the AWS EC2 user guide, "Limit
        // instance metadata service access", iptables owner match). Its cloud credentials are the
        // preview identity's, from OIDC. GITHUB_EVENT_NAME comes from the job's context, which
        // the branch cannot set, and the hook runs before the job's first step
        // (docs.github.com, "Running scripts before or after a job").
        `cat > ${SEAL_COMMAND} <<'SEAL'`,
        "#!/bin/bash",
        "set -euo pipefail",
        `iptables -C ${sealRule} 2>/dev/null || iptables -I ${sealRule}`,
        "SEAL",
        `chmod 755 ${SEAL_COMMAND}`,
        `echo 'runner ALL=(root) NOPASSWD: ${SEAL_COMMAND}' > /etc/sudoers.d/deploy-runner`,
        "chmod 440 /etc/sudoers.d/deploy-runner",
        `cat > ${JOB_STARTED_HOOK} <<'HOOK'`,
        "#!/bin/bash",
        "set -eu",
        'case "${GITHUB_EVENT_NAME:-}" in',
        `  pull_request | pull_request_target | merge_group) sudo -n ${SEAL_COMMAND} ;;`,
        "esac",
        "HOOK",
        `chmod 755 ${JOB_STARTED_HOOK}`,
        // One job per registration: GitHub removes an ephemeral runner after its job, and the
        // loop (root) starts the next one afresh: the job's leftover processes killed, the runner
        // and its home unpacked anew (a job could have changed them, its hook included), the
        // metadata endpoint open again for a job that is not a pull request's.
        "cat > /usr/local/bin/deploy-runner <<'LOOP'",
        "#!/bin/bash",
        "set -euo pipefail",
        "pkill -KILL -u runner || true",
        `while iptables -D ${sealRule} 2>/dev/null; do :; done`,
        "rm -rf /opt/actions-runner /home/runner",
        "install -d -o runner -g runner -m 700 /home/runner /opt/actions-runner",
        `tar -xzf ${RUNNER_ARCHIVE} -C /opt/actions-runner`,
        ...environment.map(([name, value]) => `echo '${name}=${value}' >> /opt/actions-runner/.env`),
        `echo 'ACTIONS_RUNNER_HOOK_JOB_STARTED=${JOB_STARTED_HOOK}' >> /opt/actions-runner/.env`,
        "chown -R runner:runner /opt/actions-runner",
        "cd /opt/actions-runner",
        // The registration credential is read as root with the machine identity and never reaches a job.
        `credential="$(${bootstrap.readCredentialCommand})"`,
        `token="$(curl -fsS -X POST -H "Authorization: Bearer $credential" -H 'Accept: application/vnd.github+json' https://api.github.com${bootstrap.scope.registrationTokenPath} | jq -r .token)"`,
        "unset credential",
        `runuser -u runner -- ./config.sh --unattended --ephemeral --replace --url '${bootstrap.scope.url}' --token "$token" --labels '${bootstrap.labels.join(",")}' --name "$(hostname)-$(date +%s)"`,
        "exec runuser -u runner -- ./run.sh",
        "LOOP",
        "chmod 700 /usr/local/bin/deploy-runner",
        "cat > /etc/systemd/system/deploy-runner.service <<'UNIT'",
        "[Unit]",
        "Description=GitHub Actions deploy runner, one ephemeral registration per job",
        "After=network-online.target",
        "Wants=network-online.target",
        "[Service]",
        // Root prepares each registration; the runner and its jobs run as the runner user (runuser).
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
