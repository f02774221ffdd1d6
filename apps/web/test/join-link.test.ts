import { describe, expect, it } from 'vitest';
import { isLoopbackOrigin, joinUrl } from '../src/join-link';

describe('joinUrl', () => {
  it('is the dashboard at the same origin with only the room (never the secret)', () => {
    expect(joinUrl('http://192.168.1.20:5173', 'team a')).toBe('http://192.168.1.20:5173/?room=team+a');
  });
});

describe('isLoopbackOrigin', () => {
  it('tells loopback origins, which other devices cannot reach, from LAN ones', () => {
    for (const origin of [
      'http://localhost:5173',
      'http://127.0.0.1:5173',
      'http://127.1.2.3',
      'http://[::1]:80',
    ]) {
      expect(isLoopbackOrigin(origin), origin).toBe(true);
    }
    for (const origin of ['http://192.168.1.20:5173', 'https://app.example', 'http://10.0.0.1']) {
      expect(isLoopbackOrigin(origin), origin).toBe(false);
    }
  });
});
