import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { LinkCallbacks } from '../src/link';
import { earlyDataLimit, type SimplePeerConstructor, simplePeerLinkFactory } from '../src/peer-link';

/** A stand-in for simple-peer: the test emits its events. */
class ScriptedPeer extends EventEmitter {
  static last: ScriptedPeer | undefined;
  bufferSize = 0;
  constructor(readonly options: { config?: RTCConfiguration }) {
    super();
    ScriptedPeer.last = this;
  }
  signal(): void {}
  send(): void {}
  destroy(): void {}
}

function link() {
  const log: string[] = [];
  const callbacks: LinkCallbacks = {
    signal: () => {},
    open: () => log.push('open'),
    data: (chunk) => log.push(`data:${String(chunk)}`),
    close: (reason) => log.push(`close:${reason}`),
  };
  const made = simplePeerLinkFactory({
    iceServers: [],
    SimplePeer: ScriptedPeer as unknown as SimplePeerConstructor,
  })('b'.repeat(32), true, callbacks);
  return { made, peer: ScriptedPeer.last!, log };
}

describe('simple-peer link: data that arrives before connect', () => {
  it('is kept and delivered in order right after open (the leader answers a newcomer that early)', () => {
    const { peer, log } = link();
    peer.emit('data', 'first');
    peer.emit('data', 'second');
    expect(log).toEqual([]);
    peer.emit('connect');
    peer.emit('data', 'third');
    expect(log).toEqual(['open', 'data:first', 'data:second', 'data:third']);
  });

  it('is bounded, and dropped when the link closes before it opens', () => {
    const { peer, log } = link();
    for (let i = 0; i < earlyDataLimit + 5; i++) peer.emit('data', `m${i}`);
    peer.emit('connect');
    expect(log.filter((entry) => entry.startsWith('data:'))).toHaveLength(earlyDataLimit);

    const other = link();
    other.peer.emit('data', 'lost');
    other.peer.emit('close');
    other.peer.emit('connect');
    expect(other.log).toEqual(['close:closed']);
  });
});

describe('simple-peer link: ICE configuration', () => {
  const make = (iceTransportPolicy?: RTCIceTransportPolicy) => {
    const iceServers = [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }];
    simplePeerLinkFactory({
      iceServers,
      iceTransportPolicy,
      SimplePeer: ScriptedPeer as unknown as SimplePeerConstructor,
    })('b'.repeat(32), true, { signal: () => {}, open: () => {}, data: () => {}, close: () => {} });
    return ScriptedPeer.last!.options.config;
  };

  it('gives each RTCPeerConnection the servers and the relay-only policy asked for', () => {
    expect(make('relay')).toEqual({
      iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }],
      iceTransportPolicy: 'relay',
    });
  });

  it('uses every candidate when no policy is given', () => {
    expect(make()?.iceTransportPolicy).toBe('all');
  });
});
