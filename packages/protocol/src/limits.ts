/** Bounds shared by the signaling server and its clients. Every size that crosses the wire is bounded. */
export const limits = {
  /** Longest room name. Room names match {@link roomNamePattern}. */
  roomNameMaxLength: 64,
  /** Longest room secret a client may present. */
  secretMaxLength: 256,
  /** Largest serialized `signal.data` (an SDP offer with many candidates stays well below this). */
  signalDataMaxBytes: 16 * 1024,
  /** Engine.IO's maxHttpBufferSize: a frame larger than this closes the connection. */
  maxHttpBufferSize: 64 * 1024,
  /**
   * Longest resume token, in both directions. The server issues `<32 hex id>.<issued, base36 s>.<base64url
   * HMAC-SHA256>`, about 83 characters; the margin leaves room for a longer MAC without a protocol change.
   */
  resumeTokenMaxLength: 256,
  /** Longest error message a client accepts (the server truncates its own well below this). */
  errorMessageMaxLength: 1024,
  /** Most peers a join acknowledgement may list. */
  joinPeersMaxCount: 10_000,
} as const;

/** Letters, digits, `-`, `_` and `.`; 1 to 64 characters. */
export const roomNamePattern = /^[A-Za-z0-9._-]{1,64}$/;

/** Server-assigned peer ids: 32 lowercase hex characters (128 random bits). */
export const peerIdPattern = /^[0-9a-f]{32}$/;
