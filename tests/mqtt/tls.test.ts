// TLS with a client certificate against mosquitto (certificates made by openssl for the test).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommands } from '../_support/env.js';
import { Mosquitto } from '../_support/brokers.js';
import { beats, makePublisher, t } from './_publisher.js';
import { nextEvent, Subscriber } from './_subscriber.js';

const hasTools = requireCommands('mosquitto TLS', 'mosquitto', 'openssl');

function makeCertificates(dir: string): void {
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...key, '-days', '1', '-subj', '/CN=wg-test-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, cn, ext] of [['server', '127.0.0.1', 'server.ext'], ['client', 'gw-pub', '']] as const) {
    openssl('req', ...key, '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    const extArgs = ext ? ['-extfile', ext] : [];
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', ...extArgs, '-out', `${name}.crt`);
  }
}

(hasTools ? test : test.skip)('publishes over mqtts with a client certificate verified by the broker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-tls-'));
  makeCertificates(dir);
  const broker = await Mosquitto.start({
    listenerConfig: [
      `cafile ${join(dir, 'ca.crt')}`,
      `certfile ${join(dir, 'server.crt')}`,
      `keyfile ${join(dir, 'server.key')}`,
      'require_certificate true',
    ],
  });
  const url = `mqtts://127.0.0.1:${broker.port}`;
  const files = { ca: join(dir, 'ca.crt'), cert: join(dir, 'client.crt'), key: join(dir, 'client.key') };
  let sub: Subscriber | null = null;
  const pub = makePublisher(url, { tls: { caPath: files.ca, certPath: files.cert, keyPath: files.key } });
  try {
    const ca = readFileSync(files.ca);
    const refused = await Subscriber.open(url, [t.ecgBeats('dev1').topic], { ca }).then(
      (s) => s.close().then(() => false),
      () => true,
    );
    assert.ok(refused, 'a client without a certificate is refused');
    sub = await Subscriber.open(url, [t.ecgBeats('dev1').topic], { ca, cert: readFileSync(files.cert), key: readFileSync(files.key) });
    const connected = nextEvent(pub.publisher.events, 'connected');
    pub.publisher.start();
    await connected;
    pub.publisher.publish(t.ecgBeats('dev1'), beats(1));
    await sub.until('the result over TLS', (m) => m.length === 1);
    assert.equal(JSON.parse(sub.messages[0].text), beats(1));
  } finally {
    await sub?.close();
    await pub.close();
    await broker.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unreadable TLS files are a clear error at construction', () => {
  assert.throws(() => makePublisher('mqtts://127.0.0.1:1', { tls: { caPath: '/nonexistent/ca.crt' } }), /cannot read MQTT TLS CA certificate/);
});

test.run();
