/**
 * A lab process kept loaded ahead of its start (src/runtime/standby.ts): one
 * waits from `prepare` on, and another after each stop or crash, so a `start`
 * event starts it within a few ms, as keepalived starts.
 *
 * Files in the container, for process NAME:
 * - /run/lab-NAME.pid: the running process (what stop, kill and pause signal);
 * - /run/lab-NAME-standby.pid: the standby, from its launch (it may still load);
 * - /run/lab-NAME-standby.ready: written by the standby, its pid, once it waits.
 *
 * A start while the process runs does nothing. A standby still loading is
 * waited for (up to 5 s); without one, the process starts cold.
 */
import type { StartedNodeContainer } from './node-container.js';

export class StandbyProcess {
  readonly pidFile: string;
  private readonly standbyPid: string;
  private readonly ready: string;

  constructor(
    private readonly node: StartedNodeContainer,
    name: string,
    /** The program and its arguments; `--standby` is put before the arguments. */
    private readonly program: string,
    private readonly args: string,
    private readonly logFile: string,
  ) {
    this.pidFile = `/run/lab-${name}.pid`;
    this.standbyPid = `/run/lab-${name}-standby.pid`;
    this.ready = `/run/lab-${name}-standby.ready`;
  }

  /** The shell expansion of the running process's pid. */
  get pid(): string {
    return `$(cat ${this.pidFile} 2>/dev/null)`;
  }

  /** Launch a standby and wait until it is loaded (the run's first start should find it ready). */
  async prepare(): Promise<void> {
    await this.launch();
    await this.node.shAnyway(`n=0; while [ ! -e ${this.ready} ] && [ $n -lt 1000 ]; do sleep 0.01; n=$((n+1)); done`);
  }

  /** Launch a standby for the next start, unless one waits or loads already. */
  launch(): Promise<void> {
    return this.node.shDetached(`kill -0 "$(cat ${this.standbyPid} 2>/dev/null)" 2>/dev/null && exit 0; echo $$ > ${this.standbyPid}; exec ${this.program} --standby ${this.args} >> ${this.logFile} 2>&1`);
  }

  start(): Promise<void> {
    const ready = `"$(cat ${this.ready} 2>/dev/null)"`;
    return this.node.shDetached(
      [
        `kill -0 ${this.pid} 2>/dev/null && exit 0`,
        `sp=$(cat ${this.standbyPid} 2>/dev/null)`,
        `if [ -n "$sp" ] && kill -0 "$sp" 2>/dev/null; then`,
        `  n=0; while [ ${ready} != "$sp" ] && [ $n -lt 500 ] && kill -0 "$sp" 2>/dev/null; do sleep 0.01; n=$((n+1)); done`,
        `  if [ ${ready} = "$sp" ]; then rm -f ${this.standbyPid}; echo "$sp" > ${this.pidFile}; kill -USR2 "$sp"; exit 0; fi`,
        `fi`,
        `echo $$ > ${this.pidFile}; exec ${this.program} ${this.args} >> ${this.logFile} 2>&1`,
      ].join('\n'),
    );
  }

  /** Send a signal to the running process (none: nothing happens). */
  async signal(name: string): Promise<void> {
    await this.node.shAnyway(`kill -${name} ${this.pid} 2>/dev/null; true`);
  }
}
