// Process names as printed by a possibly compromised host: normalise them for comparisons and make
// them safe to show (control, bidi and zero-width characters become visible \u{...} escapes).

// C0/C1 controls, zero-width and bidi formatting characters (RTLO = T1036.002), BOM.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;
const INVISIBLE_TEST = new RegExp(INVISIBLE.source, 'u');

export function hasInvisible(text: string): boolean {
  return INVISIBLE_TEST.test(text);
}

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** Text fit for findings and the report: invisible characters shown as \u{XXXX}, length capped. */
export function safeText(raw: string | null | undefined, max = 160): string {
  if (raw === null || raw === undefined) return '';
  const visible = raw.replace(INVISIBLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}}`);
  return visible.length > max ? `${visible.slice(0, max)}…` : visible;
}

/** Last path component for '/' and '\' paths (Windows image paths, Linux exe links). */
export function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

/** True when the text looks like a file path rather than a bare name ("[kworker/0:1]" is a name). */
export function looksLikePath(text: string): boolean {
  return text.startsWith('/') || text.includes('\\');
}

/**
 * Comparison key of a process name: NFKC, invisible characters removed, lowercase, basename of paths,
 * first word of rewritten titles ("sshd: alice [priv]"), ".exe" and trailing dots/spaces dropped.
 */
export function procKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = stripInvisible(raw.normalize('NFKC')).trim().toLowerCase();
  if (looksLikePath(s)) s = basename(s);
  const title = /^([^\s:]+):(\s|$)/.exec(s);
  if (title?.[1]) s = title[1];
  s = s.replace(/[.\s]+$/, '');
  if (s.endsWith('.exe')) s = s.slice(0, -4).replace(/[.\s]+$/, '');
  return s === '' ? null : s;
}
