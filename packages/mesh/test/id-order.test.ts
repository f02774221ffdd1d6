import { VirtualClock } from '@conclave/election/simulation';
import { describe, expect, it } from 'vitest';
import { FakeNetwork, fullyMeshed, settle } from './fake-network';

// Two ids on which the election's order (code points, like Fabric's bytes.Compare on UTF-8) and
// JavaScript's `<` (UTF-16 code units) disagree: U+E000 is below U+10000, but its code unit 0xE000 is
// above the surrogate 0xD800 that starts U+10000.
const low = 'a\uE000';
const high = 'a\u{10000}';

describe('the mesh orders ids as the election does (compareIds), not with <', () => {
  it('uses ids whose two orders differ', () => {
    expect(high < low).toBe(true);
  });

  // Link reports are not checked: the wire admits only 32-hex ids in them, on which both orders agree.
  it('the lower id by compareIds initiates, and peers() and view() list ids in that order', () => {
    const clock = new VirtualClock(1_000);
    const net = new FakeNetwork(clock);
    const observer = net.join('0');
    // Join the higher one first, so the order of arrival cannot stand in for the order of ids.
    const b = net.join(high);
    const a = net.join(low);
    settle(clock, () => fullyMeshed([observer, a, b]), 2_000, 'full mesh');

    expect(net.linkOf(low, high)?.initiator).toBe(true);
    expect(net.linkOf(high, low)?.initiator).toBe(false);
    expect(observer.peers().map((peer) => peer.id)).toEqual([low, high]);
    expect(observer.view()).toEqual([low, high]);
  });
});
