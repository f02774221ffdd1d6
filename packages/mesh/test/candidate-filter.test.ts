import { describe, expect, it } from 'vitest';
import { CandidateFilter, hostCandidateKey } from '../src/candidate-filter';
import type { SimplePeerSignal } from '../src/link-signal';

const candidate = (text: string): SimplePeerSignal => ({
  type: 'candidate',
  candidate: { candidate: text, sdpMLineIndex: 0, sdpMid: '0' },
});
const tcp = (port: number) =>
  candidate(`candidate:2398920056 1 tcp 1518214911 192.0.2.2 ${port} typ host tcptype passive generation 0`);
const udp = (address: string, port: number) =>
  candidate(`candidate:3229573512 1 udp 2122194687 ${address} ${port} typ host generation 0 ufrag sGbI`);

describe('CandidateFilter', () => {
  it('relays a host candidate once, whatever ports it is re-gathered on', () => {
    const filter = new CandidateFilter(32);
    expect(filter.admit({ type: 'offer', sdp: 'v=0' })).toBe(true);
    expect([tcp(33667), tcp(58749), tcp(54629)].map((c) => filter.admit(c))).toEqual([true, false, false]);
    expect(
      [udp('192.0.2.2', 1), udp('127.0.0.1', 2), udp('192.0.2.2', 3)].map((c) => filter.admit(c)),
    ).toEqual([true, true, false]);
  });

  it('passes non-host candidates unfiltered, up to the cap of the attempt', () => {
    const filter = new CandidateFilter(3);
    const srflx = (port: number) =>
      candidate(`candidate:1 1 udp 1686052607 203.0.113.7 ${port} typ srflx raddr 192.0.2.2 rport 5000`);
    expect([srflx(1), srflx(2), srflx(3), srflx(4)].map((c) => filter.admit(c))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('keys only well-formed host candidates', () => {
    expect(hostCandidateKey('candidate:1 1 udp 1 10.0.0.1 9 typ host')).toBe(
      'candidate:1 1 udp 1 10.0.0.1 host ',
    );
    expect(hostCandidateKey('garbage')).toBeUndefined();
    expect(hostCandidateKey('candidate:1 1 udp 1 10.0.0.1 9 typ relay')).toBeUndefined();
  });
});
