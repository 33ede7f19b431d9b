import { describe, expect, it } from 'vitest';
import { reportHashClaims } from '../../src/bundle/report-hashes.js';

const A = 'a'.repeat(16) + 'b'.repeat(16) + 'c'.repeat(16) + 'd'.repeat(16);
const B = '0123456789abcdef'.repeat(4);
const wbr = (hash: string): string => `<span class="hash">${hash.match(/.{16}/g)!.join('<wbr>')}</span>`;

describe('reportHashClaims', () => {
  it('reads path and hash through the <wbr> break opportunities the report inserts', () => {
    const html = `<table class="kv"><tr><th>Standard output</th><td>raw/<wbr>01-netstat.stdout · 1,234 bytes<br>SHA-256 ${wbr(A)}</td></tr>
<tr><th>Standard error</th><td>raw/<wbr>01-netstat.stderr · 0 bytes<br>SHA-256 ${wbr(B.toUpperCase())}</td></tr></table>
<p class="small">raw/<wbr>01-netstat.stdout · 1.2 KB · utf-8 · SHA-256 ${wbr(A)}</p>`;
    expect(reportHashClaims(html, ['raw/01-netstat.stdout', 'raw/01-netstat.stderr'])).toEqual([
      { path: 'raw/01-netstat.stdout', sha256: A },
      { path: 'raw/01-netstat.stderr', sha256: B },
      { path: 'raw/01-netstat.stdout', sha256: A },
    ]);
  });

  it('does not take a hash from another row, another file with a longer name, or far away', () => {
    const html = `<tr><td>raw/01-x.stdout</td><td>—</td></tr><tr><td>${A}</td></tr>
<tr><td>raw/01-x.stdout.1 ${B}</td></tr><p>raw/01-x.stdout ${'x'.repeat(500)} ${B}</p>`;
    expect(reportHashClaims(html, ['raw/01-x.stdout'])).toEqual([]);
  });
});
