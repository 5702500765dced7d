// What /proc says of another process (the daemon under bench): its CPU time and resident memory,
// so a bench's own simulators are never counted against the gateway. Linux only.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const clockTicksPerS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerS;
}

/** Resident set size, MB. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** Resident memory by kind (/proc/<pid>/smaps): file-backed (binary, libraries), anonymous, and the largest anonymous mappings (V8 heap pages, WASM memories). */
export function rssBreakdownMb(pid: number): { fileMb: number; anonMb: number; largestAnonMb: number[] } {
  const text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  let fileKb = 0;
  let anonKb = 0;
  const anon: number[] = [];
  let isFile = false;
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      isFile = head[1]!.startsWith('/');
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const kb = Number(rss[1]);
    if (isFile) fileKb += kb;
    else {
      anonKb += kb;
      anon.push(kb);
    }
  }
  return { fileMb: fileKb / 1024, anonMb: anonKb / 1024, largestAnonMb: anon.sort((a, b) => b - a).slice(0, 6).map((kb) => kb / 1024) };
}
