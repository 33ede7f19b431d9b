// Regenerates fixtures/scenarios/linux-*/: builds each namespace scenario, runs the real
// `netcustody collect` inside the victim namespace and keeps its raw outputs (exact bytes) with a
// scenario.json, so that `netcustody demo` replays them anywhere without root or network.
// Usage (root, after `npm run build`): node test/lab/capture-scenarios.mjs [scenario-name ...]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from './scenarios.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const STORIES = {
  'linux-benign-busy': {
    title: 'Linux server at rest: sshd, nginx, PostgreSQL, systemd-resolved and chronyd, nothing wrong',
    story: 'An ordinary web server: sshd with an administrator logged in, nginx serving a client, a local PostgreSQL used by a Node application, systemd-resolved and chronyd, each running from its usual path. The exercise is to confirm that nothing here is suspicious; the analyzer must raise no lead above low.',
  },
  'linux-bind-shell': {
    title: 'Linux web server: a bind shell named srss.exe on TCP 1337 with the attacker connected',
    story: 'A Linux web server (sshd, nginx, a local PostgreSQL with its Node application, a local DNS resolver) shows a listener on TCP 1337 owned by a program called srss.exe, started from a temporary folder, with a remote host connected to it — the Linux twin of the classic Windows netcat case.',
  },
  'linux-reverse-shell': {
    title: 'Linux server: a reverse shell, a fake kernel thread from a deleted binary, and an sshd look-alike',
    story: 'Besides its ordinary services the server runs bash connected out to 203.0.113.66:4444, a process calling itself [kworker/0:2] that was started from /dev/shm/.x and whose binary has been deleted, connected to the same host on 443, and a listener named sshdd on TCP 2222.',
  },
  'linux-route-manipulation': {
    title: 'Linux server: routes manipulated through a rogue gateway',
    story: 'The routing table of an otherwise ordinary server holds a second default route through a rogue gateway with a better metric, a host route through the same gateway, a blackhole for a whole network and a route through a gateway outside any local network.',
  },
};

const cli = join(REPO, 'dist/cli/main.js');
const only = process.argv.slice(2);
for (const [name, build] of Object.entries(SCENARIOS)) {
  if (only.length && !only.includes(name)) continue;
  const scenario = await build();
  try {
    const out = mkdtempSync(join(tmpdir(), 'nc-capture-'));
    const json = execFileSync('ip', ['netns', 'exec', scenario.lab.victim, process.execPath, cli, 'collect', '--out', out, '--case', name, '--json', '--quiet'], { encoding: 'utf8' });
    const dir = JSON.parse(json).evidenceDir;
    const acq = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
    const target = join(REPO, 'fixtures/scenarios', name);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const files = [];
    for (const c of acq.commands) {
      if (!c.stdout || c.stdout.bytes === 0) continue;
      const file = `${c.id}${c.kind === 'procfacts' ? '.jsonl' : '.txt'}`;
      copyFileSync(join(dir, c.stdout.path), join(target, file));
      files.push({ file, command: c.kind === 'command' ? c.argv.join(' ') : c.kind === 'file' ? `cat ${c.argv[0]}` : 'netcustody collect (process facts)' });
    }
    writeFileSync(
      join(target, 'scenario.json'),
      `${JSON.stringify(
        {
          name,
          ...STORIES[name],
          os: `Linux ${acq.host.release}`,
          host: name === 'linux-benign-busy' ? 'web-prod-05' : 'web-prod-03',
          origin: `captured on ${acq.captureWindow.start.slice(0, 10)} by \`netcustody collect\` (profile linux, as root) inside a network-namespace lab built by test/lab/scenarios.mjs: real kernel sockets and routes, real netstat/ss/ip output. ${
            "The services are socket holders run from each service's real path (the node binary bind-mounted there in a private mount namespace), so /proc/PID/exe names that path as on a real host; the Node application is node itself"
          }`,
          files,
          expectedLeads: scenario.expectLeads ?? [],
          otherLeadsAtMost: scenario.otherLeadsAtMost ?? 'low',
        },
        null,
        2,
      )}\n`,
    );
    rmSync(out, { recursive: true, force: true });
    console.log(`${name}: ${files.length} files`);
  } finally {
    scenario.lab.cleanup();
  }
}


