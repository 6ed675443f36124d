import { describe, expect, it } from 'vitest';
import { commands, entryName } from './index.js';

describe('the command registry', () => {
  it.each(commands.map((c) => [entryName(c), c] as const))('lists %s as its module defines it', async (_name, entry) => {
    const command = await entry.load();
    expect(entry.usage).toBe(command.usage);
    expect(entry.summary).toBe(command.summary);
    expect(entry.example).toEqual(command.examples[0]);
    expect(entry.group === true).toBe(command.subcommands !== undefined);
  }, 60_000); // importing a command module through the test runner's transform is slow on a loaded machine
});
