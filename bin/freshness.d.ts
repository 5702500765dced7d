// Types of bin/freshness.js (plain JavaScript so the launcher needs no compiler).
export function newestMtimeMs(dir: string): number;
export function distIsFresh(root: string): boolean;
