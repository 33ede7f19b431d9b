// Process names as printed by a possibly compromised host: normalise them for comparisons and make
// them safe to show (control, bidi and zero-width characters become visible \u202E-style markers).

import { stripInvisible, visibleHost } from '../markers.js';

export { hasInvisible, stripInvisible } from '../markers.js';

/**
 * Text fit for findings and the report: invisible characters shown as \u202E-style markers (the
 * report's own format, a host-printed "\u..." marked as \u005C), length capped. The result is final:
 * the report prints it with visible(), never visibleHost() again.
 */
export function safeText(raw: string | null | undefined, max = 160): string {
  if (raw === null || raw === undefined) return '';
  const shown = visibleHost(raw);
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
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

/**
 * Like procKey() but without NFKC or invisible-character removal: for the allow-list, where a name
 * that only matches after normalisation (full-width "ｓｖｃｈｏｓｔ", "svc\u200Bhost") is a different
 * program and must not be suppressed with the real one.
 */
export function strictProcKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim().toLowerCase();
  if (looksLikePath(s)) s = basename(s);
  const title = /^([^\s:]+):(\s|$)/.exec(s);
  if (title?.[1]) s = title[1];
  if (s.endsWith('.exe')) s = s.slice(0, -4);
  return s === '' ? null : s;
}
