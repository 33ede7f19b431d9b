// The parse benchmark's child process on a small generated capture: it must keep reporting every
// record and figure (the timing values themselves are only printed by `npm run bench`, never asserted).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { generateLinuxNetstat } from '../../src/parse/linux-netstat-gen.js';
import { generateWindowsNetstat } from '../../src/parse/windows-netstat-gen.js';
import { REPO, tempDir } from '../helpers/cli.js';

const CHILD = join(REPO, 'dist/bench/parse-child.js');

describe('parse benchmark child', () => {
  for (const [name, generate] of [['linux', generateLinuxNetstat], ['windows', generateWindowsNetstat]] as const) {
    it(`reports cold, steady, floor and memory figures for a ${name} capture`, async () => {
      const file = join(tempDir('nc-bench-'), `${name}.txt`);
      writeFileSync(file, generate(2000));
      const r = await execa(process.execPath, ['--expose-gc', CHILD, file]);
      const figures = JSON.parse(r.stdout) as Record<string, number>;
      expect(figures.records).toBe(2000);
      expect(figures.unparsed).toBe(0);
      for (const key of ['parseMs', 'coldMs', 'floorMs', 'bytes', 'peakRssOverBaseline']) expect(figures[key]).toBeGreaterThan(0);
    });
  }
});
