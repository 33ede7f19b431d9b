// `run` and `collect` read the host's clock state (timedatectl, chronyc) while the collector's modules
// load, without blocking: the same facts as the synchronous probe, read before any capture command.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clockInfo, clockInfoAsync } from '../../src/collect/host.js';
import { runCli, tempDir } from '../helpers/cli.js';

const withoutTime = <T extends { systemUtc: string }>(c: T) => ({ ...c, systemUtc: undefined });

describe('clock facts read ahead of the capture', () => {
  it('gives what the synchronous probe gives on this host, read when it was called', async () => {
    const before = Date.now();
    const ahead = await clockInfoAsync();
    const sync = clockInfo();
    expect(withoutTime(ahead)).toEqual(withoutTime(sync));
    expect(Date.parse(ahead.systemUtc)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(ahead.systemUtc)).toBeLessThanOrEqual(Date.parse(sync.systemUtc));
  });

  it('collect and run record the clock read after they started and before the first capture command', async () => {
    for (const command of ['collect', 'run'] as const) {
      const out = tempDir('nc-clock-');
      const started = Date.now();
      const r = await runCli([command, '--out', out, '--case', 'clock', '--examiner', 'T', '--json', '--quiet']);
      expect(r.exitCode, r.stderr).toBe(0);
      const dir = (JSON.parse(r.stdout) as { evidenceDir: string }).evidenceDir;
      const acq = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8')) as { clock: { systemUtc: string; source: string }; commands: { start: string }[] };
      expect(withoutTime(acq.clock)).toEqual(withoutTime(clockInfo()));
      const read = Date.parse(acq.clock.systemUtc);
      expect(read).toBeGreaterThanOrEqual(started);
      expect(read).toBeLessThanOrEqual(Math.min(...acq.commands.map((c) => Date.parse(c.start))));
    }
  }, 120_000);
});
