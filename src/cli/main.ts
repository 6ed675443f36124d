/** Placeholder entry until the command tree lands. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`vrrp-lab ${argv.join(' ')}\n`);
  return 0;
}
