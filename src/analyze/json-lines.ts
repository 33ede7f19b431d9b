// A small JSON reader that remembers the line of every object, so allow-list errors can name the
// line of the offending entry ("allow.json line 12: entries[2].severity ..."). Standard JSON only.
// Objects have no prototype ("__proto__" is an ordinary key, never a prototype change) and a key
// given twice is an error: the second value would silently replace what the examiner reviewed.

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export interface LocatedJson {
  value: unknown;
  /** Line (1-based) where each object or array starts. */
  lineOf: WeakMap<object, number>;
}

export function parseJsonWithLines(text: string): LocatedJson {
  const lineOf = new WeakMap<object, number>();
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(what, line, pos - lineStart + 1);
  };
  const skip = (): void => {
    while (pos < text.length) {
      const c = text[pos];
      if (c === '\n') {
        line++;
        lineStart = pos + 1;
      } else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      pos++;
    }
  };
  const expect = (c: string): void => {
    skip();
    if (text[pos] !== c) fail(`expected '${c}' but found ${text[pos] === undefined ? 'end of file' : `'${text[pos]}'`}`);
    pos++;
  };

  const parseString = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      const c = text[pos++];
      if (c === undefined) return fail('unterminated string');
      if (c === '"') return out;
      if (c === '\n') return fail('newline inside a string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[pos++];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && simple[e] !== undefined) out += simple[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos, pos + 4))) {
        out += String.fromCharCode(parseInt(text.slice(pos, pos + 4), 16));
        pos += 4;
      } else fail(`bad escape '\\${e ?? ''}'`);
    }
  };

  const parseValue = (depth: number): unknown => {
    if (depth > 64) fail('nested too deeply');
    skip();
    const c = text[pos];
    if (c === '{') {
      const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      lineOf.set(obj, line);
      pos++;
      skip();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skip();
        const keyLine = line;
        const keyColumn = pos - lineStart + 1;
        const key = parseString();
        if (Object.prototype.hasOwnProperty.call(obj, key)) throw new JsonSyntaxError(`key "${key}" appears twice in one object`, keyLine, keyColumn);
        expect(':');
        obj[key] = parseValue(depth + 1);
        skip();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect('}');
        return obj;
      }
    }
    if (c === '[') {
      const arr: unknown[] = [];
      lineOf.set(arr, line);
      pos++;
      skip();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skip();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect(']');
        return arr;
      }
    }
    if (c === '"') return parseString();
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(pos, pos + 64));
    if (!lit) return fail(c === undefined ? 'unexpected end of file' : `unexpected '${c}'`);
    pos += lit[0].length;
    if (lit[0] === 'true') return true;
    if (lit[0] === 'false') return false;
    if (lit[0] === 'null') return null;
    return Number(lit[0]);
  };

  const value = parseValue(0);
  skip();
  if (pos < text.length) fail(`unexpected '${text[pos]}' after the end of the document`);
  return { value, lineOf };
}
