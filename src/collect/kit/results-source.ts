// Reading kit results without being fooled: a folder (regular files only, no links, no subfolders)
// or a tar read by a strict reader of our own (ustar headers; only regular files and one top folder;
// no absolute paths, no '..', no links or devices, no duplicates, checksums checked).
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { EvidenceError } from '../../evidence/folder.js';

export interface KitResults {
  kind: 'folder' | 'tar';
  /** Absolute path given. */
  path: string;
  /** Name of the results folder (the folder itself, or the tar's top folder). */
  name: string;
  files: Map<string, Buffer>;
  /** SHA-256 of the tar file as received. */
  sha256: string | null;
}

/** Results are small (a few MB); anything far larger is not a kit's output. */
const MAX_TOTAL = 2 * 1024 * 1024 * 1024;

export function readKitResults(path: string): KitResults {
  const full = resolve(path);
  let st;
  try {
    st = lstatSync(full);
  } catch {
    throw new EvidenceError(`${full}: no such file or folder`, undefined, 1);
  }
  if (st.isSymbolicLink()) throw new EvidenceError(`${full}: is a symbolic link: give the results folder or tar itself`, undefined, 1);
  if (st.isDirectory()) return readFolder(full);
  if (st.isFile()) return readTar(full);
  throw new EvidenceError(`${full}: not a folder or a regular file`, undefined, 1);
}

function readFolder(dir: string): KitResults {
  const files = new Map<string, Buffer>();
  let total = 0;
  for (const name of readdirSync(dir).sort()) {
    const p = `${dir}/${name}`;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) throw new EvidenceError(`${p}: is a symbolic link: kit results hold only regular files; refused`, 'a kit never writes links: the results were changed after the run', 1);
    if (!st.isFile()) throw new EvidenceError(`${p}: is ${st.isDirectory() ? 'a folder' : 'not a regular file'}: kit results hold only regular files; refused`, undefined, 1);
    total += st.size;
    if (total > MAX_TOTAL) throw new EvidenceError(`${dir}: more than ${MAX_TOTAL} bytes: not the results of a kit`, undefined, 1);
    const fd = openSync(p, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      if (!fstatSync(fd).isFile()) throw new EvidenceError(`${p}: not a regular file; refused`, undefined, 1);
      files.set(name, readFileSync(fd));
    } finally {
      closeSync(fd);
    }
  }
  return { kind: 'folder', path: dir, name: basename(dir), files, sha256: null };
}

function readTar(path: string): KitResults {
  const buf = readFileSync(path);
  if (buf.length > MAX_TOTAL) throw new EvidenceError(`${path}: more than ${MAX_TOTAL} bytes: not the results of a kit`, undefined, 1);
  const fail = (offset: number, why: string): never => {
    throw new EvidenceError(`${path}: ${why} (tar header at byte ${offset}); refused`, 'pack the results folder with `tar cf RESULTS.tar netcustody-kit_…` and nothing else', 1);
  };
  const files = new Map<string, Buffer>();
  let top: string | null = null;
  let off = 0;
  let ended = false;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) {
      ended = true;
      break;
    }
    const field = (a: number, n: number): string => {
      const s = h.subarray(a, a + n);
      const z = s.indexOf(0);
      return s.subarray(0, z < 0 ? n : z).toString('latin1');
    };
    const octal = (a: number, n: number): number => {
      const t = field(a, n).trim();
      if (!/^[0-7]+$/.test(t)) fail(off, 'a number field is not octal');
      return parseInt(t, 8);
    };
    const sum = octal(148, 8);
    let check = 0;
    for (let i = 0; i < 512; i++) check += i >= 148 && i < 156 ? 32 : h[i];
    if (check !== sum) fail(off, 'header checksum does not match: not a tar, or a damaged one');
    const prefix = field(345, 155);
    const name = (h.subarray(257, 262).toString('latin1') === 'ustar' && prefix ? `${prefix}/` : '') + field(0, 100);
    const type = String.fromCharCode(h[156] || 0x30);
    const size = octal(124, 12);
    const data = off + 512;
    if (data + size > buf.length) fail(off, `${JSON.stringify(name)} is cut short`);
    if (name.startsWith('/')) fail(off, `${JSON.stringify(name)}: absolute path`);
    const parts = name.replace(/\/+$/, '').split('/');
    if (parts.some((p) => p === '..' || p === '.' || p === '')) {
      if (!(parts.length === 1 && parts[0] === '.')) fail(off, `${JSON.stringify(name)}: '..', '.' or an empty part in the path`);
    }
    if (type === '5') {
      if (parts.length !== 1) fail(off, `${JSON.stringify(name)}: a folder inside the results folder`);
      if (parts[0] !== '.') top = setTop(top, parts[0], off, fail);
    } else if (type === '0' || type === '7') {
      if (parts.length > 2) fail(off, `${JSON.stringify(name)}: a file below a subfolder`);
      const file = parts.at(-1)!;
      if (parts.length === 2) top = setTop(top, parts[0], off, fail);
      if (files.has(file)) fail(off, `${JSON.stringify(name)} appears twice`);
      files.set(file, Buffer.from(buf.subarray(data, data + size)));
    } else {
      const what: Record<string, string> = { '1': 'a hard link', '2': 'a symbolic link', '3': 'a character device', '4': 'a block device', '6': 'a FIFO', x: 'a pax extended header', g: 'a pax global header', L: 'a GNU long name', K: 'a GNU long link' };
      fail(off, `${JSON.stringify(name)} is ${what[type] ?? `of type '${type}'`}: kit results hold only regular files`);
    }
    off = data + Math.ceil(size / 512) * 512;
  }
  if (!ended) fail(off, 'no end-of-archive blocks: the tar is cut short');
  if (files.size === 0) fail(0, 'no files');
  return { kind: 'tar', path, name: top ?? basename(path).replace(/\.tar$/, ''), files, sha256: createHash('sha256').update(buf).digest('hex') };
}

function setTop(top: string | null, name: string, off: number, fail: (o: number, w: string) => never): string {
  if (top !== null && top !== name) fail(off, `two top folders (${JSON.stringify(top)}, ${JSON.stringify(name)})`);
  return name;
}
