// Listeners of a default macOS installation. Source: Apple "TCP and UDP ports used by Apple software
// products" and the daemons' manual pages.
import type { OsKnowledge } from './types.js';

const APPLE = 'https://support.apple.com/en-us/103229';

export const MACOS: OsKnowledge = {
  listeners: [
    { names: ['mdnsresponder'], protocol: 'udp', ports: [5353, 5353], paths: ['/usr/sbin/mDNSResponder'], what: 'Bonjour multicast DNS (mDNSResponder)', source: APPLE },
    { names: ['rapportd'], protocol: 'tcp', ports: [49152, 65535], paths: ['/usr/libexec/rapportd'], what: 'rapportd, which links Apple devices of the same account (Continuity, Handoff)', source: APPLE },
    { names: ['controlcenter', 'controlce'], protocol: 'tcp', ports: [5000, 5000], what: 'the AirPlay receiver of Control Center', source: APPLE },
    { names: ['controlcenter', 'controlce'], protocol: 'tcp', ports: [7000, 7000], what: 'the AirPlay receiver of Control Center', source: APPLE },
    { names: ['launchd'], protocol: 'tcp', ports: [22, 22], paths: ['/sbin/launchd'], what: 'Remote Login (sshd started on demand by launchd)', source: APPLE },
    { names: ['cupsd'], protocol: 'tcp', ports: [631, 631], loopbackOnly: true, paths: ['/usr/sbin/cupsd'], what: 'the CUPS print server (local only)', source: APPLE },
    { names: ['netbiosd'], protocol: 'udp', ports: [137, 138], paths: ['/usr/sbin/netbiosd'], what: 'NetBIOS name service for file sharing', source: APPLE },
    { names: ['syslogd'], protocol: 'udp', ports: [514, 514], loopbackOnly: true, paths: ['/usr/sbin/syslogd'], what: 'the system log daemon', source: APPLE },
  ],
};
