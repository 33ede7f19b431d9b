import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, hasInvisible, visible, visibleHost, visibleHtml } from '../../src/report/visible.js';
import { loadTemplates, safeCss } from '../../src/report/templates.js';
import { makeHelpers, utc } from '../../src/report/helpers.js';
import Handlebars from 'handlebars';

describe('visible', () => {
  it('turns controls, ANSI, bidi and zero-width characters into markers', () => {
    expect(visible('red\u001b[31mX')).toBe('red\\u001B[31mX');
    expect(visible('a\u202Eb')).toBe('a\\u202Eb');
    expect(visible('nul\u0000\u0007')).toBe('nul\\u0000\\u0007');
    expect(visible('zw\u200B\u200D\uFEFF')).toBe('zw\\u200B\\u200D\\uFEFF');
    expect(visible('tag\u{E0041}')).toBe('tag\\u{E0041}');
    expect(visible('lone\uD800x')).toBe('lone\\uD800x');
    expect(visible('line\nbreak\r')).toBe('line\\u000Abreak\\u000D');
    expect(visible('tab\there')).toBe('tab\\u0009here');
    expect(visible('tab\there', { keepTabs: true })).toBe('tab\there');
  });

  it('leaves ordinary text alone, including punctuation, accents and emoji', () => {
    for (const s of ['svchost.exe', 'edge-proxy-01', 'C:\\Windows\\System32\\svchost.exe', 'ABHÖREN', '[fe80::1%eth0]:22', 'naïve 名前 🙂', '0.0.0.0:*']) expect(visible(s)).toBe(s);
  });

  it('marks a literal backslash-u sequence the host printed, so it cannot pass for a marker', () => {
    expect(visibleHost('fake\\u202E')).toBe('fake\\u005Cu202E');
    expect(visibleHost('C:\\users\\bob')).toBe('C:\\users\\bob');
    expect(visibleHost('real\u202E')).toBe('real\\u202E');
  });

  it('never leaves an invisible character and is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const v = visible(s);
        expect(hasInvisible(v)).toBe(false);
        expect(visible(v)).toBe(v);
      }),
      { numRuns: 500 },
    );
  });

  it('escapes HTML after marking', () => {
    expect(escapeHtml('"><img src=x>')).toBe('&quot;&gt;&lt;img src&#x3D;x&gt;');
    expect(visibleHtml('<b>\u202E')).toBe('&lt;b&gt;<span class="ctl">\\u202E</span>');
  });
});

describe('template helpers and environment', () => {
  const helpers = makeHelpers(Handlebars.SafeString);
  it('formats UTC dates, sizes, severities and hashes', () => {
    expect(utc('2025-03-14T09:26:53.589Z')).toBe('2025-03-14 09:26:53.589 UTC');
    expect(utc(null)).toBe('—');
    expect(helpers.bytes(1536)).toBe('1.5 KiB (1,536 bytes)');
    expect(String(helpers.sev('high'))).toBe('<span class="sev sev-high"><span class="sev-sym">◕</span>&#8239;HIGH</span>');
    expect(helpers.sev('<script>')).toBe('');
    // One word: a hash copied from the report must come out whole (issue 12 item 10).
    expect(String(helpers.hash('a'.repeat(64)))).toBe(`<span class="hash">${'a'.repeat(64)}</span>`);
    expect(helpers.hash('<b>not hex</b>')).toBe('<b>not hex</b>'); // a plain string: Handlebars escapes it
  });

  it('escapes report ids for CSS strings (running header and footer)', () => {
    expect(String(helpers.cssString('NCR-1'))).toBe('NCR-1');
    expect(String(helpers.cssString('a"b</style>\\'))).toBe('a\\22 b\\3c \\2f style\\3e \\5c ');
  });

  it('keeps a stylesheet from closing its <style> element', () => {
    expect(safeCss('a{} </style><script>x</script>')).toBe('a{} <\\/style><script>x</script>');
  });

  it('has no triple-stash in the shipped templates and compiles them in strict mode', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { DEFAULT_TEMPLATE_DIR } = await import('../../src/report/templates.js');
    const files = ['report.hbs', ...readdirSync(join(DEFAULT_TEMPLATE_DIR, 'partials')).map((f) => join('partials', f)), 'case/report.hbs', ...readdirSync(join(DEFAULT_TEMPLATE_DIR, 'case/partials')).map((f) => join('case/partials', f))];
    for (const f of files) expect(readFileSync(join(DEFAULT_TEMPLATE_DIR, f), 'utf8')).not.toContain('{{{');
    expect(loadTemplates().dir).toBe(DEFAULT_TEMPLATE_DIR);
  });
});
