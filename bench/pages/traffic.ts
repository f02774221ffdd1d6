import type { TrafficCount, TrafficCounters } from './bench-events';

/** Name suffix of the bench's own status channel on the broadcast-channel page (counted apart from the library). */
export const statusChannelSuffix = ':bench-status';

const encoder = new TextEncoder();

function byteSize(data: unknown): number {
  if (typeof data === 'string') return encoder.encode(data).byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (data instanceof Blob) return data.size;
  return encoder.encode(jsonOf(data)).byteLength;
}

/** A structured-clone payload's JSON (empty if it has none): a fair proxy for its size. */
function jsonOf(data: unknown): string {
  try {
    return JSON.stringify(data) ?? '';
  } catch {
    return '';
  }
}

function add(count: TrafficCount, data: unknown): number {
  const bytes = byteSize(data);
  count.messages += 1;
  count.bytes += bytes;
  return bytes;
}

/** One data-channel or BroadcastChannel message as sent (kept only with `?trace=1`, to follow the election message by message). */
export interface SentMessage {
  readonly at: number;
  /** The data channel's id on this side (one per link); null for a BroadcastChannel post. */
  readonly channel: number | null;
  readonly bytes: number;
  /** The start of a text message. */
  readonly text: string | undefined;
}

const sendLogLimit = 2_000;

/**
 * Counts every message this page sends on data channels, WebSockets and BroadcastChannels by wrapping the
 * native `send`/`postMessage`. The Room API has no traffic statistics, so this is the transport-neutral way
 * to see what the mesh (and signaling) put on the wire. Install before anything opens a connection. With a
 * `sendLog`, every data-channel and (library) BroadcastChannel message is also logged there (bounded).
 */
export function installTrafficCounters(sendLog?: SentMessage[]): TrafficCounters {
  const counters: TrafficCounters = {
    dataChannel: { messages: 0, bytes: 0 },
    webSocket: { messages: 0, bytes: 0 },
    broadcastChannel: { messages: 0, bytes: 0 },
    status: { messages: 0, bytes: 0 },
  };

  const dataChannelSend = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
    const bytes = add(counters.dataChannel, data);
    if (sendLog && sendLog.length < sendLogLimit) {
      const text = typeof data === 'string' ? data.slice(0, 200) : undefined;
      sendLog.push({ at: performance.timeOrigin + performance.now(), channel: this.id, bytes, text });
    }
    dataChannelSend.call(this, data);
  } as RTCDataChannel['send'];

  const webSocketSend = WebSocket.prototype.send as (this: WebSocket, data: unknown) => void;
  WebSocket.prototype.send = function (this: WebSocket, data: unknown) {
    add(counters.webSocket, data);
    webSocketSend.call(this, data);
  } as WebSocket['send'];

  const broadcastPost = BroadcastChannel.prototype.postMessage;
  BroadcastChannel.prototype.postMessage = function (this: BroadcastChannel, message: unknown) {
    const status = this.name.endsWith(statusChannelSuffix);
    // Stringified once: its size is what is counted (as `byteSize` would), and its start what is logged.
    const json = jsonOf(message);
    const bytes = add(status ? counters.status : counters.broadcastChannel, json);
    if (sendLog && !status && sendLog.length < sendLogLimit) {
      sendLog.push({
        at: performance.timeOrigin + performance.now(),
        channel: null,
        bytes,
        text: json.slice(0, 200),
      });
    }
    broadcastPost.call(this, message);
  };

  return counters;
}
