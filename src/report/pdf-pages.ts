// Page count of a PDF from its page tree (/Root → /Pages → /Count).
import { isDict, isRef } from './pdf-objects.js';
import { readStructure, resolve } from './pdf-structure.js';

export function countPages(pdf: Buffer): number {
  const structure = readStructure(pdf);
  const catalog = resolve(structure, structure.trailer.entries.get('Root'));
  if (!isDict(catalog)) return 0;
  const pagesRef = catalog.entries.get('Pages');
  const pages = isRef(pagesRef) ? resolve(structure, pagesRef) : undefined;
  const count = isDict(pages) ? pages.entries.get('Count') : undefined;
  return typeof count === 'number' ? count : 0;
}
