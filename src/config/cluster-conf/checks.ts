/**
 * The checks a reviewer makes on a cluster.conf that the schema lets through, each
 * with the line:col to edit. Grounds (our words; research/fencing.md §3.2, §4, §6.3,
 * §8, RHCS 3.1.8 cman/cmanconfig.c, fence/fenced, rgmanager/src/daemons):
 * - fenced retries a node it cannot fence forever, and the DLM (so GFS2, clvmd and
 *   rgmanager) waits with it: a node without a fence method, or a cluster without
 *   fence devices, hangs on the first failure.
 * - A node's BMC is powered by the node: if it is the only way to fence the node, a
 *   power loss blocks recovery. A device on the cluster's own network fails with it.
 * - A device hosted by a cluster node (fence_virsh/fence_xvm on a hypervisor that is
 *   itself a member) needs that node alive to fence: a cycle of those can never
 *   complete.
 * - cman refuses two_node unless there are exactly two nodes of one vote each and
 *   expected_votes is 1; with two_node both halves of a split are quorate and race to
 *   fence each other unless one side's device has a delay.
 * - An expected_votes so low that two disjoint halves can each reach quorum lets both
 *   halves run services.
 * - rgmanager forgets a restart after restart_expire_time: a window shorter than
 *   max_restarts status intervals can never reach max_restarts, so the service never
 *   relocates.
 * - ccs_config_validate refuses a config_version not above the running one.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { deviceKindOfAgent } from '../fence-agents.js';
import type { ClusterConf, ClusterNode, FenceDeviceDef, FenceDeviceRef, Located, RmService } from './model.js';

type Report = (code: string, severity: Diagnostic['severity'], at: Located, message: string, hint?: string) => void;

export function checkClusterConf(conf: ClusterConf, report: Report, previous?: ClusterConf): void {
  checkNodes(conf, report);
  checkFencing(conf, report);
  checkFenceCycles(conf, report);
  checkQuorum(conf, report);
  checkTimeouts(conf, report);
  checkRm(conf, report);
  if (previous !== undefined) checkVersion(conf, previous, report);
}

function checkNodes(conf: ClusterConf, report: Report): void {
  const names = new Map<string, ClusterNode>();
  const ids = new Map<number, ClusterNode>();
  for (const n of conf.nodes) {
    const dupName = names.get(n.name);
    if (dupName) report('rhcs-duplicate-node', 'error', n, `clusternode ${n.name} is defined twice (first at line ${dupName.line})`);
    names.set(n.name, n);
    if (n.nodeid === undefined) {
      if (n.attrs.nodeid !== undefined) continue; // reported as a bad number already
      report('rhcs-missing-nodeid', 'error', n, `clusternode ${n.name} has no nodeid: cman needs one for every node`);
      continue;
    }
    const dup = ids.get(n.nodeid);
    if (dup) report('rhcs-duplicate-nodeid', 'error', n, `clusternodes ${dup.name} and ${n.name} share nodeid ${n.nodeid}`);
    ids.set(n.nodeid, n);
  }
}

function checkFencing(conf: ClusterConf, report: Report): void {
  const devices = new Map<string, FenceDeviceDef>();
  for (const d of conf.fenceDevices) {
    if (devices.has(d.name)) report('rhcs-duplicate-fencedevice', 'error', d, `fencedevice ${d.name} is defined twice`);
    devices.set(d.name, d);
    const kind = deviceKindOfAgent(d.agent);
    if (kind === 'none') report('rhcs-fence-dummy', 'warning', d, `fencedevice ${d.name} (${d.agent}) reports success without fencing anything: this cluster runs without fencing`);
    if (kind === 'manual') report('rhcs-fence-manual', 'warning', d, `fencedevice ${d.name} (${d.agent}) waits for an operator: recovery blocks until fence_ack_manual`);
  }
  if (conf.fenceDevices.length === 0 && conf.nodes.length > 0) {
    report('rhcs-no-fence-devices', 'error', conf.root, 'no <fencedevice> is defined: fenced can never fence a failed node, so DLM, GFS2 and rgmanager block on the first failure',
      'define a fence device per node (IPMI, PDU) and reference it from each clusternode');
  }
  for (const n of conf.nodes) checkNodeFencing(n, devices, report);
}

function checkNodeFencing(n: ClusterNode, devices: ReadonlyMap<string, FenceDeviceDef>, report: Report): void {
  const usable = n.methods.filter((m) => m.devices.length > 0);
  if (usable.length === 0) {
    report('rhcs-no-fence-method', 'error', n, `clusternode ${n.name} has no fence method: if it fails, fenced retries forever and the cluster's recovery blocks`,
      'add <fence><method name="1"><device name="…"/></method></fence>');
  }
  const seenNames = new Map<string, Located>();
  const seenSets = new Map<string, Located>();
  for (const m of n.methods) {
    if (seenNames.has(m.name)) report('rhcs-duplicate-fence-level', 'error', m, `clusternode ${n.name}: fence method "${m.name}" is defined twice`);
    seenNames.set(m.name, m);
    const key = m.devices.map((d) => `${d.name}/${d.port ?? ''}/${d.action ?? ''}`).join(',');
    if (m.devices.length > 0 && seenSets.has(key)) {
      report('rhcs-duplicate-fence-level', 'warning', m, `clusternode ${n.name}: method "${m.name}" repeats an earlier method's devices; it can only fail the same way`);
    }
    seenSets.set(key, m);
    for (const d of m.devices) {
      if (!devices.has(d.name)) report('rhcs-unknown-fencedevice', 'error', d, `clusternode ${n.name}: no <fencedevice name="${d.name}">`);
    }
  }
  const kinds = usable.map((m) => m.devices.map((d) => deviceKindOfAgent(devices.get(d.name)?.agent ?? '')));
  if (usable.length > 0 && kinds.every((ks) => ks.some((k) => k === 'power-bmc'))) {
    report('rhcs-fence-dies-with-node', 'warning', usable[0] ?? n,
      `clusternode ${n.name} is fenced only through its own BMC, which loses power with the node: a power failure leaves it unfenceable and blocks recovery`,
      'add a second method through a switched PDU');
  }
  checkClusterNetwork(n, usable.flatMap((m) => m.devices), devices, report);
}

/** A device whose address sits in the /24 of the node's cluster address fails with the cluster network. */
function checkClusterNetwork(n: ClusterNode, uses: readonly FenceDeviceRef[], devices: ReadonlyMap<string, FenceDeviceDef>, report: Report): void {
  const ring = [n.name, ...n.altnames].map(prefix24).filter((p): p is string => p !== undefined);
  if (ring.length === 0) return;
  const onRing = uses.filter((u) => {
    const ip = devices.get(u.name)?.ipaddr;
    const p = ip === undefined ? undefined : prefix24(ip);
    return p !== undefined && ring.includes(p);
  });
  if (onRing.length > 0 && onRing.length === uses.length) {
    const first = onRing[0] as Located;
    report('rhcs-fence-on-cluster-network', 'warning', first,
      `clusternode ${n.name} is only fenced through devices on its cluster network (${ring[0]}.0/24): the outage that splits the cluster also cuts the fence path`,
      'put fence devices on a separate management network');
  }
}

