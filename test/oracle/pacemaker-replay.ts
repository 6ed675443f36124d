/**
 * Replay a pacemaker-record.py case (cib.xml + case.txt + decisions.json)
 * through `vrrp-lab cluster plan`, step by step, and compare what it decides
 * with what crm_simulate 2.1.5 decided: the fence targets (with action and
 * reason), the order fences run in, and every start/stop/move/recover/… line
 * of the transition summary (resource, node or source → dest, blocked).
 *
 * Each step runs on the previous step's saved state (--state/--save-state), as
 * the recorder runs each crm_simulate on the previous output CIB; `sim` steps
 * pass --execute (crm_simulate -S), `plan` steps do not (-R), `attr` steps only
 * write the attribute.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
export type RunCli = (argv: string[]) => Promise<RunResult>;

interface RecordedStep {
  readonly i: number;
  readonly kind: 'sim' | 'plan' | 'attr';
  readonly args: string[];
  readonly error?: string;
  readonly fence?: { node: string; action: string; reason: string }[];
  readonly actions?: Record<string, unknown>[];
  readonly graph_fences?: { node: string; after_fences?: string[] }[];
}

export interface StepOutcome {
  readonly step: number;
  readonly line: string;
  readonly ok: boolean;
  readonly diffs: string[];
}

function caseSteps(dir: string): { kind: string; at: number; args: string[] }[] {
  return readFileSync(join(dir, 'case.txt'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*/, '').trim())
    .filter(Boolean)
    .map((l) => {
      const [kind = '', at = '0', ...args] = l.split(/\s+/);
      return { kind, at: Number(at), args };
    });
}

function actionKey(a: Record<string, unknown>): string {
  const where = a['node'] !== undefined ? String(a['node']) : `${String(a['source'])}->${String(a['dest'])}`;
  return `${String(a['action'])} ${String(a['resource'])} ${where}${a['blocked'] === true ? ' (blocked)' : ''}`;
}

/** Execution order from the graph: each fence after the fences it waits for. */
function recordedFenceOrder(g: RecordedStep['graph_fences']): string[] {
  const list = [...(g ?? [])];
  const done: string[] = [];
  while (list.length) {
    const i = list.findIndex((f) => (f.after_fences ?? []).every((x) => done.includes(x)));
    const [f] = list.splice(i < 0 ? 0 : i, 1);
    if (f) done.push(f.node);
  }
  return done;
}

function diff(what: string, want: readonly string[], got: readonly string[]): string[] {
  const w = [...want].sort();
  const g = [...got].sort();
  if (JSON.stringify(w) === JSON.stringify(g)) return [];
  const missing = w.filter((x) => !g.includes(x));
  const extra = g.filter((x) => !w.includes(x));
  return [`${what}: missing [${missing.join('; ')}] extra [${extra.join('; ')}]`];
}

export async function replayCase(dir: string, run: RunCli): Promise<StepOutcome[]> {
  const recorded = (JSON.parse(readFileSync(join(dir, 'decisions.json'), 'utf8')) as { steps: RecordedStep[] }).steps;
  const steps = caseSteps(dir);
  const tmp = mkdtempSync(join(tmpdir(), 'pcmk-replay-'));
  const out: StepOutcome[] = [];
  try {
    let state: string | undefined;
    for (const [i, st] of steps.entries()) {
      const rec = recorded[i];
      if (!rec || rec.error) break;
      const next = join(tmp, `state${i}.json`);
      const eventArgs = st.kind === 'attr' ? ['--attr', ...st.args] : st.args;
      const argv = ['cluster', 'plan', '--cib', join(dir, 'cib.xml'), '--at', String(st.at), '--save-state', next, '--json', ...(state ? ['--state', state] : []), ...(st.kind === 'sim' ? ['--execute'] : []), ...eventArgs];
      const r = await run(argv);
      const line = `${st.kind} ${st.at} ${st.args.join(' ')}`;
      if (r.code !== 0 || !existsSync(next)) {
        out.push({ step: i, line, ok: false, diffs: [`exit ${r.code}: ${r.stderr.trim().slice(0, 300)}`] });
        break;
      }
      state = next;
      if (st.kind === 'attr') continue;
      const got = JSON.parse(r.stdout) as { fence: { node: string; action: string; reason: string }[]; actions: Record<string, unknown>[]; fence_order: string[] };
      const diffs = [
        ...diff('fence', (rec.fence ?? []).map((f) => `${f.node} ${f.action} '${f.reason}'`), got.fence.map((f) => `${f.node} ${f.action} '${f.reason}'`)),
        ...diff('actions', (rec.actions ?? []).map(actionKey), got.actions.map(actionKey)),
      ];
      const wantOrder = recordedFenceOrder(rec.graph_fences);
      if (JSON.stringify(wantOrder) !== JSON.stringify(got.fence_order)) diffs.push(`fence order: want ${wantOrder.join(',')} got ${got.fence_order.join(',')}`);
      out.push({ step: i, line, ok: diffs.length === 0, diffs });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

/** Every recorded case under `root` (directories holding decisions.json). */
export function recordedCases(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).sort().filter((d) => existsSync(join(root, d, 'decisions.json')));
}
