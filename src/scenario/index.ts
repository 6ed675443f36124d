/**
 * The scenario vocabulary shared by every backend: scenarios as data (files,
 * flags, builder), the event words, the run, the timeline and its renderings,
 * and the expectations read from it. The vitest helpers live in ./vitest.js
 * (not exported here: importing them needs vitest).
 */
export {
  EVENT_WORDS,
  parseEventLine,
  parseEventTokens,
  parseSeconds,
  formatEvent,
  formatTimedEvent,
  sortEvents,
  eventNodes,
  start,
  stop,
  kill,
  pause,
  resume,
  failScript,
  okScript,
  linkdown,
  linkup,
  partition,
  oneway,
  heal,
  clients,
  rsdown,
  rsup,
  at,
  type ScenarioEvent,
  type EventWord,
} from './events.js';
export {
  scenario,
  configFile,
  configText,
  defaultUntil,
  deferredNodes,
  formatDiagnostic,
  ScenarioBuilder,
  ScenarioFileError,
  type Scenario,
  type ScenarioNode,
  type ScenarioRealServer,
  type NodeConfigSource,
} from './scenario.js';
export { parseScenarioFile, loadScenarioFile, diskIo, type ScenarioFileIo } from './scenario-file.js';
export { scenarioFromFlags, flagLabel, type SimulateFlags, type FlagIo } from './from-flags.js';
export {
  masterIs,
  holderIs,
  stateIs,
  priorityIs,
  atTime,
  always,
  eventually,
  failoverWithin,
  neverTwoMasters,
  vipsFollowMasterAlways,
  checkExpectation,
  checkAll,
  describeExpectation,
  describePredicate,
  evaluate,
  type Expectation,
  type ExpectationResult,
  type Predicate,
  type NeverTwoMastersOptions,
} from './expectations.js';
export {
  buildTimeline,
  stateAt,
  priorityAt,
  segmentAt,
  mastersAt,
  holdersAt,
  lanesOf,
  changePoints,
  disturbedAt,
  type Timeline,
  type TimelineNode,
  type TimelineInstance,
  type TimelineTransition,
  type TimelinePriorityChange,
  type TimelineVipChange,
  type TimelineGarp,
  type TimelineEvent,
  type Lane,
  type LaneState,
  type Segment,
  type VipHold,
  type Disturbance,
  type InstanceSelector,
  type AppliedEvent,
} from './timeline.js';
export { timelineToJson, type TimelineJson } from './timeline-json.js';
export { renderTimelineText, renderExcerpt } from './timeline-text.js';
export { renderTimelineSvg } from './timeline-svg.js';
export { assignAddresses, parseIpv4, formatIpv4, type AddressNeeds, type AssignedInterface } from './addresses.js';
export { toVrrpNodeConfig, addressNeeds, resolveInstances, type ResolvedInstance } from './from-keepalived.js';
export { prepareScenario, type PreparedScenario, type PreparedNode, type ConfigParser, type ConfigText, type PrepareOptions } from './topology.js';
export { keepalivedParser, refuses, REFUSING } from './keepalived-parser.js';
export { runScenario, chooseSeed, lvsRequirement, type ScenarioRun, type RunOptions } from './run.js';
export { connsAre, checkStateIs, clientsWere, atEnd } from './expectations.js';
export { COMPARISONS, compare, describeLvsPredicate, evaluateLvs, type Comparison, type LvsPredicate } from './lvs/expectations.js';
export {
  connsAt,
  checkAt,
  clientCountAt,
  resolveServer,
  CLIENT_OUTCOMES,
  type TimelineLvs,
  type TimelineLvsMeta,
  type TimelineRealServer,
  type TimelineLvsService,
  type TimelineConnSample,
  type TimelineCheck,
  type TimelineClientOutcome,
  type ConnMeasure,
} from './lvs/timeline.js';
export { prepareLvs, type PreparedLvs } from './lvs/topology.js';
