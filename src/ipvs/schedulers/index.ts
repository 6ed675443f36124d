/** The scheduler registry: the names `ipvsadm -s` and keepalived's `lb_algo` accept. */
import type { Scheduler, SchedulerName } from '../types.js';
import { dh } from './dh.js';
import { fo } from './fo.js';
import { lblc } from './lblc.js';
import { lblcr } from './lblcr.js';
import { lc } from './lc.js';
import { mh } from './mh.js';
import { nq } from './nq.js';
import { ovf } from './ovf.js';
import { rr } from './rr.js';
import { sed } from './sed.js';
import { sh } from './sh.js';
import { twos } from './twos.js';
import { wlc } from './wlc.js';
import { wrr } from './wrr.js';

export const SCHEDULERS: Readonly<Record<SchedulerName, Scheduler>> = { rr, wrr, lc, wlc, sed, nq, fo, ovf, sh, dh, mh, lblc, lblcr, twos };
export const SCHEDULER_NAMES = Object.keys(SCHEDULERS) as SchedulerName[];

export function isSchedulerName(s: string): s is SchedulerName {
  return Object.prototype.hasOwnProperty.call(SCHEDULERS, s);
}

export function schedulerFor(name: SchedulerName): Scheduler {
  return SCHEDULERS[name];
}
