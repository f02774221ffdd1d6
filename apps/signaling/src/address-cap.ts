/**
 * Open connections per client address, with a cap. Counts what is connected, not what was merely
 * allowed at the handshake, so a failed handshake leaks nothing; concurrent handshakes that all passed
 * {@link AddressCap.allows} are held to the cap by {@link AddressCap.open} refusing the excess.
 */
export class AddressCap {
  readonly #open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Whether a new connection from `address` may start its handshake. */
  allows(address: string): boolean {
    return (this.#open.get(address) ?? 0) < this.max;
  }

  /** Counts a connection that completed its handshake; false (and not counted) when over the cap. */
  open(address: string): boolean {
    const count = this.#open.get(address) ?? 0;
    if (count >= this.max) return false;
    this.#open.set(address, count + 1);
    return true;
  }

  /** A counted connection closed. */
  close(address: string): void {
    const count = (this.#open.get(address) ?? 0) - 1;
    if (count > 0) this.#open.set(address, count);
    else this.#open.delete(address);
  }

  /** Addresses with at least one open connection. */
  get addresses(): number {
    return this.#open.size;
  }
}
