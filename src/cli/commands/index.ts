/**
 * The command registry: one line per command, in the order `--help` lists them.
 * To add a command, write `commands/<name>.ts` exporting a `CliCommand` and add it here.
 */
import type { CliCommand } from '../command.js';
import { imageCommand } from './image.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { simulateCommand } from './simulate.js';
import { ipvsCommand } from './ipvs.js';
import { clusterCommand } from './cluster.js';

export const commands: readonly CliCommand[] = [
  validateCommand,
  simulateCommand,
  runCommand,
  imageCommand,
  ipvsCommand,
  clusterCommand,
];
