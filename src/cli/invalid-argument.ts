/**
 * The error an option's parser throws for a value it refuses, without loading
 * commander: commander recognises it by its code (`commander.invalidArgument`)
 * and reports "option '--x <v>' argument 'bad' is invalid. <message>", exit 2,
 * exactly as for its own InvalidArgumentError. Command modules on the start-up
 * path (validate, ipvs) throw this one so that reading their options does not
 * load commander (see direct.ts).
 */
export class InvalidArgumentError extends Error {
  readonly code = 'commander.invalidArgument';
  readonly exitCode = 1;
}
