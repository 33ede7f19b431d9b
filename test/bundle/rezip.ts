// Tampering helpers: rebuild a bundle with Python's zipfile (an independent zip writer), keeping every
// other member's name, date and attributes.
import { execFileSync } from 'node:child_process';

export interface RezipOps {
  replace?: Record<string, Buffer>;
  remove?: string[];
  add?: Record<string, Buffer>;
  /** New member order (names); default: the original order. */
  order?: string[];
}

const SCRIPT = `
import sys, zipfile, json, base64
src, dst = sys.argv[1], sys.argv[2]
ops = json.load(sys.stdin)
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as zout:
    infos = {i.filename: i for i in zin.infolist()}
    for name in ops.get('order') or [i.filename for i in zin.infolist()]:
        if name in ops['remove']: continue
        info = infos[name]
        data = base64.b64decode(ops['replace'][name]) if name in ops['replace'] else zin.read(info)
        zout.writestr(info, data)
    for name, b64 in ops['add'].items():
        zout.writestr(name, base64.b64decode(b64))
`;

export function rezip(src: string, dst: string, ops: RezipOps): void {
  const b64 = (m: Record<string, Buffer> = {}): Record<string, string> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString('base64')]));
  const input = JSON.stringify({ replace: b64(ops.replace), remove: ops.remove ?? [], add: b64(ops.add), order: ops.order ?? null });
  execFileSync('python3', ['-c', SCRIPT, src, dst], { input });
}

export function readMember(zip: string, name: string): Buffer {
  return execFileSync('python3', ['-c', 'import sys,zipfile;sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', zip, name], { maxBuffer: 1 << 30 });
}

export function listMembers(zip: string): string[] {
  return JSON.parse(execFileSync('python3', ['-c', 'import sys,zipfile,json;print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))', zip], { encoding: 'utf8' }));
}

/** A copy of bytes with one byte flipped at `at`. */
export function flipByte(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x01;
  return copy;
}
