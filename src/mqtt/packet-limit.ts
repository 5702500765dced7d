// A byte stream in front of the embedded broker that closes a connection whose next MQTT packet
// would be larger than the limit, before a byte of it is buffered: aedes itself accepts packets
// up to the protocol's 256 MiB. Only the fixed header (type byte + "remaining length", a 1-4 byte
// varint, MQTT 3.1.1 §2.2.3 / 5.0 §2.1.4) is parsed; the rest passes through untouched.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export class PacketTooLargeError extends Error {
  override readonly name = 'PacketTooLargeError';
}

/** Tracks packet boundaries across chunks; `accept` returns false once a packet exceeds the limit. */
export class PacketSizeGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private lengthValue = 0;
  private lengthShift = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private packetBytes = 0;

  constructor(readonly maxPacketBytes: number) {}

  /** Size of the packet that broke the limit (valid after `accept` returned false). */
  get lastPacketBytes(): number {
    return this.packetBytes;
  }

  accept(chunk: Uint8Array): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++];
      if (this.state === 'type') {
        this.state = 'length';
        this.lengthValue = this.lengthShift = this.lengthBytes = 0;
        continue;
      }
      this.lengthValue += (byte & 0x7f) * 2 ** this.lengthShift;
      this.lengthShift += 7;
      this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes >= 4) return false; // malformed: more than 4 length bytes
        continue;
      }
      this.packetBytes = 1 + this.lengthBytes + this.lengthValue;
      if (this.packetBytes > this.maxPacketBytes) return false;
      this.bodyLeft = this.lengthValue;
      this.state = this.bodyLeft === 0 ? 'type' : 'body';
    }
    return true;
  }
}

/** Wraps a socket for `aedes.handle()`: reads are checked by a PacketSizeGuard, writes pass through. */
export class PacketLimitedStream extends Duplex {
  private readonly guard: PacketSizeGuard;

  constructor(
    private readonly socket: Socket,
    maxPacketBytes: number,
    onTooLarge: (packetBytes: number) => void,
  ) {
    super();
    this.guard = new PacketSizeGuard(maxPacketBytes);
    socket.on('data', (chunk: Buffer) => {
      if (!this.guard.accept(chunk)) {
        onTooLarge(this.guard.lastPacketBytes);
        socket.destroy();
        this.destroy(new PacketTooLargeError(`packet of ${this.guard.lastPacketBytes} bytes is over the ${maxPacketBytes}-byte limit`));
        return;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    socket.on('error', (err) => this.destroy(err));
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.destroyed) return callback(new Error('socket closed'));
    this.socket.write(chunk, callback);
  }

  // aedes writes a packet in several pieces; one corked write keeps them in one segment.
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    if (this.socket.destroyed) return callback(new Error('socket closed'));
    this.socket.cork();
    chunks.forEach(({ chunk }, i) => this.socket.write(chunk, i === chunks.length - 1 ? callback : undefined));
    this.socket.uncork();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}

/** Bytes of a QoS 1 PUBLISH packet: fixed header (1 + up to 4 length bytes), topic (2 + n), packet id (2), payload. */
export function publishPacketBytes(topic: string, payload: string | Uint8Array): number {
  const remaining = 2 + Buffer.byteLength(topic) + 2 + (typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}
