import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addonSources } from './image.js';
import { ImageBuildError } from './errors.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A user's project with vrrp-lab installed as a dependency: npm hoists raw-socket and nan beside it. */
function userProject(layout: { rawSocket: boolean; nestedNan: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'vrrp-lab-user-'));
  made.push(root);
  const pkg = (dir: string, name: string): void => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
  };
  pkg(join(root, 'node_modules', 'vrrp-lab', 'dist', 'src', 'docker'), 'vrrp-lab');
  if (layout.rawSocket) pkg(join(root, 'node_modules', 'raw-socket'), 'raw-socket');
  pkg(layout.nestedNan ? join(root, 'node_modules', 'raw-socket', 'node_modules', 'nan') : join(root, 'node_modules', 'nan'), 'nan');
  return root;
}

const requireFrom = (root: string): NodeRequire => createRequire(join(root, 'node_modules', 'vrrp-lab', 'dist', 'src', 'docker', 'image.js'));

describe('the native addon sources for the node image', () => {
  it('are found where npm put them in a dependent project (hoisted beside vrrp-lab), with a hoisted nan', () => {
    const root = userProject({ rawSocket: true, nestedNan: false });
    expect(Object.fromEntries(addonSources(requireFrom(root)))).toEqual({
      'raw-socket': join(root, 'node_modules', 'raw-socket'),
      nan: join(root, 'node_modules', 'nan'),
    });
  });

  it('take a nan nested in raw-socket along with raw-socket', () => {
    const root = userProject({ rawSocket: true, nestedNan: true });
    expect([...addonSources(requireFrom(root)).keys()]).toEqual(['raw-socket']);
  });

  it('missing (an optional dependency that did not install): an error that says how to install it', () => {
    const root = userProject({ rawSocket: false, nestedNan: false });
    let error: unknown;
    try {
      addonSources(requireFrom(root));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageBuildError);
    expect((error as Error).message).toMatch(/raw-socket.*optional dependency.*npm install raw-socket/);
  });
});
