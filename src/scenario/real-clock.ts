/**
 * Expectations on real clocks (containers): how late a real run may be, and
 * the scenario with its timed expectations widened by that much.
 *
 * Real clocks and process start-up: 0.5 s. Where scripts decide (the scenario
 * sets a script's result with fail/ok), one more interval of the slowest
 * script: the simulator runs a script exactly at its instant and applies an
 * event there first, but a real node's script runs at a phase set by when its
 * process started, so an event that lands a few ms after a run waits for the
 * next one.
 */
import { withSlack } from './expectations.js';
import type { Scenario } from './scenario.js';
import type { PreparedScenario } from './topology.js';

export const REAL_CLOCK_SLACK_US = 500_000;

export function realClockSlackUs(prepared: PreparedScenario, baseUs = REAL_CLOCK_SLACK_US): number {
  if (!prepared.scenario.events.some((e) => e.event.kind === 'fail' || e.event.kind === 'ok')) return baseUs;
  return baseUs + Math.max(0, ...prepared.nodes.flatMap((n) => n.vrrp.scripts.map((s) => s.intervalUs)));
}

export function withRealClockSlack(scenario: Scenario, slackUs: number): Scenario {
  return slackUs === 0 ? scenario : { ...scenario, expectations: scenario.expectations.map((e) => withSlack(e, slackUs)) };
}
