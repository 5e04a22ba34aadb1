/**
 * The security context of every pod and container we run, as the Pod Security Standard
 * `restricted` requires and a little more: a fixed non-root user, a read-only root filesystem,
 * no privilege escalation, no capabilities, the runtime's default seccomp profile.
 */

import type * as k8s from "@pulumi/kubernetes/types/input";

/** The user every container runs as: not root, and not a user the image may have baked in. */
export const RUN_AS_USER = 10001;

export const RESTRICTED_POD_SECURITY_CONTEXT: k8s.core.v1.PodSecurityContext = {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_USER,
    fsGroup: RUN_AS_USER,
    seccompProfile: { type: "RuntimeDefault" },
};

export const RESTRICTED_CONTAINER_SECURITY_CONTEXT: k8s.core.v1.SecurityContext = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};
