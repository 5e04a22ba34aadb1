import type { Framework } from "./controls";

/**
 * The controls of each framework that touch this platform, with short paraphrased titles (the
 * frameworks' own texts are authoritative). The evidence report lists every one: those the rules
 * cover with their verdicts, and those no rule can check with the reason, so that an auditor sees
 * what automation does not cover instead of not seeing it.
 */
export interface CatalogControl {
    readonly id: string;
    readonly title: string;
    /** Why no rule covers it, when it is a matter of process, people or the application. */
    readonly manual?: string;
}

const PROCESS = "organizational: policies, procedures and records outside the infrastructure code";
const APPLICATION = "the application's behaviour, not its infrastructure";

export const CONTROL_CATALOG: Readonly<Record<Framework, readonly CatalogControl[]>> = {
    pciDss: [
        { id: "1.2.1", title: "Configuration standards for network security controls are defined and applied" },
        { id: "1.3.1", title: "Inbound traffic to the cardholder data environment is restricted to what is necessary" },
        { id: "1.3.2", title: "Outbound traffic from the cardholder data environment is restricted to what is necessary" },
        { id: "1.4.2", title: "Inbound traffic from untrusted networks to trusted networks is restricted" },
        { id: "1.4.4", title: "System components that store cardholder data are not directly accessible from untrusted networks" },
        { id: "2.2.1", title: "Configuration standards are developed, implemented and maintained for all system components" },
        { id: "2.2.7", title: "All non-console administrative access is encrypted with strong cryptography" },
        { id: "3.5.1", title: "Stored account data is rendered unreadable (strong cryptography)" },
        { id: "3.6.1", title: "Cryptographic keys that protect stored account data are secured" },
        { id: "3.7.4", title: "Cryptographic keys are changed at the end of their cryptoperiod" },
        { id: "4.2.1", title: "Strong cryptography protects data in transmission over open, public networks" },
        {
            id: "5.2.1",
            title: "An anti-malware solution is deployed on system components",
            manual: "host and workload protection agents are operated outside this repository",
        },
        { id: "6.3.2", title: "An inventory of bespoke and third-party software components is maintained" },
        { id: "6.3.3", title: "System components are protected from known vulnerabilities by installing security patches" },
        { id: "6.4.1", title: "Public-facing web applications are protected against attacks" },
        {
            id: "6.4.2",
            title: "An automated technical solution detects and prevents web-based attacks in front of public-facing web applications",
        },
        { id: "7.2.1", title: "An access control model defines access by need to know and least privilege" },
        { id: "7.2.2", title: "Access is assigned by job classification and function", manual: PROCESS },
        { id: "8.2.1", title: "Users and administrators are assigned a unique ID" },
        { id: "8.2.2", title: "Group, shared or generic accounts are used only when necessary and are managed" },
        { id: "8.3.1", title: "User access is authenticated with at least one authentication factor" },
        { id: "10.2.1", title: "Audit logs are enabled and active for all system components" },
        { id: "10.3.2", title: "Audit log files are protected from modification" },
        { id: "10.3.4", title: "File integrity monitoring or change detection is used on audit logs" },
        { id: "10.5.1", title: "Audit log history is retained for at least 12 months" },
        { id: "10.7.2", title: "Failures of critical security control systems are detected, alerted and addressed" },
        { id: "11.3.1", title: "Internal vulnerability scans are performed" },
        { id: "11.4.1", title: "Penetration testing is performed", manual: PROCESS },
        { id: "12.5.1", title: "An inventory of system components in scope is maintained" },
        {
            id: "12.10.1",
            title: "An incident response plan exists and is ready to be activated",
            manual: "docs/runbooks/dr.md covers outages; the security incident plan is kept outside this repository",
        },
    ],
    soc2: [
        { id: "CC6.1", title: "Logical access security over information assets" },
        { id: "CC6.6", title: "Security measures against threats from outside the system boundaries" },
        { id: "CC6.7", title: "Transmission and movement of information is restricted and protected" },
        { id: "CC6.8", title: "Unauthorized or malicious software is prevented or detected" },
        { id: "CC7.1", title: "Configuration changes and new vulnerabilities are detected" },
        { id: "CC7.2", title: "System components are monitored for anomalies" },
        { id: "CC7.4", title: "Security incidents are responded to", manual: PROCESS },
        { id: "CC8.1", title: "Changes are authorized, designed, tested, approved and implemented" },
        { id: "CC9.1", title: "Risks from business disruption are identified and mitigated" },
        { id: "A1.2", title: "Environmental protections, backups and recovery infrastructure support availability" },
        { id: "A1.3", title: "Recovery plan procedures are tested" },
        { id: "C1.1", title: "Confidential information is identified and protected" },
    ],
    gdpr: [
        { id: "art-5", title: "Principles: integrity and confidentiality, storage limitation" },
        { id: "art-17", title: "Right to erasure", manual: APPLICATION },
        { id: "art-25", title: "Data protection by design and by default" },
        { id: "art-30", title: "Records of processing activities" },
        { id: "art-32", title: "Security of processing" },
        { id: "art-33", title: "Notification of a personal data breach", manual: PROCESS },
    ],
    ccpa: [
        { id: "1798.100", title: "General duties of businesses that collect personal information, including reasonable security" },
        { id: "1798.105", title: "Consumers' right to delete personal information", manual: APPLICATION },
        {
            id: "1798.150",
            title: "Reasonable security procedures to prevent unauthorized access and exfiltration (private right of action)",
        },
    ],
};
