// Text inside the SVG pictures of the reports (the host report's lead picture, the case graph): host
// text made visible (control and bidi characters as markers), cut to fit a line, and XML-escaped.
import { visibleHost } from '../markers.js';

export function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Host text, visible and cut to `max` characters (the tables hold it whole). */
export function fit(text: string, max: number): string {
  const v = visibleHost(text);
  return v.length > max ? `${v.slice(0, max - 1)}…` : v;
}
