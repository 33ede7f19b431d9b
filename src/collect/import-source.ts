import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import sha256File from 'sha256-file';
import type { ArtifactFile } from '../model.js';
import { EvidenceError } from '../evidence/folder.js';
import { openArtifact } from './sink.js';

// Reading a file to import without being fooled or stuck: only regular files, never a blocking
// open, and a source that changes while it is copied is a failed import, not evidence.

/** An import that failed after its copy was started; `copy` is the partial file to remove. */
export class ImportFailure extends Error {
  constructor(
    message: string,
    readonly copy: string,
    readonly bytesCopied: number,
  ) {
    super(message);
  }
}

const KINDS: [keyof Stats, string][] = [
  ['isFIFO', 'a FIFO (named pipe)'],
  ['isSocket', 'a socket'],
  ['isCharacterDevice', 'a character device'],
  ['isBlockDevice', 'a block device'],
  ['isDirectory', 'a directory'],
];

/** Checked before any open: reading a FIFO or a device would block or never end. */
export function refuseNonRegular(path: string): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EvidenceError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read: ${code ?? (err as Error).message}`);
  }
  if (st.isFile()) return;
  const kind = KINDS.find(([test]) => (st[test] as () => boolean).call(st))?.[1] ?? 'a special file';
  throw new EvidenceError(`${path}: is ${kind}, not a regular file: only regular files are imported`, 'save the output to a regular file first, then import that file');
}

export interface CopiedSource {
  artifact: ArtifactFile;
  size: number;
  mtime: Date;
}

/** Copy `path` to `rel` in the folder; throws ImportFailure when the copy is not the source's exact bytes. */
export async function copySource(dir: string, path: string, rel: string): Promise<CopiedSource> {
  // Read-only, and non-blocking in case the path was swapped for a FIFO since it was checked.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  let artifact: ArtifactFile | null;
  let before;
  let after;
  let recorded;
  try {
    before = fstatSync(fd, { bigint: true });
    recorded = fstatSync(fd); // the size and mtime recorded, as Node's plain Stats give them
    if (!before.isFile()) throw new EvidenceError(`${path}: not a regular file: only regular files are imported`);
    const sink = openArtifact(dir, rel);
    const buf = Buffer.allocUnsafe(1 << 20);
    try {
      for (let n = readSync(fd, buf, 0, buf.length, null); n > 0 && !sink.failure(); n = readSync(fd, buf, 0, buf.length, null)) {
        sink.write(buf.subarray(0, n));
      }
    } catch (err) {
      const copied = sink.close()?.bytes ?? 0;
      throw new ImportFailure(`could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, rel, copied);
    }
    artifact = sink.close();
    after = fstatSync(fd, { bigint: true });
  } finally {
    closeSync(fd);
  }
  if (!artifact || artifact.writeError) {
    throw new ImportFailure(`could not be copied into the evidence folder (${artifact?.writeError?.error ?? 'the copy could not be created'})`, rel, artifact?.bytes ?? 0);
  }
  // Independent second read of the source: the copy must equal what is on the examiner's media.
  // It reads by path, so the path must still name the file that was copied (not a FIFO put in its place).
  const now = statSync(path, { bigint: true });
  if (!now.isFile() || now.ino !== before.ino || now.dev !== before.dev) {
    throw new ImportFailure('was replaced by another file while it was being imported', rel, artifact.bytes);
  }
  const sourceHash = await new Promise<string>((res, rej) => sha256File(path, (err, sum) => (err ? rej(err) : res(sum as string))));
  const resized = BigInt(artifact.bytes) !== before.size || after.size !== before.size;
  if (resized || after.mtimeNs !== before.mtimeNs || sourceHash !== artifact.sha256) {
    const what = resized ? `${before.size} bytes when opened, ${after.size} after the copy, ${artifact.bytes} copied` : `source now hashes ${sourceHash}, the copy ${artifact.sha256}`;
    throw new ImportFailure(`changed while it was being imported (${what})`, rel, artifact.bytes);
  }
  return { artifact, size: recorded.size, mtime: recorded.mtime };
}
