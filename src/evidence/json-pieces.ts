// JSON.stringify(value, null, 2) produced in pieces, byte for byte the same text: the arrays near the
// top (100k connections, per-process socket lists) are written element by element, each element
// stringified on its own, so the whole document never exists as one string.

// The document's own object and arrays down to this depth are opened up; everything inside (a
// connection, a process with its sockets) is stringified whole, which is fastest per element.
const OPEN_ARRAY_DEPTH = 2;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * JSON.stringify(value, null, 2) of a value nested at `indent` (two spaces per level): stringified
 * inside as many one-element arrays, whose brackets are then cut off, so JSON.stringify indents its
 * lines itself (cheaper than re-indenting the text).
 */
function whole(value: unknown, indent: string): string {
  const levels = indent.length / 2;
  if (levels === 0) return String(JSON.stringify(value, null, 2));
  let wrapped: unknown = value;
  for (let i = 0; i < levels; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Cut "[\n  " … "\n]" per level: 2 + 2i characters before, 2 + 2(i - 1) after.
  return text.slice(levels * 2 + levels * (levels + 1), text.length - (levels * 2 + levels * (levels - 1)));
}

export function writeJsonPieces(value: unknown, write: (piece: string) => void, indent = '', depth = 0): void {
  if (depth < OPEN_ARRAY_DEPTH && Array.isArray(value) && value.length > 0 && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const inner = `${indent}  `;
    for (let i = 0; i < value.length; i++) {
      write(i === 0 ? `[\n${inner}` : `,\n${inner}`);
      const item: unknown = value[i];
      if (isSkipped(item)) write('null');
      else writeJsonPieces(item, write, inner, depth + 1);
    }
    write(`\n${indent}]`);
    return;
  }
  if (depth === 0 && value !== null && typeof value === 'object' && !Array.isArray(value) && isPlainObject(value)) {
    const inner = `${indent}  `;
    let first = true;
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (isSkipped(item)) continue;
      write(`${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `);
      writeJsonPieces(item, write, inner, depth + 1);
      first = false;
    }
    write(first ? '{}' : `\n${indent}}`);
    return;
  }
  write(whole(value, indent));
}
