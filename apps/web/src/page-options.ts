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
}

export const defaultRoom = 'lobby';

/** Reads {@link PageOptions} from a query string such as `location.search`. */
export function readPageOptions(search: string): PageOptions {
  const params = new URLSearchParams(search);
  const room = params.get('room');
  const secret = params.get('secret');
  const transports = params.get('transports');
  return {
    room: room === null || room === '' ? defaultRoom : room,
    secret: secret === null || secret === '' ? undefined : secret,
    test: params.get('test') === '1',
    transports:
      transports === null || transports === ''
        ? undefined
        : (transports.split(',') as unknown as JoinRoomOptions['transports']),
  };
}

/** What `joinRoom` gets for these page options, against the signaling server at `origin`. */
export function joinOptions(options: PageOptions, origin: string): JoinRoomOptions {
  return {
    signalingUrl: origin,
    room: options.room,
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    ...(options.test ? { faults: true } : {}),
    ...(options.transports === undefined ? {} : { transports: options.transports }),
  };
}
