// Host strings are hostile: control, bidi and invisible characters become visible `\u202E`-style
// markers, so a court (and a terminal) sees exactly which code points the host printed. One set of
// characters and one marker format for the report, the findings' sentences and the terminal.

// C0/C1 controls (tab optional), DEL, soft hyphen, invisible fillers, bidi marks/embeddings/overrides/
// isolates, zero-width characters, line/paragraph separators, BOM, interlinear annotation, tag
// characters, and unpaired surrogates (invalid UTF-16 from bad input).
const INVISIBLE_CLASS =
  '\\u000A-\\u001F\\u007F-\\u009F\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2028\\u2029\\u2060-\\u206F\\u3164\\uFEFF\\uFFA0\\uFFF9-\\uFFFB\\u{E0000}-\\u{E007F}\\uD800-\\uDFFF';
/** Everything but tab (kept in verbatim raw text). */
export const INVISIBLE = new RegExp(`[\\u0000-\\u0008${INVISIBLE_CLASS}]`, 'gu');
/** Including tab (names and fields). */
export const INVISIBLE_WITH_TAB = new RegExp(`[\\u0000-\\u0009${INVISIBLE_CLASS}]`, 'gu');
const INVISIBLE_TEST = new RegExp(INVISIBLE_WITH_TAB.source, 'u');

export function marker(codePoint: number): string {
  const hex = codePoint.toString(16).toUpperCase();
  return codePoint > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

export interface VisibleOptions {
  /** Keep tabs as tabs (verbatim raw output); names and fields always mark them. */
  keepTabs?: boolean;
}

/** Replace every invisible or control code point with its marker, e.g. "a\u202Eb" → "a\\u202Eb". */
export function visible(text: string, opts: VisibleOptions = {}): string {
  const re = opts.keepTabs ? INVISIBLE : INVISIBLE_WITH_TAB;
  return text.replace(re, (ch) => marker(ch.codePointAt(0)!));
}

/**
 * Host text: like visible(), and a literal backslash the host printed before "u0041" or "u{...}" is
 * itself marked (\u005C), so a printed "\u202E" can never pass for a marker. Apply it once: text it
 * returns is final (render it with visible(), which leaves it unchanged).
 */
export function visibleHost(text: string, opts: VisibleOptions = {}): string {
  return visible(text.replace(/\\(?=u(\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{4}))/g, '\\u005C'), opts);
}

/** Whether a string holds anything visible() would mark. */
export function hasInvisible(text: string): boolean {
  return INVISIBLE_TEST.test(text);
}

/** The string without its invisible and control characters (for comparing names). */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE_WITH_TAB, '');
}

/**
 * JSON text in which every invisible or control character of a string is a \uXXXX escape (bidi
 * overrides included, which JSON.stringify leaves raw): a JSON reader decodes the same string.
 */
export function jsonSafe(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent) ?? 'null';
  // JSON.stringify already escapes C0 controls inside strings; a raw one here is the indentation's
  // whitespace. Everything else matched lies inside a string (JSON has no other non-ASCII).
  return text.replace(INVISIBLE, (ch) => {
    if (ch < ' ') return ch;
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
