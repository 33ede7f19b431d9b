// The host session's two streams are split at framed lines: every step keeps its exact bytes
// whatever the chunk boundaries, and bytes that only look like a frame (another marker, no
// newline, too long) stay data.
import { describe, expect, it } from 'vitest';
import { FrameSplitter } from '../../src/collect/ssh/frames.js';
import { newMarker } from '../../src/collect/ssh/wrapper.js';

function split(marker: string, stream: Buffer, cut: (i: number) => number) {
  const parts: { data: Buffer[]; frames: string[][] } = { data: [], frames: [] };
  const events: (Buffer | string[])[] = [];
  const s = new FrameSplitter(marker, (b) => events.push(Buffer.from(b)), (f) => events.push(f));
  for (let i = 0; i < stream.length; ) {
    const n = Math.max(1, cut(i));
    s.push(stream.subarray(i, i + n));
    i += n;
  }
  s.end();
  // Adjacent data pieces joined: what each step's sink would hold between two frames.
  const out: (Buffer | string[])[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (Buffer.isBuffer(e) && Buffer.isBuffer(last)) out[out.length - 1] = Buffer.concat([last, e]);
    else out.push(e);
  }
  return out.map((e) => (Buffer.isBuffer(e) ? e.toString('latin1') : e));
}

describe('FrameSplitter', () => {
  const m = newMarker();
  const other = newMarker();
  const body1 = `a\u0000b\u00ff no newline at the end ${m.slice(0, 20)}`;
  const body2 = `${other} S 9 ${other}\n${m} S 1 (no newline)`;
  const stream = Buffer.from(`${m} S 1 ${m}\n${body1}${m} E 1 ${m}\n${m} S 2 ${m}\n${body2}${m} E 2 ${m}\n${m} C 1796349246.123456789 ${m}\n`, 'latin1');
  const want = [['S', '1'], body1, ['E', '1'], ['S', '2'], body2, ['E', '2'], ['C', '1796349246.123456789']];

  it('gives each step its exact bytes in one chunk, byte by byte and in random chunks', () => {
    expect(split(m, stream, () => stream.length)).toEqual(want);
    expect(split(m, stream, () => 1)).toEqual(want);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 97) + 1;
    for (let k = 0; k < 50; k++) expect(split(m, stream, rnd)).toEqual(want);
  });

  it('keeps a marker without a well-formed frame as data, also when the stream ends there', () => {
    const text = `x${m} S 1 ${'y'.repeat(600)}`;
    expect(split(m, Buffer.from(text, 'latin1'), () => 64)).toEqual([text]);
    const tail = `z${m} E 3`;
    expect(split(m, Buffer.from(tail, 'latin1'), () => 5)).toEqual([tail]);
  });
});
