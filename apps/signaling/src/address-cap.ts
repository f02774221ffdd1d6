/**
 * Open connections per client address, with a cap. Counts what is connected, not what was merely
 * allowed at the handshake, so a failed handshake leaks nothing. Engine.io turns an allowed handshake
 * into a connection before it reads the next request, so simultaneous handshakes cannot overshoot
 * (a test holds it to that).
 */
export class AddressCap {
  readonly #open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Whether a new connection from `address` may start its handshake. */
  allows(address: string): boolean {
    return (this.#open.get(address) ?? 0) < this.max;
  }

  /** Counts a connection that completed its handshake. */
  open(address: string): void {
    this.#open.set(address, (this.#open.get(address) ?? 0) + 1);
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
