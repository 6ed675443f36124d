/**
 * `vrrp-lab ipvs` with malformed arguments: every mistake is one located line
 * on stderr (the argument as written, then what is wrong with it) and exit 2 —
 * never a stack trace, an internal error or a long wait.
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** One error line, optionally followed by commander's usage hint. */
function expectOneLineUsageError(r: { code: number; err: string }): string {
  expect(r.code).toBe(2);
  expect(r.err).not.toMatch(/\n\s+at |internal error|TypeError|RangeError/);
  const lines = r.err.trimEnd().split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^vrrp-lab ipvs: error: /);
  if (lines.length === 2) expect(lines[1]).toBe("(run 'vrrp-lab ipvs --help' for usage)");
  return lines[0]!;
}

describe('vrrp-lab ipvs: malformed arguments give one located line and exit 2', () => {
  it.each([
    // bad server specs: the spec is quoted back
    [['--server', 'a'], "'a': expected NAME[@ADDR]:WEIGHT"],
    [['--server', 'a:x'], "'a:x': weight must be an integer 0..65535, got 'x'"],
    [['--server', 'a:'], "'a:': the weight is missing"],
    [['--server', 'a b:1'], "'a b:1': server name must be"],
    [['--server', ':1'], "':1': server name must be"],
    [['--server', 'a:1:2:3:4:5:6'], "'a:1:2:3:4:5:6': expected"],
    [['--server', 'a@300.1.1.1:1'], "'300.1.1.1' is not an IPv4 address"],
    [['--server', 'a@1.2.3.4@5.6.7.8:1'], "'1.2.3.4@5.6.7.8' is not an IPv4 address"],
    // weights and counts out of range
    [['--server', 'a:65536'], "weight must be an integer 0..65535, got '65536'"],
    [['--server', 'a:-1'], "weight must be an integer 0..65535, got '-1'"],
    [['--server', 'a:99999999999999999999999'], 'weight must be an integer 0..65535'],
    [['--server', 'a:1:1000001:0'], "active must be an integer 0..1000000, got '1000001'"],
    [['--server', 'a:1:0:1e9'], "inactive must be an integer 0..1000000, got '1e9'"],
    [['--server', 'a:1:0:0:2147483648'], 'u_threshold must be an integer 0..2147483647'],
    [['--server', 'a:1:0:0:5:9'], 'l_threshold 9 is above u_threshold 5'],
    [['--server', 'a:1:0:0:0:1'], 'l_threshold 1 is above u_threshold 0'],
    // duplicates: the second spec is named
    [['--server', 'a:1', '--server', 'a:2'], "--server 'a:2': a destination named a is already in the service"],
    [['--server', 'a@10.0.0.9:1', '--server', 'b@10.0.0.9:1'], "--server 'b@10.0.0.9:1': a destination b with that address and port is already"],
    [['--server', 'a:1', '--server', 'b@10.0.0.1:1'], "--server 'b@10.0.0.1:1'"],
    // schedulers and their options
    [['-s', 'nope', '--server', 'a:1'], "unknown scheduler 'nope'"],
    [['-s', 'WLC', '--server', 'a:1'], "unknown scheduler 'WLC'"],
    [['-s', 'mh', '--mh-table-size', '4096', '--server', 'a:1'], "--mh-table-size must be one of the kernel's primes"],
    [['-s', 'twos', '--seed', '99999999999999999999', '--server', 'a:1'], "'99999999999999999999' is not a non-negative integer"],
    [['--client', '1.2.3', '--server', 'a:1'], "'1.2.3' is not an IPv4 address"],
    [['--dest', '::1', '--server', 'a:1'], "'::1' is not an IPv4 address"],
    // huge or odd counts
    [['--server', 'a:1', '--count', '99999999999999'], "'99999999999999': at most 100000 connections"],
    [['--server', 'a:1', '--count', '1e3'], "'1e3' is not a non-negative integer"],
    [['--server', 'a:1', '--count', '-5'], "'-5' is not a non-negative integer"],
    [['--server', 'a:1', '--time-limit', '0'], "'0' is not a positive number of seconds"],
    // --change referencing unknown servers, malformed, or never applying
    [['--server', 'a:1', '--change', '1 del zz'], "--change '1 del zz': no destination named zz"],
    [['--server', 'a:1', '--change', '1 edit zz:2'], "--change '1 edit zz:2': no destination named zz"],
    [['--server', 'a:1', '--change', '1 add a:2'], "--change '1 add a:2': a destination named a is already"],
    [['--server', 'a:1', '--change', '1 edit a:70000'], "'1 edit a:70000': weight must be an integer 0..65535"],
    [['--server', 'a:1', '--change', '1 edit a:1:2:3'], "'1 edit a:1:2:3': l_threshold 3 is above u_threshold 2"],
    [['--server', 'a:1', '--change', 'x del a'], "'x del a': expected 'N add"],
    [['--server', 'a:1', '--change', '1 frob a'], "'1 frob a': expected 'N add"],
    [['--server', 'a:1', '--change', '10 del a'], "--change '10 del a' comes after the last of the 10 connections"],
    [['--server', 'a:1', '--change', '99999999999999999999 del a'], 'comes after the last of the 10 connections'],
    [['--server', 'a:1', '--change', '1 del a', '--change', '2 add z@10.0.0.1:1'], 'that is the address of the deleted server a'],
    // no servers, or an unknown option
    [[], 'give at least one --server'],
    [['--server', 'a:1', '--bogus'], "unknown option '--bogus'"],
  ])('pick %j', async (argv, located) => {
    const line = expectOneLineUsageError(await run('ipvs', 'pick', ...argv));
    expect(line).toContain(located);
  });

  it('an unknown action, and no action', async () => {
    expect(expectOneLineUsageError(await run('ipvs', 'frob', '--server', 'a:1'))).toContain("unknown action 'frob'");
    expect(expectOneLineUsageError(await run('ipvs'))).toContain("missing required argument 'action'");
  });

  it('explain refuses --change instead of ignoring it', async () => {
    expect(expectOneLineUsageError(await run('ipvs', 'explain', '--server', 'a:1', '--change', '0 del a'))).toContain('--change applies to pick only');
  });

  it('with --json the same error is a JSON document on stdout', async () => {
    const r = await run('ipvs', 'pick', '--json', '--server', 'a:1', '--change', '1 del zz');
    expectOneLineUsageError(r);
    expect(JSON.parse(r.out)).toEqual({ error: { code: 'usage', message: "--change '1 del zz': no destination named zz in the service" } });
  });
});

describe('vrrp-lab ipvs: long kernel loops end, one way or the other', () => {
  it('mh --fallback with every server quiesced answers at once (no 131071 re-hashes per connection)', async () => {
    const r = await run('ipvs', 'pick', '--json', '-s', 'mh', '--fallback', '--mh-table-size', '131071', '--server', 'a:1', '--change', '0 edit a:0', '--count', '100000');
    expect(r.code).toBe(0);
    const picks = (JSON.parse(r.out) as { picks: unknown[] }).picks;
    expect(picks).toHaveLength(100000);
    expect(new Set(picks)).toEqual(new Set([null]));
  });

  it('wrr walking 65535 thresholds per connection stops at --time-limit with a usage error', async () => {
    const r = await run('ipvs', 'pick', '-s', 'wrr', '--server', 'a:65535:0:0:1', '--server', 'b:1:0:0:1', '--count', '100000', '--time-limit', '0.2');
    expect(expectOneLineUsageError(r)).toMatch(/gave up after \d+ of 100000 connections and 0\.2 s \(--time-limit\)/);
    expect(r.out).toBe('');
  });
});
