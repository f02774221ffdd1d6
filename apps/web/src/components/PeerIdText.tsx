import { shortId } from '../format';

export interface PeerIdTextProps {
  /** Undefined renders as an empty element (styled "unknown"). */
  readonly id: string | undefined;
  readonly testId: string;
}

/** A full peer id whose first characters (the ones the mesh picture shows) stand out. */
export function PeerIdText({ id, testId }: PeerIdTextProps) {
  if (id === undefined) return <code className="peer-id" data-testid={testId} />;
  const head = shortId(id);
  return (
    <code className="peer-id" data-testid={testId} title={id}>
      <strong>{head}</strong>
      <span className="peer-id-rest">{id.slice(head.length)}</span>
    </code>
  );
}
