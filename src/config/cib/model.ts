/**
 * A Pacemaker CIB (`cibadmin -Q`), as read: every element keeps its line:col
 * so checks and the scheduler's errors can point at it.
 */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** An nvpair (cluster option, meta attribute, instance attribute). */
export interface CibNvpair extends Pos {
  readonly name: string;
  readonly value: string;
}

export interface CibNode extends Pos {
  readonly id: string;
  readonly uname: string;
  readonly attributes: Readonly<Record<string, CibNvpair>>;
}

export interface CibOp extends Pos {
  readonly name: string;
  readonly intervalMs: number;
  readonly onFail?: string;
  readonly role?: string;
}

export interface CibPrimitive extends Pos {
  readonly kind: 'primitive';
  readonly id: string;
  readonly class: string;
  readonly provider?: string;
  readonly type: string;
  readonly params: Readonly<Record<string, CibNvpair>>;
  readonly meta: Readonly<Record<string, CibNvpair>>;
  readonly ops: readonly CibOp[];
}

export interface CibGroup extends Pos {
  readonly kind: 'group';
  readonly id: string;
  readonly meta: Readonly<Record<string, CibNvpair>>;
  readonly members: readonly CibPrimitive[];
}

export interface CibClone extends Pos {
  readonly kind: 'clone';
  readonly id: string;
  readonly promotable: boolean;
  readonly meta: Readonly<Record<string, CibNvpair>>;
  readonly child: CibPrimitive | CibGroup;
}

export type CibResource = CibPrimitive | CibGroup | CibClone;

export interface CibLocation extends Pos {
  readonly id: string;
  readonly rsc: string;
  readonly node: string;
  readonly score: number;
}

export interface CibColocation extends Pos {
  readonly id: string;
  readonly rsc: string;
  readonly withRsc: string;
  readonly score: number;
}

export interface CibOrder extends Pos {
  readonly id: string;
  readonly first: string;
  readonly then: string;
  readonly kind: string;
  readonly symmetrical: boolean;
}

export interface CibFencingLevel extends Pos {
  readonly target: string;
  readonly index: number;
  readonly devices: readonly string[];
}

export interface CibLrmOp extends Pos {
  readonly id: string;
  readonly operation: string;
  readonly intervalMs: number;
  readonly rc: number;
  readonly opStatus: number;
  readonly callId: number;
  readonly targetRc?: number;
  readonly lastRcChange?: number;
}

export interface CibNodeState extends Pos {
  readonly id: string;
  readonly uname: string;
  readonly inCcm: boolean;
  readonly crmdOnline: boolean;
  readonly join: string;
  readonly expected: string;
  readonly attributes: Readonly<Record<string, CibNvpair>>;
  /** resource id → its operation history on this node. */
  readonly lrm: Readonly<Record<string, readonly CibLrmOp[]>>;
}

export interface Cib {
  readonly file: string;
  readonly haveQuorum: boolean;
  readonly dcUuid?: string;
  readonly featureSet?: string;
  readonly options: Readonly<Record<string, CibNvpair>>;
  readonly rscDefaults: Readonly<Record<string, CibNvpair>>;
  readonly opDefaults: Readonly<Record<string, CibNvpair>>;
  readonly nodes: readonly CibNode[];
  readonly resources: readonly CibResource[];
  readonly locations: readonly CibLocation[];
  readonly colocations: readonly CibColocation[];
  readonly orders: readonly CibOrder[];
  readonly fencingLevels: readonly CibFencingLevel[];
  /** undefined: the CIB has no status section. */
  readonly status?: readonly CibNodeState[];
}

/** Every primitive, group members and clone children included, in CIB order. */
export function primitivesOf(resources: readonly CibResource[]): CibPrimitive[] {
  const out: CibPrimitive[] = [];
  for (const r of resources) {
    if (r.kind === 'primitive') out.push(r);
    else if (r.kind === 'group') out.push(...r.members);
    else out.push(...(r.child.kind === 'group' ? r.child.members : [r.child]));
  }
  return out;
}
