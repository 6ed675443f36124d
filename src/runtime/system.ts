/**
 * The node daemon's hands on the system: addresses with `ip addr`, gratuitous
 * ARP with arping, vrrp_script commands, and link state from /sys.
 *
 * Address changes run one after another in the order the engine asked for
 * them (an add and a remove of one VIP must not overtake each other).
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

let queue: Promise<unknown> = Promise.resolve();

function run(cmd: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => execFile(cmd, [...args], (error) => resolve(error ? ((error as { code?: number }).code ?? 1) : 0)));
}

/** `ip addr add|del` in order; a failure is reported, not thrown (the address may already be there or gone). */
export function changeAddress(action: 'add' | 'del', address: string, prefixLength: number, ifname: string, onDone: (exitCode: number) => void): void {
  queue = queue.then(() => run('ip', ['addr', action, `${address}/${prefixLength}`, 'dev', ifname]).then(onDone));
}

/** One unsolicited ARP reply for `address` out of `ifname` (iputils arping -U), after the pending address changes. */
export function gratuitousArp(address: string, ifname: string): void {
  queue = queue.then(() => void spawn('arping', ['-q', '-U', '-c', '1', '-I', ifname, address], { stdio: 'ignore' }).on('error', () => undefined));
}

/** Run a vrrp_script command through the shell, as keepalived does; resolves to its exit status (timeout: 1). */
export function runScript(command: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', () => resolve(127));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

/**
 * IFF_UP and IFF_RUNNING, as keepalived reads them. sysfs `flags` holds only the
 * administrative flags; IFF_RUNNING is the carrier (reading `carrier` of a
 * link that is down fails).
 */
export function linkIsUp(ifname: string): boolean {
  try {
    const flags = Number.parseInt(readFileSync(`/sys/class/net/${ifname}/flags`, 'utf8').trim(), 16);
    return (flags & 0x1) !== 0 && readFileSync(`/sys/class/net/${ifname}/carrier`, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}
