// Where things are in a JSON array of objects: for each element, the line its "{" is on and the
// line of each of its keys. Lets a JSON document be cited line by line (older process-facts files).
// Call only on text JSON.parse accepted: the scan does not validate.

export interface ObjectLines {
  /** 1-based line of the element's "{" (or of the element itself when it is not an object). */
  start: number;
  /** Top-level key of the element → 1-based line of the key. */
  keys: Map<string, number>;
}

export function objectLines(text: string): ObjectLines[] {
  const out: ObjectLines[] = [];
  let line = 1;
  let depth = 0;
  let current: ObjectLines | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '"') {
      const start = line;
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          value += text.slice(j, j + 2);
          j += 2;
        } else {
          value += text[j];
          j++;
        }
      }
      i = j + 1;
      if (depth === 1) out.push({ start, keys: new Map() });
      // A string directly inside an element object, followed by ':' is one of its keys.
      if (depth === 2 && current) {
        let k = i;
        while (k < text.length && /\s/.test(text[k])) k++;
        if (text[k] === ':') current.keys.set(unescape(value), start);
      }
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 2) {
        current = { start: line, keys: new Map() };
        out.push(current);
      }
      i++;
    } else if (c === '}' || c === ']') {
      if (depth === 2) current = null;
      depth--;
      i++;
    } else {
      if (depth === 1 && !/[\s,]/.test(c)) {
        // A scalar element: keep positions aligned with the parsed array.
        out.push({ start: line, keys: new Map() });
        while (i < text.length && !/[\s,\]]/.test(text[i])) i++;
        continue;
      }
      i++;
    }
  }
  return out;
}

function unescape(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
