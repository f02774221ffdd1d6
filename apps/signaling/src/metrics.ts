import type { SignalingErrorCode } from '@conclave/protocol';
import { Counter, Gauge, Registry } from 'prom-client';

/** Live numbers the gauges read at scrape time. */
export interface MetricsSource {
  connections(): number;
  peers(): number;
  rooms(): number;
}

/** Prometheus metrics of one server, in its own registry (several servers can share a process). */
export class SignalingMetrics {
  readonly registry = new Registry();
  readonly relayedSignals: Counter;
  readonly rejectedInputs: Counter<'code'>;
  readonly joins: Counter;
  /** Refusals by the abuse limits: `room-joins` (a room's join budget), `address-connections` (the per-address cap). */
  readonly limitRefusals: Counter<'limit'>;

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    new Gauge({
      name: 'conclave_connections',
      help: 'Open Socket.IO connections on this server',
      registers,
      collect() {
        this.set(source.connections());
      },
    });
    new Gauge({
      name: 'conclave_peers',
      help: 'Peers joined to a room on this server',
      registers,
      collect() {
        this.set(source.peers());
      },
    });
    new Gauge({
      name: 'conclave_rooms',
      help: 'Rooms with at least one peer on this server',
      registers,
      collect() {
        this.set(source.rooms());
      },
    });
    this.relayedSignals = new Counter({
      name: 'conclave_relayed_signals_total',
      help: 'Signals relayed to a peer',
      registers,
    });
    this.joins = new Counter({ name: 'conclave_joins_total', help: 'Successful joins', registers });
    this.rejectedInputs = new Counter({
      name: 'conclave_rejected_inputs_total',
      help: 'Requests answered with an error, by error code',
      labelNames: ['code'],
      registers,
    });
    this.limitRefusals = new Counter({
      name: 'conclave_limit_refusals_total',
      help: 'Joins and connections refused by a room join budget or the per-address connection cap',
      labelNames: ['limit'],
      registers,
    });
    // Both series exist from the start, so a dashboard sees 0 rather than no data.
    this.limitRefusals.inc({ limit: 'room-joins' }, 0);
    this.limitRefusals.inc({ limit: 'address-connections' }, 0);
  }

  limited(limit: 'room-joins' | 'address-connections'): void {
    this.limitRefusals.inc({ limit });
  }

  rejected(code: SignalingErrorCode): void {
    this.rejectedInputs.inc({ code });
  }
}
