// SSH targets and options as the examiner writes them: parsed strictly, refused with one line
// naming the file and line (usage errors), never passed on as something ssh would read as an option.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTarget, readHostsFile, uniqueTargets } from '../../src/collect/ssh/targets.js';
import { baseArgs, checkSshOption, FORCED } from '../../src/collect/ssh/options.js';
import { tempDir } from '../helpers/cli.js';

describe('targets', () => {
  it('reads [user@]host[:port], bracketed IPv6 and aliases', () => {
    expect(parseTarget('root@10.0.0.5:2222')).toEqual({ given: 'root@10.0.0.5:2222', destination: 'root@10.0.0.5', port: 2222 });
    expect(parseTarget('[fd00::5]:22')).toMatchObject({ destination: 'fd00::5', port: 22 });
    expect(parseTarget('fd00::5')).toMatchObject({ destination: 'fd00::5', port: null });
    expect(parseTarget('web01')).toMatchObject({ destination: 'web01', port: null });
  });

  it('refuses what ssh would read as an option or a shell would interpret', () => {
    for (const bad of ['-oProxyCommand=touch /tmp/x', 'root@-x', 'a b', 'h;id', 'h:99999', 'h:x', '$(id)', '']) {
      expect(() => parseTarget(bad), bad).toThrow(/is not a target/);
    }
  });

  it('reads a hosts file and the host lines of an Ansible INI inventory, naming file:line on errors', () => {
    const dir = tempDir();
    const inv = join(dir, 'inventory.ini');
    writeFileSync(inv, '# fleet\n[web]\nweb01 ansible_host=10.0.0.5 ansible_port=2222 ansible_user=root\nweb02\n\n[db:vars]\nansible_user=admin\n[db]\ndb01  # primary\n');
    expect(readHostsFile(inv).map((t) => [t.given, t.destination, t.port])).toEqual([
      ['web01 (root@10.0.0.5:2222)', 'root@10.0.0.5', 2222],
      ['web02', 'web02', null],
      ['db01', 'db01', null],
    ]);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'ok1\n-oProxyCommand=x\n');
    expect(() => readHostsFile(bad)).toThrow(new RegExp(`${bad}:2: "-oProxyCommand=x" is not a target`));
    expect(() => readHostsFile(join(dir, 'missing'))).toThrow(/cannot read it \(ENOENT\)/);
    expect(uniqueTargets([parseTarget('a'), parseTarget('a'), parseTarget('a:22')]).length).toBe(2);
  });
});

describe('ssh options', () => {
  it('refuses options that weaken host key checking or forward anything to the target', () => {
    for (const o of ['StrictHostKeyChecking=no', 'stricthostkeychecking accept-new', 'UserKnownHostsFile=/dev/null', 'GlobalKnownHostsFile=none', 'BatchMode=no', 'ForwardAgent=yes', 'ControlPath=/tmp/x', 'RemoteCommand=id', 'LogLevel=QUIET', 'RequestTTY=yes', 'LocalCommand=id']) {
      expect(() => checkSshOption(o), o).toThrow(/is refused/);
    }
    expect(() => checkSshOption('nonsense')).toThrow(/expected Key=Value/);
    expect(checkSshOption('ProxyJump=bastion')).toBe('ProxyJump=bastion');
    expect(checkSshOption('UserKnownHostsFile=/cases/known_hosts')).toBe('UserKnownHostsFile=/cases/known_hosts');
  });

  it('puts the forced options first (ssh keeps the first value it gets), the examiner\'s next', () => {
    const args = baseArgs({ configFile: '/x/cfg', options: ['ProxyJump=b', 'ConnectTimeout=3'], connectTimeoutS: 10 });
    expect(args.slice(0, 2)).toEqual(['-F', '/x/cfg']);
    expect(args.indexOf('StrictHostKeyChecking=yes')).toBeLessThan(args.indexOf('ProxyJump=b'));
    expect(args.indexOf('ConnectTimeout=3')).toBeLessThan(args.indexOf('ConnectTimeout=10'));
    expect(FORCED).toEqual(expect.arrayContaining(['BatchMode=yes', 'StrictHostKeyChecking=yes', 'ForwardAgent=no', 'RequestTTY=no']));
  });
});
