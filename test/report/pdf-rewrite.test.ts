// The joiner's byte-level copy of an object (pdf-rewrite.ts): only references, parent-tree keys and
// structure ids change; text that merely looks like them inside strings and comments never does.
import { describe, expect, it } from 'vitest';
import { parseValue, serialize } from '../../src/report/pdf-objects.js';
import { rewriteValue, type Rewrite } from '../../src/report/pdf-rewrite.js';

const rw: Rewrite = { base: 100, keyOffset: 40, idPrefix: Buffer.from('p2-'), over: new Map([[7, 3]]) };
const run = (src: string, r: Rewrite = rw) => rewriteValue(src, 0, r).head;
/** Both forms mean the same to a PDF reader. */
const same = (a: string, b: string) => expect(serialize(parseValue(Buffer.from(a, 'latin1'), 0).value)).toBe(serialize(parseValue(Buffer.from(b, 'latin1'), 0).value));

describe('rewriteValue', () => {
  it('renumbers references and sends the replaced root to its new number', () => {
    same(run('<</Type /StructElem /S /P /P 7 0 R /K [12 0 R 3 4 R 5] /Pg 9 0 R>>'), '<</Type /StructElem /S /P /P 3 0 R /K [112 0 R 103 0 R 5] /Pg 109 0 R>>');
    expect(run('[1 0 R 2 0 R]')).toBe('[101 0 R 102 0 R]');
    expect(run('42')).toBe('42');
  });

  it('leaves strings, hex strings, names and comments alone even when they look like references or keys', () => {
    const hostile = '<</Title (evil 1 0 R \\) /StructParents 5 \\( (nested 2 0 R) /ID \\(x\\)) /T <31203020522f4944> /N#20x 3 0 R %4 0 R /ID (c)\n/U (a\\\\) /V 8 0 R>>';
    same(run(hostile), '<</Title (evil 1 0 R \\) /StructParents 5 \\( (nested 2 0 R) /ID \\(x\\)) /T <31203020522f4944> /N#20x 103 0 R /U (a\\\\) /V 108 0 R>>');
  });

  it('moves parent-tree keys on and prefixes structure ids and the ids a cell names as its headers', () => {
    same(run('<</Type /Page /StructParents 3 /Annots [<</Subtype /Link /StructParent 0>>]>>'), '<</Type /Page /StructParents 43 /Annots [<</Subtype /Link /StructParent 40>>]>>');
    same(
      run('<</Type /StructElem /S /TD /P 1 0 R /ID (node1) /A [<</O /Table /Headers [(node0) <6e6f646532>]>> 0]>>'),
      '<</Type /StructElem /S /TD /P 101 0 R /ID (p2-node1) /A [<</O /Table /Headers [(p2-node0) (p2-node2)]>> 0]>>',
    );
    // An /ID outside a structure element (not one Chromium writes, but possible) is left as it is.
    same(run('<</Type /Foo /ID (node1)>>'), '<</Type /Foo /ID (node1)>>');
    // An untagged join changes no id and no key.
    same(run('<</Type /StructElem /S /P /P 1 0 R /ID (n) /StructParents 2>>', { base: 0, keyOffset: 0, idPrefix: null }), '<</Type /StructElem /S /P /P 1 0 R /ID (n) /StructParents 2>>');
  });

  it('stops at the end of the value and refuses what it cannot read', () => {
    const r = rewriteValue('<</A 1 0 R>>\nstream\nxx', 0, rw);
    expect(r.end).toBe(12);
    expect(() => run('<</A (open')).toThrow(/PDF part/);
    expect(() => run('<</A [1 2>>')).toThrow(/PDF part/);
  });
});