function prefix24(s: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m || m.slice(1).some((x) => Number(x) > 255)) return undefined;
  return `${m[1]}.${m[2]}.${m[3]}`;
}

/**
 * Fencing a node through a device hosted on another member (its ipaddr names that
 * member) needs that member alive. Every method of A needing B, and B's needing A,
 * is a cycle nothing can break; a node whose every method needs itself, the same.
 */
function checkFenceCycles(conf: ClusterConf, report: Report): void {
  const devices = new Map(conf.fenceDevices.map((d) => [d.name, d]));
  const nodeNames = new Set(conf.nodes.map((n) => n.name));
  const needs = new Map<string, string>();
  for (const n of conf.nodes) {
    const hosts = n.methods.filter((m) => m.devices.length > 0).map((m) => {
      const h = m.devices.map((d) => devices.get(d.name)?.ipaddr).find((ip) => ip !== undefined && nodeNames.has(ip));
      return h;
    });
    if (hosts.length > 0 && hosts.every((h) => h !== undefined && h === hosts[0])) needs.set(n.name, hosts[0] as string);
  }
  const reported = new Set<string>();
  for (const start of needs.keys()) {
    const path: string[] = [];
    let cur: string | undefined = start;
    while (cur !== undefined && !path.includes(cur) && path.length <= conf.nodes.length) {
      path.push(cur);
      cur = needs.get(cur);
    }
    if (cur === undefined || cur !== start || reported.has(start)) continue;
    for (const p of path) reported.add(p);
    const node = conf.nodes.find((x) => x.name === start) as ClusterNode;
    const chain = [...path, start].join(' → ');
    report('rhcs-fence-cycle', 'error', node, `fencing is cyclic: ${chain} (each node's only fence device runs on the next node), so a failure there can never be fenced`);
  }
}

