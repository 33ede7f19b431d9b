// `netcustody run --ssh`: every collected host is analysed, reported and bundled on the
// workstation; each bundle verifies and its signed report names the transport and the host key.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshLab, sshdAvailable } from '../lab/sshd.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

describe.runIf(sshdAvailable())('run --ssh against two namespace hosts', () => {
  let lab: Awaited<ReturnType<typeof createSshLab>>;
  let json: any;
  const home = tempDir('nc-home-');

  beforeAll(async () => {
    lab = await createSshLab({ hosts: 2 });
    await lab.startHolder(lab.hosts[0].ns, 'nc', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 4444 }] });
    const r = await runCli(['run', '--ssh', 'h1', '--ssh', 'root@h2:22', '--ssh-config', lab.sshConfig, '--out', tempDir(), '--case', 'RUN-SSH', '--examiner', 'Run Tester', '--json'], { netns: lab.ws, env: { NETCUSTODY_HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    json = JSON.parse(r.stdout);
  }, 400_000);
  afterAll(() => lab?.cleanup());

  it('gives one verified bundle per host', async () => {
    expect(json.hosts.map((h: any) => [h.target, h.status])).toEqual([['h1', 'ok'], ['root@h2:22', 'ok']]);
    for (const h of json.hosts) {
      expect(h.bundle).toMatch(/\.zip$/);
      const v = await runCli(['verify', h.bundle]);
      expect(v.exitCode, v.stdout + v.stderr).toBe(0);
    }
    expect(json.hosts[0].findings.high).toBeGreaterThan(0);
  }, 120_000);

  it('shows the transport and the host key fingerprint in each signed report', () => {
    for (const [i, h] of json.hosts.entries()) {
      const text = execFileSync('pdftotext', ['-raw', h.report, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).replace(/\s+/g, ' ');
      const fp = lab.fingerprint(lab.hosts[i]);
      expect(h.hostKey).toBe(fp);
      expect(text).toContain(`SSH from the examiner's workstation to ${h.target}`);
      expect(text).toContain(`ssh-ed25519 ${fp}`);
      expect(text).toContain('live collection over SSH');
      expect(text).toMatch(/What ran on the target \(the examiner's footprint\)/);
      expect(text).toMatch(/wtmp/);
      expect(text).not.toMatch(/TRANSIT ERROR/);
    }
  });
});
