import { arrayInput, objectInput } from "../../lib/props";
import { propertyRule } from "../../lib/rules";

/** A VM's or a scale set's OS profile. */
function osProfile(props: Record<string, unknown>): Record<string, unknown> | undefined {
    return objectInput(props.osProfile) ?? objectInput(objectInput(props.virtualMachineProfile)?.osProfile);
}

export const azureVmNoPasswordAuth = propertyRule({
    name: "azure-vm-no-password-auth",
    pack: "security",
    description: "Linux VMs and scale sets accept SSH keys only, never passwords.",
    severity: "high",
    remediation:
        "Set osProfile.linuxConfiguration.disablePasswordAuthentication: true with an SSH public key (or sign in through Entra ID).",
    controls: { pciDss: ["8.3.1"], soc2: ["CC6.1"] },
    types: ["azure-native:compute:VirtualMachine", "azure-native:compute:VirtualMachineScaleSet"],
    problem: (props) => {
        const profile = osProfile(props);
        const linux = objectInput(profile?.linuxConfiguration);
        return linux && linux.disablePasswordAuthentication !== true ? "password authentication is allowed" : undefined;
    },
});

export const azureVmNoPublicIp = propertyRule({
    name: "azure-vm-no-public-ip",
    pack: "security",
    description: "No network interface, standalone or in a scale set, has a public IP: VMs are reached through Bastion or a load balancer.",
    severity: "high",
    remediation: "Remove publicIPAddress from the NIC's IP configuration (publicIPAddressConfiguration on a scale set).",
    controls: { pciDss: ["1.4.4"], soc2: ["CC6.6"] },
    types: ["azure-native:network:NetworkInterface", "azure-native:compute:VirtualMachineScaleSet"],
    problem: (props) => {
        const standalone = arrayInput(props.ipConfigurations).filter((configuration) => configuration.publicIPAddress !== undefined);
        const scaleSet = arrayInput(objectInput(objectInput(props.virtualMachineProfile)?.networkProfile)?.networkInterfaceConfigurations)
            .flatMap((nic) => arrayInput(nic.ipConfigurations))
            .filter((configuration) => configuration.publicIPAddressConfiguration !== undefined);
        const named = [...standalone, ...scaleSet].map((configuration) => String(configuration.name));
        return named.length > 0 ? `IP configuration ${named.join(", ")} has a public IP` : undefined;
    },
});