function checkQuorum(conf: ClusterConf, report: Report): void {
  const cman = conf.cman;
  const votes = conf.nodes.reduce((s, n) => s + n.votes, 0) + (conf.quorumd?.votes ?? 0);
  if (cman?.twoNode === true) {
    if (cman.expectedVotes !== 1) {
      report('rhcs-two-node-expected-votes', 'error', cman, `two_node="1" needs expected_votes="1" (got ${cman.expectedVotes ?? 'none'}): cman refuses to start`);
    }
    if (conf.nodes.length !== 2) report('rhcs-two-node-node-count', 'error', cman, `two_node="1" with ${conf.nodes.length} clusternodes: cman allows it only with exactly two`);
    for (const n of conf.nodes) if (n.votes !== 1) report('rhcs-two-node-votes', 'error', n, `two_node="1": clusternode ${n.name} must have votes="1"`);
    if (conf.nodes.length === 2 && !conf.nodes.some((n) => n.methods.some((m) => m.devices.some((d) => (d.delayS ?? 0) > 0)))
      && !conf.fenceDevices.some((d) => (d.delayS ?? 0) > 0)) {
      report('rhcs-fence-race', 'warning', cman, 'two_node="1" and no fence delay: after a split both nodes are quorate and fence each other at once (both can go down)',
        'add delay="15" to the device line that fences the node that should survive');
    }
    return;
  }
  if (conf.nodes.length === 2 && votes === 2 && conf.quorumd === undefined) {
    report('rhcs-two-nodes-without-two-node', 'warning', cman ?? conf.root, 'two nodes without two_node="1": quorum is 2, so losing either node stops every service');
  }
  const expected = cman?.expectedVotes;
  if (expected !== undefined && votes >= 2 * (Math.floor(expected / 2) + 1)) {
    report('rhcs-expected-votes-too-low', 'error', cman ?? conf.root,
      `expected_votes="${expected}" gives quorum ${Math.floor(expected / 2) + 1} of ${votes} votes: two halves of a split can both be quorate and both run services`);
  }
}

function checkTimeouts(conf: ClusterConf, report: Report): void {
  const tokenMs = conf.totem?.tokenMs ?? 10_000;
  const qd = conf.quorumd;
  if (qd !== undefined) {
    const masterWait = Math.floor(qd.tko / 2);
    const qdiskMs = qd.intervalS * (qd.tko + masterWait + 2) * 1000;
    if (tokenMs < qdiskMs) {
      report('rhcs-token-vs-qdisk', 'warning', conf.totem ?? qd,
        `totem token ${tokenMs} ms is shorter than qdiskd's master change (interval ${qd.intervalS} s × (tko ${qd.tko} + master_wait ${masterWait} + upgrade_wait 2) = ${qdiskMs} ms): the cluster can lose quorum while qdiskd elects a master`);
    }
  }
  const fd = conf.fenceDaemon;
  if (fd.postFailDelayS * 1000 > 0 && conf.nodes.length === 2 && fd.postFailDelayS > 30) {
    report('rhcs-post-fail-delay-long', 'info', fd, `post_fail_delay ${fd.postFailDelayS} s: every recovery waits that long before fencing`);
  }
  for (const s of conf.rm?.services ?? []) checkRestartWindow(conf, s, report);
}

function checkRestartWindow(conf: ClusterConf, s: RmService, report: Report): void {
  const intervalS = s.kind === 'vm' ? 30 : (conf.rm?.statusPollIntervalS ?? 10);
  if (s.maxRestarts <= 0 || s.restartExpireTimeS <= 0 || s.recovery !== 'restart') return;
  if (s.restartExpireTimeS < s.maxRestarts * intervalS) {
    const at = s.attrs.restart_expire_time ?? s;
    report('rhcs-restart-window-too-short', 'warning', at,
      `${s.id}: restart_expire_time ${s.restartExpireTimeS} s cannot hold max_restarts ${s.maxRestarts} failures at one status check every ${intervalS} s: the service restarts in place forever and never relocates`);
  }
}

