/**
 * A LabSession and LabHost built by hand for the app's tests (the layer above
 * the session, so a stand-in is fair here): two keepalived nodes, lb1 (priority
 * 150) and lb2 (100 +2 chk_ctrl), one VIP, a strip, a log and one or two tasks.
 * `kill`/`stop`/`start` move mastership as VRRP would after the skew time;
 * goals are judged from the state (`reach master VI_1 lb2`, `forbid stop lb1`).
 */
import type { ActResult, InstanceState, LabHost, LabSession, LabView, Lesson, LessonEntry, LogEntry, RecordedAction, TaskStatus } from '../lesson/contract.js';
import type { Instant } from '../core/time.js';

export const LESSON: Lesson = {
  id: '01-fake',
  title: 'A fake election',
  dir: 'labs/01-fake',
  kind: 'vrrp',
  files: ['lb1.conf', 'lb2.conf'],
  seed: 7,
  intro: ['Two routers share one address.'],
  tasks: [
    { number: 1, title: 'Make lb2 master', text: ['Make lb2 the master.'], goals: ['reach master VI_1 lb2'], hints: ['Look at the priorities.', 'Kill lb1.'], solution: ['kill lb1, then wait.'] },
    { number: 2, title: 'Bring lb1 back', text: ['Start lb1 again.'], goals: ['reach master VI_1 lb1'], hints: ['start it'], solution: ['start lb1'] },
  ],
  summary: ['The highest priority wins.'],
};

interface NodeState { status: string; state: InstanceState; since: number }

export interface FakeSession extends LabSession {
  /** What the app asked, in order (`act kill lb1`, `advance 100000`, `reload`, …). */
  readonly calls: string[];
}

export function fakeSession(options: { readonly workspace?: string; readonly findings?: readonly string[] } = {}): FakeSession {
  const calls: string[] = [];
  let now = 0;
  let current = 1;
  let seq = 0;
  const done = new Set<number>();
  const actions: RecordedAction[] = [];
  const log: LogEntry[] = [];
  const nodes: Record<string, NodeState> = { lb1: { status: 'up', state: 'MASTER', since: 0 }, lb2: { status: 'up', state: 'BACKUP', since: 0 } };
  const lanes: Record<string, { from: number; to: number; state: string }[]> = { lb1: [{ from: 0, to: Infinity, state: 'MASTER' }], lb2: [{ from: 0, to: Infinity, state: 'BACKUP' }] };
  const add = (entry: Omit<LogEntry, 'seq' | 'at'>) => log.push({ seq: seq++, at: now as Instant, ...entry });
  const setState = (node: string, state: InstanceState, why: string) => {
    const n = nodes[node]!;
    if (n.state === state) return;
    add({ node, text: `VI_1 ${n.state} → ${state}`, why, kind: 'change' });
    n.state = state;
    const lane = lanes[node]!;
    lane[lane.length - 1]!.to = now;
    lane.push({ from: now, to: Infinity, state });
  };
  const master = () => Object.keys(nodes).filter((k) => nodes[k]!.state === 'MASTER');
  const judge = (n: number): TaskStatus => {
    const want = n === 1 ? 'lb2' : 'lb1';
    const met = done.has(n) || (current === n && master().includes(want));
    if (met) done.add(n);
    return { number: n, title: LESSON.tasks[n - 1]!.title, done: met, goals: [{ text: LESSON.tasks[n - 1]!.goals[0]!, met, ...(met ? {} : { detail: `observed: master VI_1 ${master().join(',') || 'nobody'}` }) }] };
  };
  const elect = () => {
    const up = Object.keys(nodes).filter((k) => nodes[k]!.status === 'up');
    const best = up.includes('lb1') ? 'lb1' : up[0];
    for (const k of Object.keys(nodes)) setState(k, nodes[k]!.status !== 'up' ? 'OFF' : k === best ? 'MASTER' : 'BACKUP', k === best ? 'highest priority among the live routers' : nodes[k]!.status === 'up' ? 'a higher priority router is master' : 'node down');
  };
  const view = (): LabView => ({
    now: now as Instant,
    seed: 7,
    backend: 'sim',
    kind: 'vrrp',
    nodes: ['lb1', 'lb2'].map((name) => ({
      name,
      address: name === 'lb1' ? '192.0.2.1' : '192.0.2.2',
      status: nodes[name]!.status,
      links: [{ name: 'eth0', up: true }],
      instances: [{
        name: 'VI_1', vrid: 51, state: nodes[name]!.state,
        priority: name === 'lb1' ? 150 : 102, base: name === 'lb1' ? 150 : 100,
        terms: name === 'lb1' ? [] : [{ label: 'chk_ctrl', kind: 'script', weight: 2, applied: true, status: 'ok' }],
        vips: nodes[name]!.state === 'MASTER' ? ['192.0.2.100'] : [],
      }],
    })),
    vips: [{ address: '192.0.2.100', instance: 'VI_1', holders: master() }],
    strip: ['lb1', 'lb2'].map((n) => ({ label: `${n} VI_1`, segments: lanes[n]!.map((s) => ({ from: s.from as Instant, to: Math.min(s.to, now) as Instant, state: s.state })) })),
    log: [...log],
    findings: options.findings ?? [],
    task: judge(current),
  });
  return {
    lesson: LESSON,
    calls,
    workspace: options.workspace ?? '',
    view,
    async act(line: string): Promise<ActResult> {
      calls.push(`act ${line}`);
      const [verb, node] = line.split(/\s+/);
      if (!verb || !['kill', 'stop', 'start'].includes(verb)) return { ok: false, error: `unknown action '${verb ?? ''}': kill, stop, start` };
      if (!node || !nodes[node]) return { ok: false, error: `no node '${node ?? ''}' (lb1, lb2)` };
      actions.push({ at: now as Instant, line });
      add({ node, text: line, kind: 'action' });
      nodes[node]!.status = verb === 'start' ? 'up' : verb === 'kill' ? 'killed' : 'stopped';
      elect();
      return { ok: true, text: `${line} at ${now / 1e6}s` };
    },
    async advance(us: number) { calls.push(`advance ${us}`); now += us; },
    async step() { calls.push('step'); now += 1_000_000; },
    async reload() { calls.push('reload'); },
    selectTask(n: number) { calls.push(`select ${n}`); current = n; },
    tasks: () => LESSON.tasks.map((t) => judge(t.number)),
    async reset() { calls.push('reset'); done.clear(); current = 1; },
    actions: () => actions,
    async close() { calls.push('close'); },
  };
}

export function fakeHost(session: LabSession, entries: readonly LessonEntry[] = [{ id: '01-fake', title: 'A fake election', tasks: 2, done: 0 }]): LabHost & { readonly opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    lessons: () => entries,
    async open(id: string) {
      opened.push(id);
      if (!entries.some((e) => e.id === id)) throw new Error(`no lesson '${id}'`);
      return session;
    },
  };
}
