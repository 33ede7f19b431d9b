// Custody events in time order (issue 12 item 3): a real collection on this host runs the commands of
// a group concurrently; their ends and hashes must still be logged in the order they happened.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/index.js';
import { tempDir } from '../helpers/cli.js';

describe('custody log of a real collection', () => {
  it('lists its events in time order, three runs in a row', async () => {
    for (let run = 0; run < 3; run++) {
      const { dir } = await collect({ out: tempDir('nc-order-'), caseId: 'ORDER', examiner: 'Jane Doe', timeoutMs: 30_000, profile: 'auto' });
      const events = readFileSync(join(dir, 'custody.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; time: string; action: string });
      expect(events.filter((e) => e.action === 'command finished').length).toBeGreaterThan(3);
      for (let i = 1; i < events.length; i++) {
        expect(events[i].time >= events[i - 1].time, `#${events[i].seq} ${events[i].action} ${events[i].time} is before #${events[i - 1].seq} ${events[i - 1].action} ${events[i - 1].time}`).toBe(true);
      }
    }
  });
});