function checkRm(conf: ClusterConf, report: Report): void {
  const rm = conf.rm;
  if (rm === undefined) return;
  const nodeNames = new Set(conf.nodes.map((n) => n.name));
  const domains = new Map<string, (typeof rm.domains)[number]>();
  for (const d of rm.domains) {
    if (domains.has(d.name)) report('rhcs-duplicate-domain', 'error', d, `failoverdomain ${d.name} is defined twice`);
    domains.set(d.name, d);
    for (const m of d.nodes) {
      if (!nodeNames.has(m.name)) report('rhcs-domain-unknown-node', 'error', m, `failoverdomain ${d.name}: ${m.name} is not a clusternode`);
      if (d.ordered && m.priority === undefined) {
        report('rhcs-ordered-domain-no-priority', 'warning', m, `failoverdomain ${d.name} is ordered but ${m.name} has no priority: rgmanager ranks it first when scoring and last when trying`);
      }
    }
  }
  const ids = new Set<string>();
  for (const s of rm.services) {
    if (ids.has(s.id)) report('rhcs-duplicate-service', 'error', s, `${s.id} is defined twice`);
    ids.add(s.id);
    checkService(s, domains, rm.services, report);
  }
  checkExclusive(conf, report);
}

function checkService(s: RmService, domains: ReadonlyMap<string, unknown>, all: readonly RmService[], report: Report): void {
  if (s.domain !== undefined && !domains.has(s.domain)) {
    report('rhcs-unknown-domain', 'warning', s.attrs.domain ?? s, `${s.id}: no failoverdomain ${s.domain}; rgmanager runs it as if it had no domain`);
  }
  if (s.kind === 'vm' && s.domain === undefined) {
    report('rhcs-vm-without-domain', 'warning', s, `${s.id} has no failover domain: it may start on any node, and after a failure lands wherever rgmanager's tie-break puts it`,
      'add domain="…" naming an ordered failoverdomain');
  }
  if (s.depend !== undefined && !all.some((x) => x.id === s.depend)) {
    report('rhcs-unknown-depend', 'error', s.attrs.depend ?? s, `${s.id} depends on ${s.depend}, which is not defined`);
  }
}

/**
 * rgmanager never evicts a running service for an exclusive one: an exclusive
 * service whose every candidate node may also be running another service can stay
 * stopped after a failover. (Pacemaker's −INFINITY colocations do evict: that is
 * the CIB checker's business.)
 */
function checkExclusive(conf: ClusterConf, report: Report): void {
  const rm = conf.rm;
  if (rm === undefined) return;
  const candidates = (s: RmService): string[] => {
    const d = rm.domains.find((x) => x.name === s.domain);
    return d?.restricted === true ? d.nodes.map((m) => m.name) : conf.nodes.map((n) => n.name);
  };
  for (const s of rm.services.filter((x) => x.exclusive)) {
    const mine = candidates(s);
    const others = rm.services.filter((x) => x !== s);
    const occupied = mine.filter((node) => others.some((o) => candidates(o).includes(node)));
    if (mine.length > 0 && occupied.length === mine.length && others.length >= mine.length - 1) {
      report('rhcs-exclusive-may-stay-stopped', 'warning', s.attrs.exclusive ?? s,
        `${s.id} is exclusive and every node it may use can also run other services: rgmanager never evicts a running service, so after a failover it may stay stopped`);
    }
  }
}

function checkVersion(conf: ClusterConf, previous: ClusterConf, report: Report): void {
  if (conf.configVersion === undefined || previous.configVersion === undefined) return;
  if (conf.configVersion <= previous.configVersion) {
    report('rhcs-config-version-not-raised', 'error', conf.root,
      `config_version ${conf.configVersion} is not above the previous file's ${previous.configVersion}: ccs_config_validate and cman refuse it`,
      `set config_version="${previous.configVersion + 1}"`);
  }
}
