import type { Rule, RuleHit, SocketInfo } from '../types.js';
import { describeOwner, describeSocket, groupByPid, ownerKeys, processHit, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

// Programs that legitimately open raw sockets (DHCP, router discovery, routing daemons, capture tools).
const KNOWN_RAW = new Set([
  'dhclient', 'dhcpcd', 'networkmanager', 'systemd-networkd', 'systemd-network', 'wpa_supplicant', 'tcpdump', 'dumpcap', 'lldpd',
  'ping', 'ping6', 'traceroute', 'traceroute6', 'mtr', 'mtr-packet', 'arping', 'radvd', 'bird', 'bird6', 'zebra', 'ospfd',
  'ospf6d', 'keepalived', 'nmap', 'suricata', 'zeek', 'snort', 'ntpd', 'avahi-daemon', 'dnsmasq', 'charon', 'pluto', 'udhcpc',
]);
const KNOCK_DAEMONS = new Set(['knockd', 'fwknopd']);

export const netRawSniffer: Rule = {
  meta: {
    id: 'NET-RAW-SNIFFER',
    title: 'Raw socket held by an unexpected program',
    plain: 'an unexpected program reads raw network traffic, as hidden backdoors that wait for a secret signal do',
    severity: 'high',
    description:
      'A raw socket owned by a program that is not a DHCP/router-discovery/routing/capture tool (high); port-knocking daemons (knockd, fwknopd) are info; raw sockets without a shown owner in a privileged capture are medium.',
    rationale: 'Port-knocking and magic-packet backdoors (cd00r, BPFDoor-like implants) read raw traffic and never show a LISTEN line.',
    falsePositives: 'Monitoring agents, VPN daemons and network tools not in the known list.',
    attack: ['T1205.001', 'T1040'],
    references: [attackUrl('T1205.001'), attackUrl('T1040'), REF.packet7, REF.raw7],
    subject: 'process',
  },
  check(ctx) {
    const raw = ctx.sockets.filter((s) => s.protocol === 'raw');
    const hits: RuleHit[] = [];
    for (const [pid, sockets] of groupByPid(raw)) {
      const first = sockets[0] as SocketInfo;
      const proc = pid >= 0 ? ctx.processes.get(pid) : undefined;
      const keys = ownerKeys(first);
      if (keys.some((k) => KNOWN_RAW.has(k))) continue;
      const where = sockets.slice(0, 10).map(describeSocket).join('; ');
      if (keys.some((k) => KNOCK_DAEMONS.has(k))) {
        const note = 'The owner is a port-knocking daemon: it reads packets on raw sockets by design.';
        const hit = proc ? processHit(proc, sockets, `${describeOwner(first)} owns ${where}.`, 'info', note) : socketHit(first, `${describeSocket(first)} owned by ${describeOwner(first)}.`, 'info', note);
        hits.push(hit);
        continue;
      }
      if (proc) {
        hits.push(processHit(proc, sockets, `${describeOwner(first)} owns ${where}.`));
      } else if (keys.length === 0 && ctx.privileged === true) {
        for (const s of sockets) hits.push(socketHit(s, `${describeSocket(s)}: no owning process shown.`, 'medium', 'The collection was privileged, so every owner should have been shown.'));
      } else if (keys.length > 0) {
        hits.push(socketHit(first, `${describeSocket(first)} owned by ${describeOwner(first)}.`));
      }
    }
    return hits;
  },
};
