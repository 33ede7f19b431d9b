// Socket holder for the network-namespace lab: opens the sockets a JSON spec asks for, prints READY
// once all are up, then keeps them open until killed. Started through a symlink or copy named like
// the process under test, so netstat (argv[0]) and ss (comm) both show that name.
import net from 'node:net';
import dgram from 'node:dgram';

const spec = JSON.parse(process.argv[2] ?? '{}');
if (spec.title) process.title = spec.title;
const keep = [];

function listenTcp({ host, port, ipv6Only }) {
  return new Promise((resolve, reject) => {
    const server = net.createServer((sock) => {
      keep.push(sock);
      sock.on('error', () => {});
    });
    server.on('error', reject);
    server.listen({ host, port, ipv6Only: Boolean(ipv6Only) }, () => resolve(server));
    keep.push(server);
  });
}

function bindUdp({ host, port, connectHost, connectPort }) {
  return new Promise((resolve, reject) => {
    const type = host.includes(':') ? 'udp6' : 'udp4';
    const sock = dgram.createSocket(type);
    sock.on('error', reject);
    sock.bind({ address: host, port }, () => {
      if (connectHost) sock.connect(connectPort, connectHost, () => resolve(sock));
      else resolve(sock);
    });
    keep.push(sock);
  });
}

function connectTcp({ host, port, localAddress }, attempts = 50) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port, localAddress });
    sock.once('connect', () => {
      sock.removeAllListeners('error');
      sock.on('error', () => {});
      keep.push(sock);
      resolve(sock);
    });
    sock.once('error', (err) => {
      if (attempts <= 1) return reject(err);
      setTimeout(() => connectTcp({ host, port, localAddress }, attempts - 1).then(resolve, reject), 100);
    });
  });
}

try {
  for (const l of spec.listen ?? []) {
    if (l.proto === 'udp') await bindUdp(l);
    else await listenTcp(l);
  }
  for (const c of spec.connect ?? []) await connectTcp(c);
  process.stdout.write('READY\n');
} catch (err) {
  process.stderr.write(`holder failed: ${err.message}\n`);
  process.exit(1);
}
setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => process.exit(0));
