// Durable writers and the file hasher used for parsed/* and the custody log, checked against an
// independent reader and `sha256sum`.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256FileSync, writeTextDurableSync } from '../../src/evidence/files.js';
import { tempDir } from '../helpers/cli.js';

const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];

describe('writeTextDurableSync', () => {
  it('writes exactly the UTF-8 of the pieces, across buffer boundaries and for oversized pieces', () => {
    const dir = tempDir('nc-files-');
    // Multi-byte characters land on the 1 MiB buffer boundary; one piece is larger than the buffer.
    const pieces: (string | Uint8Array)[] = [];
    for (let i = 0; i < 40_000; i++) pieces.push(i % 7 === 0 ? `Ä€😀 ${i}\n` : `row ${i}, ABHÖREN\n`);
    pieces.push('x'.repeat(1_500_000), Buffer.from([0, 1, 2, 255]), 'ende €\n');
    const path = join(dir, 'out.txt');
    writeTextDurableSync(path, (write) => {
      for (const p of pieces) write(p);
    });
    const expected = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
    expect(readFileSync(path).equals(expected)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('joins small pieces without changing a byte: halves of a surrogate pair in two pieces stay two U+FFFD', () => {
    const dir = tempDir('nc-files-');
    // Host text can hold lone surrogates; each piece encoded on its own turns one into EF BF BD.
    // Joined before encoding, "\ud83d" + "\ude00" would become one 😀: the writer must not join them.
    const pieces: (string | Uint8Array)[] = ['a\ud83d', '\ude00b', '', 'c\ud83d', Buffer.from([0x2c]), '\ude00', 'x'.repeat(16_383), '\ud83d', '\ude00', '😀'];
    for (let i = 0; i < 5_000; i++) pieces.push(i % 11 === 0 ? '\udc00,' : `{"n":${i}}`, i % 13 === 0 ? '\ud800' : ',\n');
    const path = join(dir, 'out.txt');
    writeTextDurableSync(path, (write) => {
      for (const p of pieces) write(p);
    });
    const expected = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
    expect(readFileSync(path).equals(expected)).toBe(true);
    expect(readFileSync(path).subarray(0, 8).toString('hex')).toBe('61efbfbdefbfbd62');
    expect(sha256FileSync(path)).toBe(sha256sum(path));
  });
});

describe('sha256FileSync', () => {
  it('agrees with sha256sum for an empty file, a small one and one of several buffers', () => {
    const dir = tempDir('nc-files-');
    const files = { empty: Buffer.alloc(0), small: Buffer.from('netstat\n'), large: Buffer.alloc(3 * (1 << 20) + 17, 0x61) };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      expect(sha256FileSync(path)).toBe(sha256sum(path));
    }
  });
});
