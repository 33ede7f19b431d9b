// The generated kits: deterministic, every profile step present in order, valid POSIX sh (dash,
// busybox), the PowerShell kit written from the same data with quoted arguments and the same manifest
// keys. The PowerShell kit cannot run here (no PowerShell): these checks are all it gets.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kitScript } from '../../src/collect/kit/index.js';
import { WIN_SUSPICIOUS } from '../../src/analyze/rules/susp-path.js';
import { CORE_NAMES } from '../../src/analyze/masquerade.js';
import { decodeValue, encodeArgv, encodeValue, ManifestError, parseManifestText } from '../../src/collect/kit/manifest.js';
import { psQuote } from '../../src/collect/kit/ps1-script.js';
import { PROFILES } from '../../src/collect/profiles.js';
import { runCli, tempDir } from '../helpers/cli.js';

const OSES = ['linux', 'macos', 'windows'] as const;

describe('kit scripts generated from the profiles', () => {
  it('are the same bytes for a version and OS, hold no time, and embed the version', () => {
    for (const os of OSES) {
      const a = kitScript(os, '9.8.7');
      expect(kitScript(os, '9.8.7').text).toBe(a.text);
      expect(a.text).not.toMatch(/20\d\d-\d\d-\d\d/);
      expect(a.text).toContain(os === 'windows' ? "$kVersion = '9.8.7'" : "k_version=9.8.7");
      expect(kitScript(os, '9.8.8').sha256).not.toBe(a.sha256);
      expect(a.text).toMatch(/Nothing else is written, installed or changed on the host/);
    }
  });

  it('run every step of every group, in order, with its argv', () => {
    for (const os of OSES) {
      const { text } = kitScript(os);
      let order = 0;
      let last = -1;
      for (const group of PROFILES[os].groups) {
        for (const step of group.steps) {
          const nn = String(++order).padStart(2, '0');
          const at = text.indexOf(os === 'windows' ? `K-Start '${nn}' '${step.id}'` : `step.${nn}.id=${step.id}`);
          expect(at, `${os} ${step.id}`).toBeGreaterThan(last);
          expect(text).toContain(os === 'windows' ? `${psQuote(encodeArgv(step.argv))}` : `step.${nn}.argv=${encodeArgv(step.argv)}`);
          last = at;
        }
      }
      // Steps of one group start together (background jobs / Start-Process), then the group is joined.
      expect(text.split(os === 'windows' ? 'foreach ($kJ in $kJobs) { K-Finish $kJ }' : '\nwait\n').length - 1).toBe(PROFILES[os].groups.length);
    }
  });

  it('the sh kits are POSIX sh that dash and busybox sh accept, with every optional tool guarded', () => {
    const dir = tempDir('nc-kitsh-');
    for (const os of ['linux', 'macos'] as const) {
      const path = join(dir, `${os}.sh`);
      writeFileSync(path, kitScript(os).text);
      for (const sh of [['dash', '-n'], ['busybox', 'sh', '-n'], ['bash', '--posix', '-n']]) execFileSync(sh[0], [...sh.slice(1), path]);
      const t = kitScript(os).text;
      for (const tool of ['sha256sum', 'shasum', 'openssl', 'timedatectl', 'sysctl', ...(os === 'linux' ? ['df'] : [])]) expect(t).toMatch(new RegExp(`command -v ${tool} >/dev/null`));
      // The copy step's selection is an awk program (its own `function`s): the sh around it is checked.
      const shOnly = t.replace(/^k_selawk='[^]*?^\}'$/m, 'k_selawk=');
      expect(shOnly.length < t.length).toBe(os === 'linux');
      expect(shOnly).not.toMatch(/\[\[|\bfunction\b|<<<|\$\{[a-z_]+\/\/|local /);
    }
  });

  it('the macOS kit runs to the end on a host without its commands (each step recorded, none fatal)', async () => {
    // A USB path with a space, a quote and a $( ): every path in the kit is quoted.
    const dir = join(tempDir('nc-kitmac-'), "usb stick's $(touch PWNED)");
    const k = await runCli(['kit', '--os', 'macos', '--out', dir, '--json']);
    expect(k.exitCode, k.stderr).toBe(0);
    const out = execFileSync('dash', [JSON.parse(k.stdout).kit, dir], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } }).trim();
    const manifest = readFileSync(join(out, 'manifest.txt'), 'utf8');
    expect(manifest).toMatch(/^run\.complete=1$/m);
    for (const n of ['01', '02', '03', '04']) expect(manifest).toMatch(new RegExp(`^step\\.${n}\\.end=`, 'm'));
    const imp = await runCli(['import', '--kit', out, '--out', join(dir, 'out'), '--examiner', 'E', '--json']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const acq = JSON.parse(readFileSync(join(JSON.parse(imp.stdout).evidenceDir, 'acquisition.json'), 'utf8'));
    expect(acq.profile).toBe('macos');
    expect(acq.transport.kit.scriptMatches).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['netcustody-collect.sh', 'netcustody-collect.sh.sha256', out.split('/').at(-1), 'out'].sort());
    expect(readdirSync(join(dir, '..')).filter((n) => n.includes('PWNED') && n !== dir.split('/').at(-1))).toEqual([]);
    const usage = await runCli(['import', '--kit', out, '--command', 'netstat', '--out', join(dir, 'out'), '--examiner', 'E']);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toMatch(/--command cannot be used with it/);
  });

  it('the PowerShell kit: every Windows command present with each argument single-quoted, paths taken literally', () => {
    const { text } = kitScript('windows');
    for (const step of PROFILES.windows.groups.flatMap((g) => g.steps)) {
      const line = text.split('\n').find((l) => l.includes(`K-Start `) && l.includes(`'${step.id}'`))!;
      expect(line, step.id).toBeDefined();
      expect(line).toContain(`${psQuote(step.argv[0])} @(${step.argv.slice(1).map(psQuote).join(', ')})`);
    }
    // Every file path goes through -LiteralPath or [IO.File] (no wildcard expansion of host names).
    expect(text).not.toMatch(/(?<!Join)-Path \$(?!ResultsParent)/);
    expect(text).toMatch(/Get-FileHash -LiteralPath/);
    expect(psQuote("it's ‘x’")).toBe("'it''s ‘‘x’’'");
    expect(text).toContain('UNTESTED ON WINDOWS');
  });

  it('the PowerShell kit writes the same manifest keys as the sh kit', () => {
    const sh = kitScript('linux').text;
    const ps = kitScript('windows').text;
    const shTop = new Set([...sh.matchAll(/^k_(?:put|fact) ([a-z0-9.]+)/gm)].map((m) => m[1]).concat(...[...sh.matchAll(/then k_fact ([a-z0-9.]+)/g)].map((m) => m[1])));
    const psTop = new Set([...ps.matchAll(/K-(?:Put|Fact) '([a-z0-9.]+)'/g)].map((m) => m[1]));
    const common = ['format', 'kit.version', 'kit.os', 'kit.script', 'hash.tool', 'time.precision', 'run.start', 'kit.script.sha256', 'kit.shell', 'host.hostname', 'host.os', 'host.release', 'host.version', 'host.machine', 'host.uptime.seconds', 'host.timezone', 'host.utcoffset', 'user.name', 'run.end', 'run.complete'];
    for (const k of common) {
      expect(shTop.has(k), `sh ${k}`).toBe(true);
      expect(psTop.has(k), `ps1 ${k}`).toBe(true);
    }
    const shStep = new Set([...sh.matchAll(/step\.(?:\$k_n|\$1|\d\d)\.([a-z0-9.$_]+)=/g)].map((m) => m[1].replace('$k_x', 'stdout')));
    const psStep = new Set([...ps.matchAll(/step\.(?:\$N|\$\(\$J\.N\))\.([a-z0-9.$]+)=/g)].map((m) => m[1].replace('$s', 'stdout')));
    expect([...psStep].sort()).toEqual([...shStep].sort());
    expect([...shStep].sort()).toEqual(['argv', 'end', 'exit', 'group', 'id', 'kind', 'start', 'stdout', 'stdout.bytes', 'stdout.sha256', 'unavailable'].sort());
    // Copies of executables (issue 18): the same binaries.* and bin.PID.* keys (the PowerShell kit adds srcsha256).
    const shBin = new Set([...sh.matchAll(/bin\.\$k_pid\.([a-z0-9]+)=/g)].map((m) => m[1]));
    const psBin = new Set([...ps.matchAll(/bin\.\$n\.([a-z0-9]+)=/g)].map((m) => m[1]));
    expect([...psBin].filter((k) => k !== 'srcsha256').sort()).toEqual([...shBin].sort());
    for (const k of ['binaries.policy', 'binaries.maxbytes', 'binaries.start', 'binaries.end', 'binaries.done']) {
      expect(sh).toMatch(new RegExp(`k_put ${k.replace('.', '\\.')} `));
      expect(ps).toContain(`K-Put '${k}'`);
    }
  });

  it('the PowerShell kit copies executables with the analyzer\'s own lists, after the processes group (untested on Windows)', () => {
    const ps = kitScript('windows', '1.0.0', { preserveBinaries: 'auto', maxBinaryBytes: 1234 }).text;
    for (const d of WIN_SUSPICIOUS) expect(ps).toContain(psQuote(d));
    for (const n of CORE_NAMES.windows) expect(ps).toContain(psQuote(n));
    expect(ps).toContain('$kBinMax = 1234');
    expect(ps).toContain('Copy-Item -LiteralPath $path');
    expect(ps.indexOf("K-Binaries @('01-netstat-anob', '02-netstat-ano')")).toBeGreaterThan(ps.indexOf("K-Start '03' 'tasklist-v'"));
    expect(kitScript('windows', '1.0.0', { preserveBinaries: 'none', maxBinaryBytes: 1234 }).text).not.toContain('K-Binaries @(');
    // Options change the script (and so its hash), recorded for import to regenerate it.
    expect(kitScript('linux', '1.0.0', { preserveBinaries: 'all', maxBinaryBytes: 1234 }).sha256).not.toBe(kitScript('linux', '1.0.0').sha256);
    expect(kitScript('macos', '1.0.0', { preserveBinaries: 'all', maxBinaryBytes: 1234 }).text).toContain('takes no copies of executables');
  });
});

describe('the kit manifest reader', () => {
  it('keeps hostile host text exact and refuses what the kit never writes, naming the line', () => {
    const host = 'a b%\n\u202e<script>\u00ff';
    expect(decodeValue(encodeValue(host))!.toString('utf8')).toBe(host);
    const m = parseManifestText(`format=netcustody-kit-manifest/1\nhost.hostname=${encodeValue(host)}\nstep.01.argv=netstat -anp\n`, 'manifest.txt');
    expect(m.values.get('host.hostname')).toBe(host);
    expect(m.steps.get(1)?.argv).toEqual(['netstat', '-anp']);
    const bad: [string, RegExp][] = [
      ['format=x\nstep.01.stdout=../x\n', /not an output file name/],
      ['step.01.stdout=/etc/passwd\n', /not an output file name/],
      ['step.01.evil=1\n', /not a step field/],
      ['host.hostname=a b\n', /not percent-encoded/],
      ['no equals sign\n', /not a key=value line/],
      ['step.01.stdout.bytes=-1\n', /not a number/],
      ['host.hostname=a\nhost.hostname=b\n', /given twice/],
    ];
    for (const [text, message] of bad) {
      let err: unknown;
      try {
        parseManifestText(text, 'manifest.txt');
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(ManifestError);
      expect((err as ManifestError).message).toMatch(message);
      expect((err as ManifestError).line).toBe(text.split('\n').findIndex((l) => /\.\.\/x|etc|evil|a b|no equals|-1|=b/.test(l)) + 1);
    }
  });

  it('kit refuses to overwrite an existing kit and needs --os', async () => {
    const dir = tempDir('nc-kitw-');
    mkdirSync(join(dir, 'k'));
    expect((await runCli(['kit', '--os', 'linux', '--out', join(dir, 'k')])).exitCode).toBe(0);
    const again = await runCli(['kit', '--os', 'linux', '--out', join(dir, 'k')]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/netcustody-collect\.sh already exists/);
    expect((await runCli(['kit', '--out', join(dir, 'k')])).exitCode).toBe(2);
    expect((await runCli(['kit', '--os', 'solaris', '--out', join(dir, 'k')])).exitCode).toBe(2);
    expect(readdirSync(join(dir, 'k')).sort()).toEqual(['netcustody-collect.sh', 'netcustody-collect.sh.sha256']);
  });
});
