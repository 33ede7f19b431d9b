// The case lab: four namespaces, a chain across three examined hosts and benign traffic, real TCP
// connections over veth pairs. out (the internet: C2 203.0.113.66 and a web visitor) ↔ web ↔ db ↔ file.
//   out c2-listener 203.0.113.66:4444  ← web "bash" (reverse shell, a critical lead on web)
//   web "ssh" from a temporary folder  → db sshd :22            (the intruder moves on)
//   db "smbclient" from /dev/shm       → file smbd :445         (and on)
//   db "ssh"                           → web sshd :22           (db reaches two hosts on admin ports)
//   benign: out curl → web nginx :80; web php-fpm → db postgres :5432 over IPv6;
//           file pg_dump → db postgres :5432 over IPv4 (db's dual-stack listener prints it IPv4-mapped)
// Each host is collected with the real CLI inside its namespace, under its own hostname (a UTS namespace).
import { execFileSync } from 'node:child_process';
import { createLab, removeNetns } from '../lab/netns.mjs';

const C2 = '203.0.113.66';

function ip(args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function createCaseLab() {
  const lab = createLab();
  const { victim: web, attacker: out, vethA, addr } = lab;
  const n = Number(addr.victim4.split('.')[2]);
  const tag = web.slice(4);
  const db = `ncdb-${tag}`;
  const file = `ncfs-${tag}`;
  const extra = [db, file];
  const a = {
    c2: C2,
    web4: addr.victim4,
    webToDb4: `10.67.${n}.1`,
    db4: `10.67.${n}.2`,
    web6: `fd67:${n.toString(16)}::1`,
    db6: `fd67:${n.toString(16)}::2`,
    dbToFile4: `10.68.${n}.1`,
    file4: `10.68.${n}.2`,
  };
  const cleanupAll = () => {
    for (const ns of extra) {
      removeNetns(ns);
    }
    lab.cleanup();
  };
  try {
    ip(['netns', 'add', db]);
    ip(['netns', 'add', file]);
    const link = (nsA, devA, a4, a6, nsB, devB, b4, b6) => {
      ip(['link', 'add', devA, 'netns', nsA, 'type', 'veth', 'peer', 'name', devB, 'netns', nsB]);
      for (const [ns, dev, v4, v6] of [[nsA, devA, a4, a6], [nsB, devB, b4, b6]]) {
        ip(['-n', ns, 'link', 'set', 'lo', 'up']);
        ip(['-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev]);
        if (v6) ip(['-n', ns, 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad']);
        ip(['-n', ns, 'link', 'set', dev, 'up']);
      }
    };
    link(web, `w${tag}d`.slice(0, 15), a.webToDb4, a.web6, db, `d${tag}w`.slice(0, 15), a.db4, a.db6);
    link(db, `d${tag}f`.slice(0, 15), a.dbToFile4, null, file, `f${tag}d`.slice(0, 15), a.file4, null);
    // The internet: the C2 address on out, web's default route through it.
    lab.exec(out, ['ip', 'addr', 'add', `${C2}/32`, 'dev', vethA]);
    lab.exec(web, ['ip', 'route', 'add', 'default', 'via', addr.attacker4]);

    const mounted = (ns, name, spec, dir, over = dir) => lab.startHolder(ns, name, spec, 'mounted', dir, over);
    const pids = {};
    // Services.
    pids.webNginx = (await mounted(web, 'nginx', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 80 }] }, '/usr/sbin')).pid;
    pids.webSshd = (await mounted(web, 'sshd', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 22 }] }, '/usr/sbin')).pid;
    pids.dbSshd = (await mounted(db, 'sshd', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 22 }] }, '/usr/sbin')).pid;
    pids.dbPostgres = (await mounted(db, 'postgres', { listen: [{ proto: 'tcp', host: '::', port: 5432 }] }, '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql')).pid;
    pids.fileSmbd = (await mounted(file, 'smbd', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 445 }] }, '/usr/sbin')).pid;
    await lab.startHolder(out, 'c2-listener', { listen: [{ proto: 'tcp', host: C2, port: 4444 }] });
    // Benign clients.
    await lab.startHolder(out, 'curl', { connect: [{ host: a.web4, port: 80 }] });
    pids.phpFpm = (await mounted(web, 'php-fpm', { connect: [{ host: a.db6, port: 5432 }] }, '/usr/sbin')).pid;
    pids.pgDump = (await mounted(file, 'pg_dump', { connect: [{ host: a.dbToFile4, port: 5432 }] }, '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql')).pid;
    // The chain.
    pids.webShell = (await lab.startHolder(web, 'bash', { connect: [{ host: C2, port: 4444 }] })).pid;
    pids.webSsh = (await lab.startHolder(web, 'ssh', { connect: [{ host: a.db4, port: 22 }] }, 'copy', `${lab.workDir}/tmp/.x`)).pid;
    pids.dbSmb = (await lab.startHolder(db, 'smbclient', { connect: [{ host: a.file4, port: 445 }] }, 'copy', `/dev/shm/.nc-${tag}`)).pid;
    pids.dbSsh = (await mounted(db, 'ssh', { connect: [{ host: a.webToDb4, port: 22 }] }, '/usr/local/bin', '/usr/local')).pid;
    // A connection web holds when it is captured, closed before db is (it must show as one-ended).
    const late = await mounted(web, 'php-fpm', { connect: [{ host: a.db4, port: 5432 }] }, '/usr/sbin');
    pids.late = late.pid;
    return { lab, ns: { web, out, db, file }, a, pids, late, tag, cleanup: () => {
      cleanupAll();
      try {
        execFileSync('rm', ['-rf', `/dev/shm/.nc-${tag}`]);
      } catch {}
    } };
  } catch (err) {
    cleanupAll();
    throw err;
  }
}

/** Another site's host with one of db's private addresses (on a veth pair of its own), sshd listening. */
export function createOtherSite(caseLab) {
  const ns = `ncsb-${caseLab.tag}`;
  ip(['netns', 'add', ns]);
  ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  ip(['-n', ns, 'link', 'add', 'site0', 'type', 'veth', 'peer', 'name', 'site1']);
  ip(['-n', ns, 'addr', 'add', `${caseLab.a.db4}/24`, 'dev', 'site0']);
  ip(['-n', ns, 'link', 'set', 'site0', 'up']);
  ip(['-n', ns, 'link', 'set', 'site1', 'up']);
  return {
    ns,
    start: () => caseLab.lab.startHolder(ns, 'sshd', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 22 }] }, 'mounted', '/usr/sbin'),
    cleanup: () => removeNetns(ns),
  };
}
