// The path most modules import the command error from; the command-line module is tools/cli.
export { CommandError, runCommand } from "./cli";
