// The evidence-folder file primitives never write through a link: a symbolic link (last component
// or a folder on the way) or a hard link to a file elsewhere is refused by name.
import { linkSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendCustody } from '../../src/evidence/custody.js';
import { mkdirPrivate, readFileNoFollow, writeFileDurableSync } from '../../src/evidence/files.js';
import { tempDir } from '../helpers/cli.js';

function setup(): { folder: string; outside: string } {
  const root = tempDir('nc-nofollow-');
  const folder = join(root, 'evidence');
  const outside = join(root, 'outside');
  mkdirSync(folder);
  mkdirSync(outside, { mode: 0o755 });
  writeFileSync(join(outside, 'victim'), 'untouched\n');
  return { folder, outside };
}

describe('no writes through links', () => {
  it('appendCustody refuses a custody.jsonl that is a symbolic link or a hard link', () => {
    const { folder, outside } = setup();
    symlinkSync(join(outside, 'victim'), join(folder, 'custody.jsonl'));
    expect(() => appendCustody(folder, { actor: 'x', action: 'y' })).toThrow(/custody\.jsonl is a symbolic link \(→ .*victim\)/);
    const other = setup();
    linkSync(join(other.outside, 'victim'), join(other.folder, 'custody.jsonl'));
    expect(() => appendCustody(other.folder, { actor: 'x', action: 'y' })).toThrow(/has 2 hard links/);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('untouched\n');
    expect(readFileSync(join(other.outside, 'victim'), 'utf8')).toBe('untouched\n');
  });

  it('a derived file in a folder that is a link, or a folder made where a link is, is refused; the target keeps its mode', () => {
    const { folder, outside } = setup();
    symlinkSync(outside, join(folder, 'parsed'));
    expect(() => writeFileDurableSync(join(folder, 'parsed/routes.json'), '[]')).toThrow(/parsed is a symbolic link/);
    expect(() => mkdirPrivate(join(folder, 'parsed'))).toThrow(/parsed is a symbolic link/);
    expect(statSync(outside).mode & 0o777).toBe(0o755);
    expect(() => readFileNoFollow(join(folder, 'parsed'))).toThrow(/symbolic link/);
  });

  it('replacing a file that is a link replaces the link, never its target', () => {
    const { folder, outside } = setup();
    symlinkSync(join(outside, 'victim'), join(folder, 'findings.json'));
    writeFileDurableSync(join(folder, 'findings.json'), '[]\n');
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('untouched\n');
    expect(readFileSync(join(folder, 'findings.json'), 'utf8')).toBe('[]\n');
  });
});
