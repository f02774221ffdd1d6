import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { isLoopbackOrigin, joinUrl } from '../join-link';

export interface JoinFromDeviceProps {
  readonly room: string;
  /** Whether this tab joined with a secret: the link does not carry it, so the other device needs it too. */
  readonly hasSecret: boolean;
  /** The page's origin (`location.origin`). */
  readonly origin: string;
}

/**
 * "Join from another device": the room's URL and a QR code of it. Opened through loopback, the URL would
 * only work on this machine, so the panel says how to listen on the LAN instead.
 */
export function JoinFromDevice({ room, hasSecret, origin }: JoinFromDeviceProps) {
  const url = joinUrl(origin, room);
  const loopback = isLoopbackOrigin(origin);
  const [qr, setQr] = useState<string | undefined>(undefined);
  useEffect(() => {
    let current = true;
    QRCode.toDataURL(url, { margin: 1, width: 160 }).then(
      (data) => current && setQr(data),
      () => current && setQr(undefined),
    );
    return () => {
      current = false;
    };
  }, [url]);
  return (
    <section className="card join-device" aria-label="Join from another device" data-testid="join-panel">
      <h2>Join from another device</h2>
      <p>
        <a href={url} data-testid="join-url">
          {url}
        </a>
      </p>
      {qr !== undefined && (
        <img
          className="join-qr"
          src={qr}
          alt={`QR code of ${url}`}
          width={160}
          height={160}
          data-testid="join-qr"
        />
      )}
      {loopback && (
        <p className="muted" data-testid="join-loopback-hint">
          This page came through loopback, which other devices cannot reach. Start the server with{' '}
          <code>npm start -- --host 0.0.0.0</code>, open one of the LAN URLs it prints, and set the{' '}
          <code>ALLOWED_ORIGINS</code> it suggests.
        </p>
      )}
      {hasSecret && (
        <p className="muted">
          The link leaves out the room secret: add <code>&amp;secret=…</code> on the other device.
        </p>
      )}
    </section>
  );
}
