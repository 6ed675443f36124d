/**
 * The import graph of src/, read with the TypeScript compiler's own import
 * scanner (ts.preProcessFile: static, dynamic and re-export imports), folded
 * to top-level folders. Production files only: tests may cross layers (a
 * contract suite runs every backend).
 *
 * It holds the layout to what STYLE.md and issue 9 ask, independently of the
 * lint fence: no edge from scenario, docker or runtime into the simulator; no
 * edge between two backends; no cycle between folders; and every edge one the
 * layer table (eslint.config.js LAYERS) allows.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../eslint.config.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const BACKENDS = ['sim', 'docker', 'runtime'];
/** Files at the top of src/ (the public API) sit above every layer. */
const TOP = 'index';

type Graph = Map<string, Map<string, string[]>>;

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$|\.test-utils\.ts$|\.d\.ts$/.test(entry)) out.push(path);
  }
  return out;
}

const folderOf = (file: string): string => {
  const [first, ...rest] = relative(SRC, file).split(sep);
  return rest.length === 0 ? TOP : (first as string);
};

/** folder → folder it imports → the importing files (as "file: specifier"). */
function importGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Map<string, string[]>();
    graph.set(from, edges);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = normalize(join(dirname(file), fileName));
      if (!target.startsWith(SRC + sep)) continue;
      const to = folderOf(target);
      if (to === from) continue;
      edges.set(to, [...(edges.get(to) ?? []), `${relative(ROOT, file)}: ${fileName}`]);
    }
  }
  return graph;
}

/** Every cycle's folders, found by depth-first search (each cycle once per entry point; empty when acyclic). */
export function folderCycles(edges: ReadonlyMap<string, Iterable<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

const graph = importGraph();
const edgesOf = (from: string): Map<string, string[]> => graph.get(from) ?? new Map();
const layers = LAYERS as Record<string, readonly string[]>;

describe('the import graph of src/', () => {
  it('is read: the layers import what the layout says they do', () => {
    // A reader that found no edges would pass everything below.
    expect([...edgesOf('scenario').keys()]).toContain('core');
    expect([...edgesOf('sim').keys()]).toEqual(expect.arrayContaining(['core', 'vrrp', 'ipvs', 'spec']));
    expect([...edgesOf('lab').keys()]).toEqual(expect.arrayContaining(['sim', 'docker', 'scenario']));
  });

  it('has a layer for every folder (add a new folder to LAYERS in eslint.config.js)', () => {
    const folders = [...graph.keys()].filter((f) => f !== TOP);
    expect(folders.filter((f) => layers[f] === undefined)).toEqual([]);
  });

  it('has no edge from scenario, docker or runtime into the simulator', () => {
    const leaks = ['scenario', 'docker', 'runtime'].flatMap((from) => edgesOf(from).get('sim') ?? []);
    expect(leaks).toEqual([]);
  });

  it('has no edge between two backends', () => {
    const leaks = BACKENDS.flatMap((from) => BACKENDS.filter((to) => to !== from).flatMap((to) => edgesOf(from).get(to) ?? []));
    expect(leaks).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const folders = new Map([...graph].map(([from, edges]) => [from, [...edges.keys()]]));
    expect(folderCycles(folders)).toEqual([]);
  });

  it('has only edges the layer table allows', () => {
    const refused = [...graph].filter(([from]) => from !== TOP).flatMap(([from, edges]) => [...edges].filter(([to]) => !(layers[from] ?? []).includes(to)).flatMap(([to, files]) => files.map((f) => `${from} → ${to} (${f})`)));
    expect(refused).toEqual([]);
  });

  it('the cycle finder finds a cycle, and the layer table itself has none', () => {
    expect(folderCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c', 'a']]);
    expect(folderCycles(new Map(Object.entries(layers)))).toEqual([]);
  });
});
