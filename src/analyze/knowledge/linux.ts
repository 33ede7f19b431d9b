// Listeners of the services a Linux server or workstation commonly runs, with the executable paths
// Debian/Ubuntu, Fedora/RHEL and Arch install them under. Sources: the services' own manual pages
// (sshd(8), systemd-resolved.service(8), chronyd(8) …) and IANA's port registry.
import type { OsKnowledge } from './types.js';

const MAN = 'https://man7.org/linux/man-pages/';
const IANA = 'https://www.iana.org/assignments/service-names-port-numbers';
const sbin = (name: string): string[] => [`/usr/sbin/${name}`, `/sbin/${name}`, `/usr/bin/${name}`];

export const LINUX: OsKnowledge = {
  listeners: [
    { names: ['sshd'], protocol: 'tcp', ports: [22, 22], paths: sbin('sshd'), what: 'the OpenSSH server', source: 'https://man.openbsd.org/sshd.8' },
    {
      names: ['systemd-resolve', 'systemd-resolved'],
      protocol: 'udp',
      ports: [53, 53],
      loopbackOnly: true,
      paths: ['/usr/lib/systemd/systemd-resolved', '/lib/systemd/systemd-resolved'],
      what: "systemd's local DNS stub resolver (127.0.0.53/127.0.0.54)",
      source: `${MAN}man8/systemd-resolved.service.8.html`,
    },
    {
      names: ['systemd-resolve', 'systemd-resolved'],
      protocol: 'tcp',
      ports: [53, 53],
      loopbackOnly: true,
      paths: ['/usr/lib/systemd/systemd-resolved', '/lib/systemd/systemd-resolved'],
      what: "systemd's local DNS stub resolver (127.0.0.53/127.0.0.54)",
      source: `${MAN}man8/systemd-resolved.service.8.html`,
    },
    {
      names: ['systemd-resolve', 'systemd-resolved'],
      protocol: 'udp',
      ports: [5355, 5355],
      paths: ['/usr/lib/systemd/systemd-resolved', '/lib/systemd/systemd-resolved'],
      what: 'LLMNR name resolution of systemd-resolved',
      source: `${MAN}man8/systemd-resolved.service.8.html`,
    },
    {
      names: ['systemd-resolve', 'systemd-resolved'],
      protocol: 'tcp',
      ports: [5355, 5355],
      paths: ['/usr/lib/systemd/systemd-resolved', '/lib/systemd/systemd-resolved'],
      what: 'LLMNR name resolution of systemd-resolved',
      source: `${MAN}man8/systemd-resolved.service.8.html`,
    },
    { names: ['nginx'], protocol: 'tcp', ports: [80, 80], paths: sbin('nginx'), what: 'the nginx web server (HTTP)', source: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#listen' },
    { names: ['nginx'], protocol: 'tcp', ports: [443, 443], paths: sbin('nginx'), what: 'the nginx web server (HTTPS)', source: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#listen' },
    { names: ['apache2', 'httpd'], protocol: 'tcp', ports: [80, 80], paths: [...sbin('apache2'), ...sbin('httpd')], what: 'the Apache web server (HTTP)', source: 'https://httpd.apache.org/docs/2.4/bind.html' },
    { names: ['apache2', 'httpd'], protocol: 'tcp', ports: [443, 443], paths: [...sbin('apache2'), ...sbin('httpd')], what: 'the Apache web server (HTTPS)', source: 'https://httpd.apache.org/docs/2.4/bind.html' },
    {
      names: ['postgres', 'postmaster'],
      protocol: 'tcp',
      ports: [5432, 5432],
      paths: ['/usr/lib/postgresql/', '/usr/pgsql-', '/usr/bin/postgres', '/usr/local/pgsql/bin/postgres'],
      what: 'the PostgreSQL database server',
      source: 'https://www.postgresql.org/docs/current/runtime-config-connection.html',
    },
    { names: ['mysqld', 'mariadbd'], protocol: 'tcp', ports: [3306, 3306], paths: [...sbin('mysqld'), ...sbin('mariadbd')], what: 'the MySQL/MariaDB database server', source: IANA },
    { names: ['redis-server'], protocol: 'tcp', ports: [6379, 6379], paths: ['/usr/bin/redis-server', '/usr/local/bin/redis-server'], what: 'the Redis server', source: IANA },
    { names: ['chronyd'], protocol: 'udp', ports: [123, 123], paths: sbin('chronyd'), what: 'the chrony time server (NTP)', source: 'https://chrony-project.org/doc/4.5/chronyd.html' },
    { names: ['chronyd'], protocol: 'udp', ports: [323, 323], paths: sbin('chronyd'), what: "chrony's local command port", source: 'https://chrony-project.org/doc/4.5/chronyd.html' },
    { names: ['ntpd'], protocol: 'udp', ports: [123, 123], paths: sbin('ntpd'), what: 'the NTP daemon', source: IANA },
    { names: ['avahi-daemon'], protocol: 'udp', ports: [5353, 5353], paths: sbin('avahi-daemon'), what: 'Avahi multicast DNS', source: IANA },
    { names: ['cupsd'], protocol: 'tcp', ports: [631, 631], loopbackOnly: true, paths: sbin('cupsd'), what: 'the CUPS print server (local only)', source: IANA },
    { names: ['rpcbind'], protocol: 'tcp', ports: [111, 111], paths: sbin('rpcbind'), what: 'the ONC RPC port mapper', source: IANA },
    { names: ['rpcbind'], protocol: 'udp', ports: [111, 111], paths: sbin('rpcbind'), what: 'the ONC RPC port mapper', source: IANA },
    { names: ['dhclient', 'systemd-networkd', 'networkmanager', 'dhcpcd'], protocol: 'udp', ports: [68, 68], what: 'the DHCP client', source: IANA },
    { names: ['systemd-networkd', 'networkmanager', 'dhclient'], protocol: 'udp', ports: [546, 546], what: 'the DHCPv6 client', source: IANA },
    { names: ['master'], protocol: 'tcp', ports: [25, 25], paths: ['/usr/lib/postfix/sbin/master', '/usr/libexec/postfix/master'], what: 'the Postfix mail server (SMTP)', source: IANA },
  ],
};
