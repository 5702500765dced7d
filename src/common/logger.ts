// A small logger interface passed to every part of the daemon (STYLE.md). Namespaces look like
// `wg:device:serial`; debug text may be built lazily so hot paths pay nothing when debug is off.
import { fstatSync } from 'node:fs';
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogText = string | (() => string);

export interface Logger {
  readonly namespace: string;
  debug(text: LogText, fields?: Record<string, unknown>): void;
  info(text: LogText, fields?: Record<string, unknown>): void;
  warn(text: LogText, fields?: Record<string, unknown>): void;
  error(text: LogText, fields?: Record<string, unknown>): void;
  /** A logger for a sub-namespace: `wg:device` + `serial` -> `wg:device:serial`. */
  child(name: string): Logger;
}

const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface PinoLoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to stderr so stdout stays free for the status line. */
  destination?: NodeJS.WritableStream;
  /** Human-readable lines instead of JSON (default: when the destination is a terminal and not the journal). */
  pretty?: boolean;
  /** Prefix every JSON line with its syslog priority for the journal (`<6>{...}`, journalPrefixed). */
  journal?: boolean;
}

/** A pino-backed logger writing JSON lines (one `ns` field per namespace). */
export function createLogger(namespace = 'wg', options: PinoLoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const destination = options.destination ?? process.stderr;
  const journal = options.journal ?? false;
  const pretty = options.pretty ?? (!journal && Boolean((destination as { isTTY?: boolean }).isTTY));
  const stream = journal ? journalStream(destination) : pretty ? prettyStream(destination) : destination;
  const base = pino({ level: level === 'silent' ? 'silent' : level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream as pino.DestinationStream);
  return wrapPino(base, namespace, level);
}

export type JournalMode = 'auto' | 'on' | 'off';

/**
 * Whether log lines go to the journal: `auto` when systemd connected stderr to it, i.e. JOURNAL_STREAM
 * (`<device>:<inode>`, systemd.exec(5)) names the file stderr is (a child that inherited the variable
 * but writes elsewhere gets plain lines).
 */
export function journalWanted(mode: JournalMode, env: NodeJS.ProcessEnv = process.env, stderrFd = 2): boolean {
  if (mode !== 'auto') return mode === 'on';
  const stream = env.JOURNAL_STREAM?.match(/^(\d+):(\d+)$/);
  if (!stream) return false;
  try {
    const st = fstatSync(stderrFd, { bigint: true });
    return st.dev === BigInt(stream[1]) && st.ino === BigInt(stream[2]);
  } catch {
    return false;
  }
}

/** Syslog priority per pino level, as sd-daemon(3) prefixes: SD_CRIT fatal, SD_ERR, SD_WARNING, SD_INFO, SD_DEBUG debug and trace. */
export function syslogPriority(pinoLevel: number): number {
  if (pinoLevel >= 60) return 2;
  if (pinoLevel >= 50) return 3;
  if (pinoLevel >= 40) return 4;
  if (pinoLevel >= 30) return 6;
  return 7;
}

/**
 * A pino destination that asks for each line's metadata (`Symbol.for('pino.metadata')`: pino sets
 * `lastLevel` before every write) and writes `<priority>` before the JSON line, which journald
 * takes as the line's priority (`journalctl -p warning` then works).
 */
function journalStream(out: NodeJS.WritableStream): { write(line: string): void; lastLevel: number; [key: symbol]: boolean } {
  return {
    [Symbol.for('pino.metadata')]: true,
    lastLevel: 30,
    write(line: string): void {
      out.write(`<${syslogPriority(this.lastLevel)}>${line}`);
    },
  };
}

const levelNames: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

/** Formats pino's JSON lines as `HH:MM:SS.mmm LEVEL ns: message key=value`. */
function prettyStream(out: NodeJS.WritableStream): { write(line: string): void } {
  return {
    write(line: string): void {
      try {
        const { level, time, ns, msg, ...fields } = JSON.parse(line) as Record<string, unknown>;
        const extra = Object.entries(fields)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        const clock = typeof time === 'string' ? time.slice(11, 23) : '';
        out.write(`${clock} ${levelNames[Number(level)] ?? level} ${ns}: ${msg}${extra ? `  ${extra}` : ''}\n`);
      } catch {
        out.write(line);
      }
    },
  };
}

function wrapPino(base: pino.Logger, namespace: string, level: LogLevel): Logger {
  const enabled = (at: LogLevel): boolean => levelOrder[at] >= levelOrder[level];
  const emit =
    (at: Exclude<LogLevel, 'silent'>) =>
    (text: LogText, fields?: Record<string, unknown>): void => {
      if (!enabled(at)) return;
      const msg = typeof text === 'function' ? text() : text;
      base[at]({ ns: namespace, ...fields }, msg);
    };
  return {
    namespace,
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (name) => wrapPino(base, `${namespace}:${name}`, level),
  };
}

export interface CapturedLine {
  level: Exclude<LogLevel, 'silent'>;
  namespace: string;
  text: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps lines in memory (for tests and for tools that print their own output). */
export function createMemoryLogger(namespace = 'wg', lines: CapturedLine[] = []): Logger & { lines: CapturedLine[] } {
  const emit =
    (level: CapturedLine['level']) =>
    (text: LogText, fields?: Record<string, unknown>): void => {
      lines.push({ level, namespace, text: typeof text === 'function' ? text() : text, fields });
    };
  return {
    namespace,
    lines,
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (name) => createMemoryLogger(`${namespace}:${name}`, lines),
  };
}

export const silentLogger: Logger = {
  namespace: 'silent',
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
