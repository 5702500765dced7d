// Child process for the crash test: queues N results while the broker is unreachable, says so on
// stdout, then waits to be killed with SIGKILL (no chance to flush or disconnect).
import { beats, makePublisher, t } from './_publisher.js';

const [dbPath, url, countText] = process.argv.slice(2);
const count = Number(countText);
// NORMAL on purpose: WAL commits survive a process crash without an fsync (FULL adds power loss).
const pub = makePublisher(url, {}, dbPath, 'normal');
pub.publisher.start();
for (let seq = 0; seq < count; seq++) pub.publisher.publish(t.ecgBeats('dev1'), beats(seq));
pub.publisher.flush(); // committed: from here on only the outbox file holds them
process.stdout.write(`queued ${pub.outbox.stats().depth}\n`);
setInterval(() => undefined, 60_000);
