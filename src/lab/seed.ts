/**
 * A fresh random seed, for a run that no caller, SEED or scenario seeds: drawn
 * here, at the top, because nothing below the hosts draws randomness (the
 * simulator and the scenarios take the seed as input and print it).
 */
import { randomInt } from 'node:crypto';
import { chooseSeed } from '../scenario/run.js';

export function freshSeed(): number {
  return randomInt(0, 2 ** 31);
}

/** The seed rule with a random last resort: explicit, else SEED, else the scenario's, else fresh. */
export function chooseRunSeed(explicit: number | undefined, scenarioSeed: number | undefined, env: string | undefined = process.env.SEED): number {
  return chooseSeed(explicit, scenarioSeed, env, freshSeed);
}
