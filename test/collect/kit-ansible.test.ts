// The Ansible playbook (contrib/ansible) against real sshd hosts in network namespaces (test/lab/sshd.mjs):
// Debian's ansible-playbook runs in the workstation namespace, copies the kit to each host, runs it,
// fetches the results as tars and removes the kit; import --kit takes all the tars at once and each
// becomes an evidence folder of its host with the socket planted there.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Acquisition } from '../../src/model.js';
import { createSshLab, sshdAvailable } from '../lab/sshd.mjs';
import { REPO, runCli, tempDir } from '../helpers/cli.js';

const hasAnsible = spawnSync('sh', ['-c', 'command -v ansible-playbook']).status === 0;

describe.runIf(sshdAvailable() && hasAnsible)('field kit through the Ansible playbook on namespace sshd hosts', () => {
  let lab: Awaited<ReturnType<typeof createSshLab>>;
  let work: string;
  let play: ReturnType<typeof spawnSync>;
  const ports = [41001, 41002, 41003];

  beforeAll(async () => {
    lab = await createSshLab({ hosts: 3 });
    work = tempDir('nc-kit-ansible-');
    for (const [i, h] of lab.hosts.entries()) await lab.startHolder(h.ns, `implant-${h.name}`, { listen: [{ proto: 'tcp', host: '0.0.0.0', port: ports[i] }] });
    const k = await runCli(['kit', '--os', 'linux', '--out', join(work, 'kit')]);
    expect(k.exitCode, k.stderr).toBe(0);
    mkdirSync(join(work, 'hosts-tmp'));
    // Inventory: the lab's ssh_config aliases; Ansible's own files stay in the test's folders.
    writeFileSync(join(work, 'inventory.ini'), `[lab]\n${lab.hosts.map((h) => `${h.name} ansible_host=${h.name}`).join('\n')}\n\n[lab:vars]\nansible_user=root\nansible_ssh_common_args=-F ${lab.sshConfig}\nansible_remote_tmp=${join(work, 'hosts-tmp')}\nansible_python_interpreter=/usr/bin/python3\n`);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, ANSIBLE_HOME: join(work, 'ansible-home'), ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local'), ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, 'cp'), ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORKS: '3', ANSIBLE_RETRY_FILES_ENABLED: 'False' };
    play = spawnSync('ip', ['netns', 'exec', lab.ws, 'ansible-playbook', '-i', join(work, 'inventory.ini'), join(REPO, 'contrib/ansible/netcustody-kit.yml'),
      '-e', `netcustody_kit=${join(work, 'kit/netcustody-collect.sh')}`, '-e', `netcustody_results=${join(work, 'results')}`, '-e', 'netcustody_become=false', '-e', `netcustody_workdir_parent=${join(work, 'hosts-tmp')}`],
    { cwd: work, env, encoding: 'utf8', timeout: 300_000 });
  }, 360_000);
  afterAll(() => lab?.cleanup());

  it('collects every host, removes the kit, and import --kit takes all the results at once', async () => {
    expect(play.status, `${play.stdout}\n${play.stderr}`).toBe(0);
    expect(String(play.stdout)).toMatch(/h1\s+: ok=\d+ +changed=\d+ +unreachable=0 +failed=0/);
    const tars = readdirSync(join(work, 'results')).sort();
    expect(tars).toEqual(['h1.tar', 'h2.tar', 'h3.tar']);
    // Nothing of the kit is left on the hosts (their work folders were removed).
    expect(readdirSync(join(work, 'hosts-tmp')).filter((n) => n.startsWith('netcustody-kit.'))).toEqual([]);
    const r = await runCli(['import', '--kit', ...tars.map((t) => join(work, 'results', t)), '--out', join(work, 'out'), '--case', 'FLEET-1', '--examiner', 'Fleet Examiner', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const imports = JSON.parse(r.stdout).imports as { source: string; evidenceDir: string }[];
    expect(imports).toHaveLength(3);
    for (const [i, imp] of imports.entries()) {
      const acq: Acquisition = JSON.parse(readFileSync(join(imp.evidenceDir, 'acquisition.json'), 'utf8'));
      expect(acq.host?.hostname).toBe(`lab-h${i + 1}`);
      expect(acq.status).toBe('complete');
      expect(acq.transport?.kit).toMatchObject({ scriptMatches: true, runComplete: true, results: { kind: 'tar' } });
      expect(acq.privileges?.privileged).toBe(true);
      const netstat = readFileSync(join(imp.evidenceDir, acq.commands.find((c) => c.id === 'netstat-anp')!.stdout!.path), 'utf8');
      expect(netstat).toMatch(new RegExp(`0\\.0\\.0\\.0:${ports[i]} .* LISTEN +\\d+/implant-h${i + 1}`));
      for (const other of ports.filter((_, j) => j !== i)) expect(netstat).not.toContain(`:${other} `);
      const a = await runCli(['analyze', imp.evidenceDir, '--json']);
      expect(a.exitCode, a.stderr).toBe(0);
    }
  }, 240_000);
});
