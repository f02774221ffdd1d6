import type { Clock, PeerId } from '@conclave/election';
import { type LocalChannel, LocalTransport, type LockManagerLike } from './local-transport';

export interface LocalSetup {
  readonly selfId: PeerId;
  readonly signalingUrl: string;
  readonly room: string;
  readonly secret: string | undefined;
  readonly clock: Clock;
}

/**
 * The room's local transport from the browser's `BroadcastChannel` and `navigator.locks`; undefined where
 * there is no `BroadcastChannel` (Node, old browsers): then every peer is linked over WebRTC.
 */
export async function createLocalTransport(setup: LocalSetup): Promise<LocalTransport | undefined> {
  const scope = globalThis as {
    BroadcastChannel?: new (name: string) => LocalChannel;
    navigator?: { locks?: LockManagerLike };
  };
  if (typeof scope.BroadcastChannel !== 'function') return undefined;
  try {
    const name = await localChannelName(setup.signalingUrl, setup.room, setup.secret);
    const locks = scope.navigator?.locks;
    return new LocalTransport({
      selfId: setup.selfId,
      name,
      channel: new scope.BroadcastChannel(name),
      locks: typeof locks?.request === 'function' ? locks : undefined,
      clock: setup.clock,
    });
  } catch {
    return undefined; // e.g. a sandboxed frame without channels: WebRTC only
  }
}

/**
 * One channel per server, room and secret: tabs of two rooms, or of one room name under two secrets, never
 * share one. The secret is only hashed into the name (anything of the origin could read it anyway).
 */
export async function localChannelName(
  signalingUrl: string,
  room: string,
  secret: string | undefined,
): Promise<string> {
  const key = `${new URL(signalingUrl).origin}\n${room}\n${secret ?? ''}`;
  // v4: announcements are answered to the announcer only (never answered back) and a turn's data goes out
  // as one `batch`; v3 tabs would take neither. (v3: a tab announces itself before it holds its lock.) Tabs
  // of different versions (open across a deploy) must not share the channel: they link over WebRTC.
  return `conclave/v4/${room}/${await digest(key)}`;
}

async function digest(text: string): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle) {
    const bytes = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
    return [...bytes.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  }
  // No SubtleCrypto (insecure origin): FNV-1a, enough to keep rooms apart (not to hide the secret).
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `fnv-${hash.toString(16)}-${text.length}`;
}
