// From a config file to a plain value, with the limits that keep a hostile file from exhausting
// memory or the stack: the size before parsing, YAML nesting and token count while parsing, and
// nesting, item and value counts before the schema sees it. Every refusal is `path: message`.
import { Composer, Lexer, LineCounter, Parser, YAMLError, type Document } from 'yaml';
import { InputFileError, readBoundedTextFileSync } from '../../common/bounded-read.js';
import { ConfigError } from '../../common/errors.js';
import { MAX_DEVICES } from './schema.js';

export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
export const MAX_CONFIG_DEPTH = 32;
/** No array in the schema is longer than the device list, no object has this many keys. */
export const MAX_CONFIG_ITEMS = MAX_DEVICES;
/** A full config (256 devices, every field spelled out) holds about 10 000 values. */
export const MAX_CONFIG_VALUES = 50_000;
const MAX_YAML_ALIASES = 100;
// 256 devices with every field and comment lex to about 40 000 tokens; the cap stops a 1 MiB
// file of tiny items before the parser builds a tree of them.
const MAX_YAML_TOKENS = 100_000;
// The CST parser's stack grows by about one entry per level; stop long before recursion runs deep.
const MAX_YAML_STACK = 2 * MAX_CONFIG_DEPTH;
const MAX_SHAPE_PROBLEMS = 20;

/** A problem path from object keys and array indexes; odd keys are %-escaped so lines stay `path: message`. */
export function formatPath(segments: readonly (string | number)[]): string {
  if (segments.length === 0) return '(root)';
  return segments.map(formatSegment).join('.');
}

function formatSegment(segment: string | number): string {
  const text = String(segment);
  if (text === '') return "''";
  const escaped = text.replace(/[^A-Za-z0-9_-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 64 ? `${escaped.slice(0, 64)}...` : escaped;
}

/** A user value for a message, as JSON so it stays on one line; long ones are cut. */
export function quoteValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value);
  } catch {
    text = typeof value; // cycles, BigInt
  }
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

/** A parser's message on one line (problems are one line each), cut when long. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

/** Reads and parses a YAML or JSON config file without validating it. */
export function readConfigDocument(path: string): unknown {
  let text: string;
  try {
    text = readBoundedTextFileSync(path, { maxBytes: MAX_CONFIG_FILE_BYTES, what: 'config file' });
  } catch (err) {
    if (err instanceof InputFileError) throw new ConfigError([`(file): ${err.message}`]);
    throw err;
  }
  return path.endsWith('.json') ? parseJsonText(text, path) : parseYamlText(text, path);
}

function parseJsonText(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError([`(file): ${path} is not valid JSON: ${oneLine((err as Error).message)}`]);
  }
}

/** YAML.parse() with a bounded token count and nesting depth (a 1 MiB `[[[[...` takes 600 MB otherwise). */
export function parseYamlText(text: string, path: string): unknown {
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  const where = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  function* tokens() {
    lines.addNewLine(0);
    let count = 0;
    for (const lexeme of new Lexer().lex(text)) {
      if (++count > MAX_YAML_TOKENS) {
        throw new ConfigError([`(file): ${path} has more than ${MAX_YAML_TOKENS} YAML tokens, far more than any gateway config`]);
      }
      yield* parser.next(lexeme);
      if (parser.stack.length > MAX_YAML_STACK) {
        throw new ConfigError([`(file): ${path} is nested deeper than ${MAX_CONFIG_DEPTH} levels (${where(parser.offset)})`]);
      }
    }
    yield* parser.end();
  }
  try {
    let doc: Document.Parsed | undefined;
    for (const next of new Composer({ uniqueKeys: true, logLevel: 'error' }).compose(tokens(), true, text.length)) {
      if (doc) throw new ConfigError([`(file): ${path} holds more than one YAML document (${where(next.range[0])})`]);
      doc = next;
    }
    if (!doc) return null;
    const error = doc.errors[0];
    if (error) throw new ConfigError([`(file): ${path} is not valid YAML: ${oneLine(error.message)} (${where(error.pos[0])})`]);
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if (err instanceof RangeError) throw new ConfigError([`(file): ${path} is nested too deeply to parse`]);
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new ConfigError([`(file): ${path} expands YAML aliases too often (limit ${MAX_YAML_ALIASES}); write the values out`]);
    }
    const message = err instanceof YAMLError ? `${oneLine(err.message)} (${where(err.pos[0])})` : oneLine(String(err));
    throw new ConfigError([`(file): ${path} is not valid YAML: ${message}`]);
  }
}

/**
 * Problems a document has before the schema is worth running: nesting deeper than
 * MAX_CONFIG_DEPTH, arrays or objects with more than MAX_CONFIG_ITEMS entries, more than
 * MAX_CONFIG_VALUES values (also ends cycles), `__proto__` keys. Iterative: no stack to overflow.
 */
export function documentShapeProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value: doc, path: [] }];
  let values = 0;
  while (pending.length > 0 && problems.length < MAX_SHAPE_PROBLEMS) {
    const { value, path } = pending.pop()!;
    if (++values > MAX_CONFIG_VALUES) {
      problems.push(`(root): more than ${MAX_CONFIG_VALUES} values, far more than any gateway config`);
      break;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_CONFIG_DEPTH) {
      problems.push(`${formatPath(path)}: nested deeper than ${MAX_CONFIG_DEPTH} levels`);
      continue;
    }
    const keys = Array.isArray(value) ? null : Object.keys(value);
    const count = keys ? keys.length : (value as unknown[]).length;
    if (count > MAX_CONFIG_ITEMS) {
      problems.push(`${formatPath(path)}: ${count} ${keys ? 'keys' : 'items'}, more than the ${MAX_CONFIG_ITEMS} allowed`);
      continue;
    }
    if (keys === null) {
      // Children pushed last-first, so problems come out in document order.
      const items = value as unknown[];
      for (let i = items.length - 1; i >= 0; i--) pending.push({ value: items[i], path: [...path, i] });
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(value, '__proto__')) problems.push(`${formatPath([...path, '__proto__'])}: key not allowed`);
    for (const key of keys.reverse()) pending.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
  }
  return problems;
}
