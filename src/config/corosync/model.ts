/**
 * The corosync.conf model: what corosync 3 and votequorum take from the file,
 * every value with the place it was written. Absent values stay absent; the
 * defaults corosync applies are computed where they are used (see `timing.ts`
 * in the cluster scenario layer and `quorum.ts` in the fencing engines), so a
 * reviewer can still tell "not set" from "set to the default".
 */
export interface Located<T> {
  readonly value: T;
  readonly line: number;
  readonly column: number;
}

export type AtbSetting = 'lowest' | 'highest' | readonly number[];

export interface CorosyncTotem {
  readonly at?: Located<true>;
  readonly clusterName?: Located<string>;
  readonly transport?: Located<string>;
  readonly version?: Located<number>;
  readonly token?: Located<number>;
  readonly tokenCoefficient?: Located<number>;
  readonly consensus?: Located<number>;
  readonly join?: Located<number>;
  readonly tokenRetransmitsBeforeLossConst?: Located<number>;
  readonly interfaces: readonly CorosyncInterface[];
}

export interface CorosyncInterface {
  readonly at: Located<true>;
  readonly linknumber?: Located<number>;
  readonly knetPingInterval?: Located<number>;
  readonly knetPingTimeout?: Located<number>;
  readonly knetPongCount?: Located<number>;
}

export interface CorosyncDevice {
  readonly at: Located<true>;
  readonly model?: Located<string>;
  readonly votes?: Located<number>;
  readonly timeout?: Located<number>;
  readonly syncTimeout?: Located<number>;
  readonly masterWins?: Located<number>;
  readonly net?: {
    readonly at: Located<true>;
    readonly host?: Located<string>;
    readonly algorithm?: Located<string>;
    readonly tieBreaker?: Located<string>;
    readonly tls?: Located<string>;
  };
}

export interface CorosyncQuorum {
  readonly at?: Located<true>;
  readonly provider?: Located<string>;
  readonly expectedVotes?: Located<number>;
  readonly twoNode?: Located<number>;
  readonly waitForAll?: Located<number>;
  readonly lastManStanding?: Located<number>;
  readonly lastManStandingWindow?: Located<number>;
  readonly autoTieBreaker?: Located<number>;
  readonly autoTieBreakerNode?: Located<string>;
  readonly allowDownscale?: Located<number>;
  readonly expectedVotesTracking?: Located<number>;
  readonly device?: CorosyncDevice;
}

export interface CorosyncNode {
  readonly at: Located<true>;
  readonly nodeid?: Located<number>;
  readonly name?: Located<string>;
  readonly ring0Addr?: Located<string>;
  readonly quorumVotes?: Located<number>;
}

export interface CorosyncConf {
  readonly file: string;
  readonly totem: CorosyncTotem;
  readonly quorum: CorosyncQuorum;
  readonly nodelist?: Located<true>;
  readonly nodes: readonly CorosyncNode[];
}

/** The name a node goes by in the lab: `name`, else its nodeid (as corosync-quorumtool falls back). */
export function nodeName(n: CorosyncNode): string {
  return n.name?.value ?? String(n.nodeid?.value ?? n.ring0Addr?.value ?? '?');
}
