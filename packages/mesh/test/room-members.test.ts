import { describe, expect, it } from 'vitest';
import { meshLimits } from '../src/limits';
import { RoomMembers } from '../src/room-members';

const id = (n: number) => n.toString(16).padStart(32, '0');
const self = id(0);

describe('room members', () => {
  it('applies events held during a join on top of its answer, in order', () => {
    const members = new RoomMembers();
    members.joining();
    expect(members.event(undefined, { kind: 'joined', id: id(3) }, false)).toBe(false);
    expect(members.event(undefined, { kind: 'left', id: id(1) }, false)).toBe(false);
    // Joined and left again before the answer: gone, whether or not the answer listed it.
    expect(members.event(undefined, { kind: 'joined', id: id(4) }, false)).toBe(false);
    expect(members.event(undefined, { kind: 'left', id: id(4) }, false)).toBe(false);
    const held = members.answered(self, [id(1), id(2), id(4)]);
    expect(members.list().sort()).toEqual([id(2), id(3)]);
    expect(held.map((event) => `${event.kind} ${event.id.slice(-1)}`)).toEqual([
      'joined 3',
      'left 1',
      'joined 4',
      'left 4',
    ]);
  });

  it('after the answer, events apply at once; this peer is never its own member', () => {
    const members = new RoomMembers();
    members.joining();
    members.answered(self, [id(1), self]);
    expect(members.event(self, { kind: 'joined', id: id(2) }, true)).toBe(true);
    expect(members.event(self, { kind: 'joined', id: self }, true)).toBe(true);
    expect(members.event(self, { kind: 'left', id: id(1) }, true)).toBe(true);
    expect(members.list()).toEqual([id(2)]);
  });

  it('a new join starts afresh: what a failed one held is dropped', () => {
    const members = new RoomMembers();
    members.joining();
    members.event(undefined, { kind: 'joined', id: id(5) }, false);
    members.joining();
    expect(members.answered(self, [id(1)])).toEqual([]);
    expect(members.list()).toEqual([id(1)]);
  });

  it('holds and keeps a bounded number', () => {
    const members = new RoomMembers();
    members.joining();
    for (let n = 1; n <= 10 * meshLimits.maxPeers; n++) {
      members.event(undefined, { kind: 'joined', id: id(n) }, false);
    }
    expect(members.answered(self, []).length).toBe(4 * meshLimits.maxPeers);
    expect(members.list().length).toBe(meshLimits.maxPeers);
  });
});
