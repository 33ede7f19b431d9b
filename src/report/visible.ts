// Host strings in HTML: the markers of ../markers.ts, each wrapped in <span class="ctl">, and
// everything else HTML-escaped. Rule of thumb: raw host values (parsed/ records) go through
// visibleHost() once; sentences and fields made by analyze are already marked (safeText) and go
// through visible(), which leaves them unchanged.

import { INVISIBLE, INVISIBLE_WITH_TAB, marker, type VisibleOptions } from '../markers.js';

export { hasInvisible, marker, visible, visibleHost, type VisibleOptions } from '../markers.js';

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
