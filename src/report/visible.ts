// Host strings are hostile: control, bidi and invisible characters become visible `\u202E`-style
// markers before any escaping, so a court sees exactly which code points the host printed.

// C0/C1 controls (tab optional), DEL, soft hyphen, invisible fillers, bidi marks/embeddings/overrides/
// isolates, zero-width characters, line/paragraph separators, BOM, interlinear annotation, tag
// characters, and unpaired surrogates (invalid UTF-16 from bad input).
const INVISIBLE_CLASS =
  '\\u000A-\\u001F\\u007F-\\u009F\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2028\\u2029\\u2060-\\u206F\\u3164\\uFEFF\\uFFA0\\uFFF9-\\uFFFB\\u{E0000}-\\u{E007F}\\uD800-\\uDFFF';
/** Everything but tab (kept in verbatim raw text). */
const INVISIBLE = new RegExp(`[\\u0000-\\u0008${INVISIBLE_CLASS}]`, 'gu');
/** Including tab (names and fields). */
const INVISIBLE_WITH_TAB = new RegExp(`[\\u0000-\\u0009${INVISIBLE_CLASS}]`, 'gu');

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
 * itself marked (\u005C), so a printed "\u202E" can never pass for a marker.
 */
export function visibleHost(text: string, opts: VisibleOptions = {}): string {
  return visible(text.replace(/\\(?=u(\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{4}))/g, '\\u005C'), opts);
}

/** Whether a string holds anything visible() would mark. */
export function hasInvisible(text: string): boolean {
  INVISIBLE_WITH_TAB.lastIndex = 0;
  return INVISIBLE_WITH_TAB.test(text);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Host text as HTML: markers made visible and wrapped in <span class="ctl"> so they stand apart from
 * a literal backslash the host may have printed; everything else escaped.
 */
export function visibleHtml(text: string, opts: VisibleOptions = {}): string {
  const re = opts.keepTabs ? INVISIBLE : INVISIBLE_WITH_TAB;
  let out = '';
  let last = 0;
  re.lastIndex = 0;
  for (const m of text.matchAll(re)) {
    out += escapeHtml(text.slice(last, m.index));
    out += `<span class="ctl">${escapeHtml(marker(m[0].codePointAt(0)!))}</span>`;
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}
