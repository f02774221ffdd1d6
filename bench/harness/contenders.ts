/** The three implementations the bench compares, with the time each scenario may take before it counts as 'timeout'. */
export type ContenderId = 'conclave' | 'fabric' | 'bc';

export interface Contender {
  readonly id: ContenderId;
  readonly label: string;
  /** The bench page and its query (besides `room`). */
  readonly page: 'conclave.html' | 'bc.html';
  readonly query: Readonly<Record<string, string>>;
  /** Conclave tabs form a mesh: "ready" means every link is open. broadcast-channel tabs are ready once loaded. */
  readonly meshed: boolean;
  /** Upper bounds (ms) per scenario; past them the scenario is recorded as 'timeout'. */
  readonly timeouts: { readonly leader: number; readonly failover: number; readonly newcomer: number };
  /** How long an agreement must hold before it counts (ms). */
  readonly settleMs: number;
}

export const contenders: Readonly<Record<ContenderId, Contender>> = {
  conclave: {
    id: 'conclave',
    label: 'Conclave (defaults)',
    page: 'conclave.html',
    query: {},
    meshed: true,
    timeouts: { leader: 15_000, failover: 15_000, newcomer: 15_000 },
    settleMs: 1_000,
  },
  fabric: {
    id: 'fabric',
    label: 'Conclave (Fabric timings)',
    page: 'conclave.html',
    query: { timings: 'fabric' },
    meshed: true,
    // Fabric: 15 s start-up grace, 10 s alive threshold, 5 s election: a first leader takes ~15 s+, a crash 10-20 s.
    timeouts: { leader: 45_000, failover: 45_000, newcomer: 30_000 },
    settleMs: 1_500,
  },
  bc: {
    id: 'bc',
    label: 'broadcast-channel',
    page: 'bc.html',
    query: {},
    meshed: false,
    timeouts: { leader: 15_000, failover: 15_000, newcomer: 15_000 },
    settleMs: 1_000,
  },
};

/** The URL of one tab of `room` for `contender`. */
export function tabUrl(
  baseUrl: string,
  contender: Contender,
  room: string,
  extra: Readonly<Record<string, string>> = {},
): string {
  const url = new URL(contender.page, baseUrl);
  url.searchParams.set('room', room);
  for (const [key, value] of Object.entries({ ...contender.query, ...extra }))
    url.searchParams.set(key, value);
  return url.href;
}
