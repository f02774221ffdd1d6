import type { JoinRoomOptions } from '@conclave/mesh';

/** What the page's URL asks for. */
export interface PageOptions {
  /** Room to join: `?room=NAME`, default `lobby`. The mesh validates the name when joining. */
  readonly room: string;
  /** Room secret: `?secret=...`, when the room needs one. */
  readonly secret: string | undefined;
  /** `?test=1`: expose the room as `window.conclave` and enable fault injection (for e2e tests only). */
  readonly test: boolean;
  /**
   * `?transports=webrtc` (or `local`, or `local,webrtc`): how to link peers; absent means the default
   * (local, then WebRTC). joinRoom validates the list.
   */
  readonly transports: JoinRoomOptions['transports'];
  /**
   * `?ice=` a JSON array of RTCIceServer (STUN/TURN, with credentials), and `?iceTransportPolicy=relay` to link
   * only through TURN: to try a TURN server, or reach a device no direct path leads to. joinRoom validates
   * both; text that is not JSON is passed on as is, so joinRoom refuses it with its own message.
   */
  readonly iceServers?: JoinRoomOptions['iceServers'];
  readonly iceTransportPolicy?: JoinRoomOptions['iceTransportPolicy'];
  /**
   * `?leaderPreference=visible` (and `&hiddenLeaderMs=N`): a leader whose page stays hidden hands over to a
   * visible tab. joinRoom validates both.
   */
  readonly leaderPreference?: JoinRoomOptions['leaderPreference'];
  readonly hiddenLeaderMs?: number;
}

export const defaultRoom = 'lobby';

/** Reads {@link PageOptions} from a query string such as `location.search`. */
export function readPageOptions(search: string): PageOptions {
  const params = new URLSearchParams(search);
  const room = params.get('room');
  const secret = params.get('secret');
  const transports = params.get('transports');
  const ice = params.get('ice');
  const policy = params.get('iceTransportPolicy');
  const preference = params.get('leaderPreference');
  const hidden = params.get('hiddenLeaderMs');
  return {
    room: room === null || room === '' ? defaultRoom : room,
    secret: secret === null || secret === '' ? undefined : secret,
    test: params.get('test') === '1',
    transports:
      transports === null || transports === ''
        ? undefined
        : (transports.split(',') as unknown as JoinRoomOptions['transports']),
    ...(ice === null || ice === '' ? {} : { iceServers: jsonOrText(ice) as JoinRoomOptions['iceServers'] }),
    ...(policy === null || policy === ''
      ? {}
      : { iceTransportPolicy: policy as JoinRoomOptions['iceTransportPolicy'] }),
    ...(preference === null || preference === ''
      ? {}
      : { leaderPreference: preference as JoinRoomOptions['leaderPreference'] }),
    ...(hidden === null || hidden === '' ? {} : { hiddenLeaderMs: Number(hidden) }),
  };
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What `joinRoom` gets for these page options, against the signaling server at `origin`. */
export function joinOptions(options: PageOptions, origin: string): JoinRoomOptions {
  return {
    signalingUrl: origin,
    room: options.room,
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    ...(options.test ? { faults: true } : {}),
    ...(options.transports === undefined ? {} : { transports: options.transports }),
    ...(options.iceServers === undefined ? {} : { iceServers: options.iceServers }),
    ...(options.iceTransportPolicy === undefined ? {} : { iceTransportPolicy: options.iceTransportPolicy }),
    ...(options.leaderPreference === undefined ? {} : { leaderPreference: options.leaderPreference }),
    ...(options.hiddenLeaderMs === undefined ? {} : { hiddenLeaderMs: options.hiddenLeaderMs }),
  };
}
