import type { RoomStatus } from '../room-status';

export type BannerStatus = RoomStatus | 'leaving' | 'left' | 'failed';

export interface StatusBannerProps {
  readonly status: BannerStatus;
  /** Open data channels, shown while signaling is away. */
  readonly openLinks: number;
  /** Why: the error of a failed join, or of the last attempt while retrying. */
  readonly detail: string | undefined;
}

function message(status: BannerStatus, openLinks: number, detail: string | undefined): string {
  switch (status) {
    case 'connecting':
      return detail === undefined
        ? 'Connecting to signaling…'
        : `Connecting to signaling… (retrying: ${detail})`;
    case 'alone':
      return 'Alone in the room: open another tab to hold an election.';
    case 'signaling-lost':
      return openLinks > 0
        ? `Signaling lost (mesh still up: ${openLinks} ${openLinks === 1 ? 'link' : 'links'} open). Reconnecting…`
        : 'Signaling lost. Reconnecting…';
    case 'meshed':
      return `Connected: ${openLinks} ${openLinks === 1 ? 'peer' : 'peers'} linked.`;
    case 'closed':
      return 'Disconnected from the room.';
    case 'leaving':
      return 'Leaving: handing over and closing links…';
    case 'left':
      return 'You left the room.';
    case 'failed':
      return `Could not join: ${detail ?? 'unknown error'}`;
  }
}

/** One line that says where this tab stands: connecting, alone, meshed, signaling lost, left. */
export function StatusBanner({ status, openLinks, detail }: StatusBannerProps) {
  return (
    <output className={`banner banner-${status}`} data-testid="status" data-state={status}>
      <span className="banner-dot" aria-hidden="true" />
      {message(status, openLinks, detail)}
    </output>
  );
}
