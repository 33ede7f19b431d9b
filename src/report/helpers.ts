// Handlebars helpers: UTC dates, severities (colour + label + symbol, readable in black and white),
// hashes that wrap cleanly, numbers and sizes. Helpers that return markup escape every input first.
import type { HelperDelegate } from 'handlebars';
import { SEVERITIES, type Severity } from '../model.js';
import { escapeHtml } from './visible.js';
import { Picture } from './svg-text.js';

type SafeStringCtor = new (html: string) => unknown;

/** Symbol fill grows with severity: the shape alone tells the level on a grayscale print. */
export const SEVERITY_STYLE: Record<Severity, { symbol: string; label: string }> = {
  info: { symbol: '○', label: 'INFO' },
  low: { symbol: '◔', label: 'LOW' },
  medium: { symbol: '◑', label: 'MEDIUM' },
  high: { symbol: '◕', label: 'HIGH' },
  critical: { symbol: '●', label: 'CRITICAL' },
};

const isSeverity = (v: unknown): v is Severity => typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);

/** "2025-03-14 09:26:53.589 UTC" from an ISO-8601 string or Date. */
export function utc(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) return String(value);
  return `${d.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

export function formatNumber(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US') : value === null || value === undefined ? '—' : String(value);
}

export function formatBytes(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let v = value;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${formatNumber(value)} bytes` : `${v.toFixed(1)} ${units[u]} (${formatNumber(value)} bytes)`;
}

export function cssEscape(text: string): string {
  return [...text].map((ch) => (/^[A-Za-z0-9 _.,:;+-]$/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `)).join('');
}

export function makeHelpers(SafeString: SafeStringCtor): Record<string, HelperDelegate> {
  const safe = (html: string): unknown => new SafeString(html);
  return {
    utc: (v: unknown) => utc(v),
    num: (v: unknown) => formatNumber(v),
    bytes: (v: unknown) => formatBytes(v),
    ms: (v: unknown) => (typeof v === 'number' ? `${formatNumber(Math.round(v))} ms` : '—'),
    /** Badge: symbol + upper-case label, coloured by class. */
    sev: (v: unknown) => {
      if (!isSeverity(v)) return '';
      const s = SEVERITY_STYLE[v];
      return safe(`<span class="sev sev-${v}"><span class="sev-sym">${s.symbol}</span>&#8239;${s.label}</span>`);
    },
    /** "F-0001, F-0002": each id unbreakable (a line may break after a comma, never after "F-"). */
    ids: (v: unknown) => safe(String(v ?? '').split(/,\s*/).filter(Boolean).map((id) => `<span class="nw">${escapeHtml(id)}</span>`).join(', ')),
    /** Compact mark for table rows: symbol + label. */
    sevMark: (v: unknown) => (isSeverity(v) ? `${SEVERITY_STYLE[v].symbol} ${SEVERITY_STYLE[v].label}` : ''),
    /** 64 hex digits as one word (a copied hash must be whole); it breaks only where it cannot fit a line. */
    hash: (v: unknown) => {
      if (v === null || v === undefined || v === '') return '—';
      const text = String(v);
      if (!/^[0-9a-fA-F]+$/.test(text)) return text;
      return safe(`<span class="hash">${text}</span>`);
    },
    /** A picture netcustody drew (svg-text.ts Picture); anything else prints nothing. */
    picture: (v: unknown) => (v instanceof Picture ? safe(v.markup) : ''),
    eq: (a: unknown, b: unknown) => a === b,
    gt: (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'number' && a > b,
    not: (a: unknown) => !a,
    or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
    inc: (v: unknown) => (typeof v === 'number' ? v + 1 : v),
    join: (list: unknown, sep: unknown) => (Array.isArray(list) ? list.map(String).join(typeof sep === 'string' ? sep : ', ') : ''),
    plural: (n: unknown, one: unknown, many: unknown) => `${formatNumber(n)} ${n === 1 ? String(one) : String(many)}`,
    yesno: (v: unknown) => (v === true ? 'yes' : v === false ? 'no' : 'unknown'),
    /** A CSS string body (inside "..."): anything but plain characters as hex escapes, so no quote,
     * backslash, newline or "</style" can leave the string. */
    cssString: (v: unknown) => safe(cssEscape(String(v ?? ''))),
    /** Escaped text with a break opportunity after path separators (long artifact paths). */
    path: (v: unknown) => safe(escapeHtml(String(v ?? '')).replace(/([/\\])/g, '$1<wbr>')),
  };
}
