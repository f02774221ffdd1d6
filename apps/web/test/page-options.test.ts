import { describe, expect, it } from 'vitest';
import { joinOptions, readPageOptions } from '../src/page-options';

describe('readPageOptions', () => {
  it('defaults to the lobby, no secret, no test hooks', () => {
    expect(readPageOptions('')).toEqual({
      room: 'lobby',
      secret: undefined,
      test: false,
      transports: undefined,
    });
  });

  it('reads room, secret and test=1', () => {
    expect(readPageOptions('?room=team-a&secret=s3cret&test=1')).toEqual({
      room: 'team-a',
      secret: 's3cret',
      test: true,
      transports: undefined,
    });
  });

  it('treats empty values as absent and only test=1 as the test flag', () => {
    expect(readPageOptions('?room=&secret=&test=true')).toEqual({
      room: 'lobby',
      secret: undefined,
      test: false,
      transports: undefined,
    });
  });

  it('reads transports as a comma-separated list (joinRoom validates it)', () => {
    expect(readPageOptions('?transports=webrtc').transports).toEqual(['webrtc']);
    expect(readPageOptions('?transports=local,webrtc').transports).toEqual(['local', 'webrtc']);
  });

  it('reads ICE servers as JSON and the transport policy, and hands both to joinRoom', () => {
    const servers = [{ urls: 'turn:10.0.0.1:3478', username: 'u', credential: 'p' }];
    const options = readPageOptions(
      `?ice=${encodeURIComponent(JSON.stringify(servers))}&iceTransportPolicy=relay`,
    );
    expect(options).toMatchObject({ iceServers: servers, iceTransportPolicy: 'relay' });
    expect(joinOptions(options, 'http://x')).toMatchObject({
      iceServers: servers,
      iceTransportPolicy: 'relay',
    });
    expect(readPageOptions('?ice=not-json').iceServers).toBe('not-json');
    expect(joinOptions(readPageOptions(''), 'http://x')).not.toHaveProperty('iceServers');
  });

  it('reads the leader preference and its threshold, and hands both to joinRoom', () => {
    const options = readPageOptions('?leaderPreference=visible&hiddenLeaderMs=1500');
    expect(options).toMatchObject({ leaderPreference: 'visible', hiddenLeaderMs: 1500 });
    expect(joinOptions(options, 'http://x')).toMatchObject({
      leaderPreference: 'visible',
      hiddenLeaderMs: 1500,
    });
    expect(joinOptions(readPageOptions(''), 'http://x')).not.toHaveProperty('leaderPreference');
  });
});
