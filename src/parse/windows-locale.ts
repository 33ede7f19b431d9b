// Localised words of Windows netstat and route print (English, German, French, Spanish), compared
// after foldKeyword so that UTF-8, ANSI (latin1) and OEM (cp850) renderings all match.
import { foldKeyword } from './windows-text.js';

/** TCP states as Windows prints them (folded) → Linux netstat names (the connections.json contract). */
const STATES: Record<string, string> = {
  LISTENING: 'LISTEN',
  LISTEN: 'LISTEN',
  ESTABLISHED: 'ESTABLISHED',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE_WAIT: 'CLOSE_WAIT',
  SYN_SENT: 'SYN_SENT',
  SYN_RECEIVED: 'SYN_RECV',
  SYN_RCVD: 'SYN_RECV',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT_2: 'FIN_WAIT2',
  LAST_ACK: 'LAST_ACK',
  CLOSING: 'CLOSING',
  CLOSED: 'CLOSE',
  BOUND: 'BOUND',
  DELETE_TCB: 'DELETE_TCB',
  // German
  ABHOREN: 'LISTEN',
  HERGESTELLT: 'ESTABLISHED',
  WARTEND: 'TIME_WAIT',
  SCHLIESSEN_WARTEN: 'CLOSE_WAIT',
  SYN_GESENDET: 'SYN_SENT',
  SYN_EMPFANGEN: 'SYN_RECV',
  FIN_WARTEN_1: 'FIN_WAIT1',
  FIN_WARTEN_2: 'FIN_WAIT2',
  LETZTES_ACK: 'LAST_ACK',
  WIRD_GESCHLOSSEN: 'CLOSING',
  GESCHLOSSEN: 'CLOSE',
  GEBUNDEN: 'BOUND',
  // French
  ECOUTE: 'LISTEN',
  ETABLIE: 'ESTABLISHED',
  FERME: 'CLOSE',
  // Spanish
  ESCUCHANDO: 'LISTEN',
  ESTABLECIDO: 'ESTABLISHED',
  SYN_ENVIADO: 'SYN_SENT',
  SYN_RECIBIDO: 'SYN_RECV',
  CERRADO: 'CLOSE',
};

/** Linux netstat name for a printed Windows state, or null when the word is unknown. */
export function normaliseWindowsState(printed: string): string | null {
  return STATES[foldKeyword(printed)] ?? null;
}

const CONNECTION_TITLES = new Set(['ACTIVE CONNECTIONS', 'AKTIVE VERBINDUNGEN', 'CONNEXIONS ACTIVES', 'CONEXIONES ACTIVAS']);

/** The "Active Connections" title line of netstat -a (trimmed input). */
export function isConnectionsTitle(trimmed: string): boolean {
  return CONNECTION_TITLES.has(foldKeyword(trimmed));
}

const OWNER_NOTES = [
  'CAN NOT OBTAIN OWNERSHIP INFORMATION',
  'DER BESITZER KONNTE NICHT ERMITTELT WERDEN',
  'BESITZERINFORMATIONEN KONNEN NICHT ABGERUFEN WERDEN',
  'ES KONNTEN KEINE BESITZERINFORMATIONEN ABGERUFEN WERDEN',
  "IMPOSSIBLE D'OBTENIR LES INFORMATIONS DE PROPRIETAIRE",
  'NO SE PUEDE OBTENER INFORMACION DE PROPIEDAD',
];

/** netstat -b's sentence printed instead of an [image.exe] line (trimmed input). */
export function isKnownOwnerNote(trimmed: string): boolean {
  const folded = foldKeyword(trimmed);
  return OWNER_NOTES.includes(folded.endsWith('.') ? folded.slice(0, -1) : folded);
}

export type RouteSectionWord = 'interfaces' | 'ipv4' | 'ipv6' | 'active' | 'persistent' | 'none' | 'default-gateway';

const ROUTE_WORDS: Record<string, RouteSectionWord> = {
  'INTERFACE LIST': 'interfaces',
  SCHNITTSTELLENLISTE: 'interfaces',
  "LISTE D'INTERFACES": 'interfaces',
  'LISTA DE INTERFACES': 'interfaces',
  'IPV4 ROUTE TABLE': 'ipv4',
  'IPV4-ROUTENTABELLE': 'ipv4',
  'TABLE DE ROUTAGE IPV4': 'ipv4',
  'TABLA DE RUTAS IPV4': 'ipv4',
  'TABLA DE RUTAS DE IPV4': 'ipv4',
  'IPV6 ROUTE TABLE': 'ipv6',
  'IPV6-ROUTENTABELLE': 'ipv6',
  'TABLE DE ROUTAGE IPV6': 'ipv6',
  'TABLA DE RUTAS IPV6': 'ipv6',
  'TABLA DE RUTAS DE IPV6': 'ipv6',
  'ACTIVE ROUTES:': 'active',
  'AKTIVE ROUTEN:': 'active',
  'ITINERAIRES ACTIFS :': 'active',
  'ITINERAIRES ACTIFS:': 'active',
  'RUTAS ACTIVAS:': 'active',
  'PERSISTENT ROUTES:': 'persistent',
  'STANDIGE ROUTEN:': 'persistent',
  'ITINERAIRES PERSISTANTS :': 'persistent',
  'ITINERAIRES PERSISTANTS:': 'persistent',
  'RUTAS PERSISTENTES:': 'persistent',
  NONE: 'none',
  KEINE: 'none',
  AUCUN: 'none',
  NINGUNO: 'none',
};

const DEFAULT_GATEWAY_PREFIXES = ['DEFAULT GATEWAY:', 'STANDARDGATEWAY:', 'PASSERELLE PAR DEFAUT', 'PUERTA DE ENLACE PREDETERMINADA:'];

/** Which section line of `route print` this is, or null (trimmed input). */
export function routeSectionWord(trimmed: string): RouteSectionWord | null {
  const folded = foldKeyword(trimmed);
  const word = ROUTE_WORDS[folded];
  if (word) return word;
  return DEFAULT_GATEWAY_PREFIXES.some((p) => folded.startsWith(p)) ? 'default-gateway' : null;
}

const ON_LINK = new Set(['ON-LINK', 'AUF VERBINDUNG', 'SUR LA LIAISON', 'EN VINCULO', 'VINCULADO']);

/** route print's word for a directly connected route ("On-link", "Auf Verbindung" ...). */
export function isOnLinkWord(text: string): boolean {
  return ON_LINK.has(foldKeyword(text));
}
