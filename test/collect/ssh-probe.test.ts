// The probe a target answers first (src/collect/ssh/probe.ts), run by the shells a target may have,
// in a UTS namespace whose host name is hostile: the name is recorded exactly (dash's echo acted on
// "\c" in it, cutting the name and swallowing the next line, the release), and the Linux fields read
// with the shell's `read` equal what `uname` prints.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROBE_SCRIPT, parseProbe } from '../../src/collect/ssh/probe.js';

const have = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;
const canUnshare = spawnSync('unshare', ['--uts', 'true']).status === 0 && have('python3');
const shells = [['dash'], ['bash', '--posix'], ['busybox', 'sh']].filter(([c]) => have(c));

/** The probe's answer from `shell` in a new UTS namespace named `name`. */
function probeAs(name: string, shell: string[], script = PROBE_SCRIPT): string {
  const py = 'import socket,subprocess,sys\nsocket.sethostname(sys.argv[1].encode("latin1"))\nsys.stdout.write(subprocess.run(sys.argv[2:] + ["-s"], input=sys.stdin.read().encode(), capture_output=True).stdout.decode("latin1"))';
  return execFileSync('unshare', ['--uts', 'python3', '-c', py, name, ...shell], { input: script, encoding: 'latin1' });
}

describe.runIf(canUnshare).each(shells)('the probe under %s', (...shell) => {
  it('records a hostile host name exactly and loses no field after it', () => {
    for (const name of ['evil\\cname x', 'a\\nb -e %s', ' lead']) {
      const p = parseProbe(probeAs(name, shell));
      expect(p.unameN).toBe(name);
      expect(p.unameR).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
      expect(p.unameV).toBe(execFileSync('uname', ['-v'], { encoding: 'utf8' }).trim());
      expect(p).toMatchObject({ unameS: 'Linux', uid: 0, user: 'root' });
      expect(p.uptimeSeconds).toBeGreaterThan(0);
    }
  });

  it('without /proc/sys/kernel it asks uname for the same fields', () => {
    const p = parseProbe(probeAs('plain-host', shell, PROBE_SCRIPT.replace('nc_k=/proc/sys/kernel', 'nc_k=/no/such/dir')));
    expect(p).toMatchObject({ unameN: 'plain-host', unameR: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(), unameM: execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim() });
  });
});

it('the uid is the effective one from id\'s own line', () => {
  expect(parseProbe('id=uid=1000(a) gid=1000(a) euid=0(root) groups=1000(a)\n').uid).toBe(0);
  expect(parseProbe('id=uid=1234 gid=1234 groups=1234\n').uid).toBe(1234);
  expect(parseProbe('id=uid=12x(a)\n').uid).toBeNull();
});
