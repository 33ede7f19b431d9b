// Cutting a large report's html into parts (print-parts.ts): only the template's marks cut, host text
// never does, and every part can print the links and destinations that cross a cut.
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { groupSegments, PART_MARK, splitHtml } from '../../src/report/print-parts.js';

// Host text goes through Handlebars' escaping, as in the report templates.
const page = Handlebars.compile(`<!doctype html><html><head><title>{{host}}</title></head><body>
<section id="cover"><a href="#connections">Connections</a> <a href="#summary">Summary</a></section>
<section id="summary"><p>{{host}}</p></section>${PART_MARK}
<section id="connections"><pre>{{host}}</pre></section>${PART_MARK}
<section id="processes"><a href="#summary">back</a></section>
</body></html>`);

describe('splitHtml', () => {
  it('cuts only at the template marks: a host that prints the mark or a link does not cut or add one', () => {
    const hostile = `${PART_MARK}<body></body><a href="#processes">x</a> id="connections"`;
    const parts = splitHtml(page({ host: hostile }));
    expect(parts?.docs).toHaveLength(3);
    expect(parts!.docs[1]).toContain('&lt;!--netcustody:print-part--&gt;');
    // Only the template's own targets are owned: #processes is linked by host text alone.
    expect([...parts!.owners]).toEqual([['summary', 0], ['connections', 1]]);
  });

  it('gives each part its own targets and a stand-in for a target in another part, and no page number box', () => {
    const { docs } = splitHtml(page({ host: 'web-01' }))!;
    expect(docs[0]).toContain('<a href="#summary" aria-hidden="true"></a><i id="connections" aria-hidden="true"></i></body>');
    expect(docs[1]).toContain('<a href="#connections" aria-hidden="true"></a></body>');
    expect(docs[2]).toContain('<i id="summary" aria-hidden="true"></i>');
    for (const d of docs) {
      expect(d).toMatch(/^<!doctype html><html><head><title>web-01<\/title><style>@page \{ @bottom-right \{ content: none; \} \}<\/style>\n<\/head><body>/);
      expect(d.trimEnd().endsWith('</body>\n</html>')).toBe(true);
    }
  });

  it('groups the cuts into at most N parts of about equal size, in order, nothing lost', () => {
    expect(groupSegments(['a', 'bb', 'cccccc', 'dddddd'], 2)).toEqual(['abbcccccc'.slice(0, 3) + 'cccccc', 'dddddd']);
    expect(groupSegments(['aaaaaaaa', 'b', 'c', 'd'], 2)).toEqual(['aaaaaaaa', 'bcd']);
    expect(groupSegments(['a', 'b'], 5)).toEqual(['a', 'b']);
    expect(groupSegments(['a', 'b', 'c'], 1)).toEqual(['abc']);
    const { docs } = splitHtml(page({ host: 'web-01' }), 2)!;
    expect(docs).toHaveLength(2);
    expect(splitHtml(page({ host: 'web-01' }), 1)).toBeNull();
  });

  it('leaves a template without marks to print in one piece', () => {
    expect(splitHtml('<html><head></head><body><p>one</p></body></html>')).toBeNull();
  });
});
