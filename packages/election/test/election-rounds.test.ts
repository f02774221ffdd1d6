import { describe, expect, it } from 'vitest';
import { browserDefaults, createElection } from '../src/index';
import { manualAdapter } from './helpers';

const {
  membershipSampleInterval: sample,
  leaderAliveThreshold: T,
  leaderElectionDuration: D,
  proposalBackoff: backoff,
} = browserDefaults;

function start(id: string, peers: string[]) {
  const net = manualAdapter(peers);
  const election = createElection({ id, adapter: net.adapter, clock: net.clock });
  const proposals = () => net.gossiped.filter((m) => m.type === 'proposal');
  const declarations = () => net.gossiped.filter((m) => m.type === 'declaration');
  return { net, election, proposals, declarations };
}

describe('election rounds (Fabric: leaderElection)', () => {
  it('the lowest id of the view proposes at once and declares after leaderElectionDuration', () => {
    const { net, election, proposals, declarations } = start('a', ['b', 'c']);
    net.clock.runUntil(sample);
    expect(proposals()).toEqual([{ type: 'proposal', sender: 'a', term: 0 }]);
    net.clock.runUntil(sample + D - 1);
    expect(election.isLeader()).toBe(false);
    net.clock.runUntil(sample + D);
    expect(election.isLeader()).toBe(true);
    expect(declarations()).toEqual([{ type: 'declaration', sender: 'a', term: 1 }]);
  });

  it('a higher id waits its backoff; having seen a lower proposal it stays quiet and does not declare', () => {
    const { net, election, proposals } = start('c', ['a', 'b']);
    net.clock.runUntil(sample + 1);
    net.deliver({ type: 'proposal', sender: 'a', term: 0 });
    net.clock.runUntil(sample + backoff + D + 1);
    expect(proposals()).toEqual([]);
    expect(election.isLeader()).toBe(false);
    expect(election.state().phase).toBe('electing');
  });

  it('a lower proposal that carries less than we know does not silence us: the winner must learn our term', () => {
    const { net, proposals } = start('c', ['a', 'b']);
    net.deliver({ type: 'declaration', sender: 'b', term: 7 });
    net.setPeers(['a']); // b leaves: c suspects it at once and waits D for a (now the lowest id) to declare
    net.deliver({ type: 'proposal', sender: 'a', term: 0 }); // a proposes instead, knowing only term 0
    net.clock.runFor(D + backoff);
    expect(proposals()).toEqual([{ type: 'proposal', sender: 'c', term: 7, holder: 'b' }]);
  });

  it('when the lower proposer never declares, the peer tries again one threshold later and wins', () => {
    const { net, election, proposals } = start('c', ['a', 'b']);
    net.clock.runUntil(sample + 1);
    net.deliver({ type: 'proposal', sender: 'a', term: 0 }); // then a goes quiet (still in the view)
    // c has rank 2 (a and b are lower): it waits backoff × 2/4, sees a's proposal, stays quiet, and gives the
    // round its full length; then, a lower id having proposed, it follows Fabric: wait T, try again.
    const wait = (backoff * 2) / 4;
    const retryAt = sample + wait + D + T;
    net.clock.runUntil(retryAt + wait - 1);
    expect(proposals()).toEqual([]);
    net.clock.runUntil(retryAt + wait);
    expect(proposals()).toHaveLength(1);
    net.clock.runUntil(retryAt + wait + D);
    expect(election.isLeader()).toBe(true);
  });

  it('a declaration interrupts the collection of proposals', () => {
    const { net, election, declarations } = start('a', ['b']);
    net.clock.runUntil(sample + D / 2);
    net.deliver({ type: 'declaration', sender: 'b', term: 1 });
    net.clock.runFor(D);
    expect(election.state()).toMatchObject({ leaderId: 'b', role: 'follower', phase: 'steady' });
    expect(declarations()).toEqual([]);
  });
});
