import { describe, expect, it } from 'vitest';
import { metricSample } from './support/metrics';
import { barrier, type Client, connectClient, peerIn, record, startServer } from './support/server';

const refusedJoins = 'conclave_limit_refusals_total{limit="room-joins"}';

/** Joins `room` and, when admitted, leaves again: one turn of a join/leave storm. */
async function joinAndLeave(client: Client, room: string): Promise<'admitted' | 'rate-limited'> {
  const result = await client.emitWithAck('join', { room });
  if (result.ok) {
    expect(await client.emitWithAck('leave')).toEqual({ ok: true });
    return 'admitted';
  }
  expect(result.error.code).toBe('rate-limited');
  return 'rate-limited';
}

describe('room join budget', () => {
  // The room's budget: 1 join per one-second window, plus a burst of 3 per minute.
  const roomJoinLimit = { joinsPerSecond: 1, burst: 3, burstWindowSeconds: 60 };

  it('admits a burst, then refuses with rate-limited; refused joins announce nothing; counted in /metrics', async () => {
    const server = await startServer({ roomJoinLimit });
    const started = Date.now();
    const member = await peerIn(server.url, 'busy');
    const announced = record(member.client, 'peer-joined');
    const stormer = await connectClient(server.url);
    const outcomes: string[] = [];
    for (let n = 0; n < 20; n++) outcomes.push(await joinAndLeave(stormer, 'busy'));
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;

    const admitted = outcomes.filter((outcome) => outcome === 'admitted').length;
    const refused = outcomes.length - admitted;
    // The member's own join spent one of the 1 + 3 the first window allows; each further window adds 1.
    expect(admitted).toBeGreaterThanOrEqual(3);
    expect(admitted).toBeLessThanOrEqual(3 + (windows - 1));
    expect(refused).toBeGreaterThan(0);
    // The burst goes first: once refused, the storm stays refused until a window passes.
    expect(outcomes.slice(0, 3)).toEqual(['admitted', 'admitted', 'admitted']);

    await barrier(member.client);
    expect(announced).toHaveLength(admitted);
    expect(await metricSample(server.url, refusedJoins)).toBe(refused);
    expect(await metricSample(server.url, 'conclave_rejected_inputs_total{code="rate-limited"}')).toBe(
      refused,
    );
  });

  it('leaves other rooms alone: their joins get in while one room is refused', async () => {
    const server = await startServer({ roomJoinLimit });
    const stormer = await connectClient(server.url);
    let outcome: string | undefined;
    for (let n = 0; n < 20 && outcome !== 'rate-limited'; n++) outcome = await joinAndLeave(stormer, 'busy');
    expect(outcome).toBe('rate-limited');

    // Four joins to another room: its own whole first-window budget (1 + burst 3).
    for (let n = 0; n < 4; n++) {
      const honest = await connectClient(server.url);
      expect(await honest.emitWithAck('join', { room: 'quiet' })).toMatchObject({ ok: true });
    }
  });

  it('refills: a refused room admits joins again once its one-second window has passed', async () => {
    const server = await startServer({ roomJoinLimit: { ...roomJoinLimit, burst: 0 } });
    const stormer = await connectClient(server.url);
    expect(await joinAndLeave(stormer, 'busy')).toBe('admitted');
    expect(await joinAndLeave(stormer, 'busy')).toBe('rate-limited');
    // The refill is time itself (the limiter reads the wall clock): retry until a join gets in, bounded.
    await expect
      .poll(() => joinAndLeave(stormer, 'busy'), { timeout: 4_000, interval: 100 })
      .toBe('admitted');
  });

  it('does not charge joins refused for a wrong secret: outsiders cannot drain a closed room', async () => {
    const server = await startServer({ roomJoinLimit: { ...roomJoinLimit, burst: 5 } });
    const started = Date.now();
    await peerIn(server.url, 'closed', { secret: 'letmein' });
    const outsider = await connectClient(server.url);
    for (let n = 0; n < 10; n++) {
      expect(await outsider.emitWithAck('join', { room: 'closed', secret: 'guess' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    // The first window's budget is 1 + burst 5; the owner spent one, the outsiders none: 5 friends get
    // in. Had the outsiders been charged, only one friend per elapsed window could.
    const admitted: boolean[] = [];
    for (let n = 0; n < 5; n++) {
      const friend = await connectClient(server.url);
      admitted.push((await friend.emitWithAck('join', { room: 'closed', secret: 'letmein' })).ok);
    }
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;
    expect(windows, 'the test ran too slowly to tell charged from free').toBeLessThan(5);
    expect(admitted).toEqual([true, true, true, true, true]);
  });
});
