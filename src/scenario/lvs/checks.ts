/**
 * What a scenario says about load balancing, checked against what the
 * configurations define, before anything runs: the real servers `rsdown` and
 * `rsup` name, the service `clients … to` picks, the servers and directors
 * `expect` lines name, and the addresses `realserver` lines name. Each problem
 * is a located error, reported with every other mistake of the file.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { SourceLocation } from '../../core/errors.js';
import type { Expectation, Predicate } from '../expectations.js';
import type { PreparedLvs } from './topology.js';
import type { Scenario } from '../scenario.js';
import { resolveServer } from './timeline.js';

export function lvsProblems(scenario: Scenario, lvs: PreparedLvs | undefined): Diagnostic[] {
  return [...eventProblems(scenario, lvs), ...expectationProblems(scenario.expectations, lvs), ...declaredProblems(scenario, lvs)];
}

const at = (location: SourceLocation | undefined, column?: number): Partial<Diagnostic> =>
  location === undefined ? {} : { file: location.file, line: location.line, column: column ?? location.column };

const error = (code: string, message: string, where: Partial<Diagnostic>, hint?: string): Diagnostic => ({ code, severity: 'error', message, ...where, ...(hint ? { hint } : {}) });

function knownServers(lvs: PreparedLvs): string {
  return lvs.timeline.realServers.map((r) => `${r.id} (${r.address})`).join(', ') || 'none';
}

function eventProblems(scenario: Scenario, lvs: PreparedLvs | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of scenario.events) {
    const ev = e.event;
    if (ev.kind !== 'clients' && ev.kind !== 'rsdown' && ev.kind !== 'rsup') continue;
    if (lvs === undefined) {
      out.push(error('event-no-lvs', `'${ev.kind}' needs a load-balanced cluster: no node's configuration has a virtual_server`, at(e.location)));
      continue;
    }
    if (ev.kind === 'clients') {
      const services = lvs.cluster.services;
      if (services.length === 0) out.push(error('event-no-tcp-service', `clients speak TCP, and no virtual_server is a TCP service`, at(e.location)));
      else if (ev.service !== undefined && !services.includes(ev.service)) out.push(error('event-unknown-service', `no TCP virtual service ${ev.service}`, at(e.location), `services: ${services.join(', ')}`));
      continue;
    }
    if (resolveServer(lvs.timeline, ev.server) === undefined || ev.server.includes(':')) {
      out.push(error('event-unknown-real-server', `no real server '${ev.server}'`, at(e.location, e.argColumns?.[0]), `real servers: ${knownServers(lvs)}`));
    }
  }
  return out;
}

function predicateOf(e: Expectation): Predicate | undefined {
  return e.kind === 'at' || e.kind === 'at-end' || e.kind === 'always' || e.kind === 'eventually' ? e.predicate : undefined;
}

function expectationProblems(expectations: readonly Expectation[], lvs: PreparedLvs | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of expectations) {
    const p = predicateOf(e);
    if (p === undefined || (p.kind !== 'conns' && p.kind !== 'checkstate' && p.kind !== 'clients')) continue;
    if (lvs === undefined) {
      out.push(error('expect-no-lvs', `this expectation reads load balancing, and no node's configuration has a virtual_server`, at(e.location)));
      continue;
    }
    if (p.kind === 'clients') continue;
    if (resolveServer(lvs.timeline, p.server) === undefined) out.push(error('expect-unknown-real-server', `no real server '${p.server}'`, at(e.location), `real servers: ${knownServers(lvs)}`));
    if (p.director !== undefined && !lvs.directors.has(p.director)) {
      out.push(error('expect-not-a-director', `${p.director} has no virtual servers: it is no director`, at(e.location), `directors: ${[...lvs.directors.keys()].join(', ')}`));
    }
  }
  return out;
}

function declaredProblems(scenario: Scenario, lvs: PreparedLvs | undefined): Diagnostic[] {
  const known = new Set(lvs?.timeline.realServers.map((r) => r.address) ?? []);
  return (scenario.realServers ?? [])
    .filter((r) => !known.has(r.address))
    .map((r) => error('scenario-unknown-real-server', `realserver ${r.id}: no virtual_server of any node has a real server ${r.address}`, at(r.location)));
}
