import type { PeerId } from './types';

/**
 * Orders ids like Fabric's `bytes.Compare` on their UTF-8 bytes: -1, 0 or 1. UTF-8 byte order is code-point
 * order, which differs from JavaScript's UTF-16 order only where a supplementary character (a surrogate pair)
 * meets a BMP character at or above U+E000; that case is handled without encoding anything.
 */
export function compareIds(a: PeerId, b: PeerId): -1 | 0 | 1 {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate === ySurrogate) return x < y ? -1 : 1;
    // A surrogate starts a code point >= U+10000, above every BMP code point.
    return xSurrogate ? 1 : -1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The lowest id of a list (Fabric's winner), or undefined for an empty list. */
export function lowestId(ids: Iterable<PeerId>): PeerId | undefined {
  let lowest: PeerId | undefined;
  for (const id of ids) if (lowest === undefined || compareIds(id, lowest) < 0) lowest = id;
  return lowest;
}
