import { randomBytes } from 'node:crypto';
import type { PeerId } from '@conclave/protocol';

/** A fresh server-assigned peer id: 128 random bits as 32 lowercase hex characters. */
export function newPeerId(): PeerId {
  return randomBytes(16).toString('hex');
}
