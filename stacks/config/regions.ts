import { Region as AwsRegionEnum } from "@pulumi/aws/types/enums";

/**
 * AWS regions we can deploy to: the provider's own `aws.Region` enum, minus the partitions
 * (China, GovCloud, ISO, European Sovereign Cloud) that need separate accounts and credentials.
 */
export const AWS_REGIONS = Object.values(AwsRegionEnum).filter((region) => !/^(cn-|us-gov-|us-iso|eu-iso|eusc-)/.test(region)) as [
    string,
    ...string[],
];

/**
 * Azure public-cloud regions with availability zones (`az account list-locations`, physical
 * regions, checked 2026-11). azure-native ships no location enum, so the list lives here.
 * Zone support matters: both sites spread across three zones.
 */
export const AZURE_LOCATIONS = [
    "australiaeast",
    "brazilsouth",
    "canadacentral",
    "centralindia",
    "centralus",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "germanywestcentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "koreacentral",
    "mexicocentral",
    "newzealandnorth",
    "northeurope",
    "norwayeast",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southcentralus",
    "southeastasia",
    "spaincentral",
    "swedencentral",
    "switzerlandnorth",
    "uaenorth",
    "uksouth",
    "westeurope",
    "westus2",
    "westus3",
] as const;
