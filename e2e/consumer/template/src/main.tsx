import { ConclaveRoom, useLeadership, useRoom, useRunWhileLeader, useShared } from '@conclave/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import * as z from 'zod/mini';

const greeting = z.string().check(z.maxLength(100));

function Tab() {
  const { status, error, room } = useRoom();
  const { leaderId, term, isLeader } = useLeadership();
  const { entry, publish } = useShared('greeting', { schema: greeting });
  useRunWhileLeader(({ term }) => {
    publish(`hello from ${room?.selfId} in term ${term}`, { term });
  });
  return (
    <main>
      <p data-testid="status">
        {status}
        {error ? `: ${error.code}` : ''}
      </p>
      <p data-testid="self">{room?.selfId}</p>
      <p data-testid="leader">{leaderId ?? ''}</p>
      <p data-testid="term">{term}</p>
      <p data-testid="is-leader">{String(isLeader)}</p>
      <p data-testid="greeting">{entry?.value ?? ''}</p>
    </main>
  );
}

const room = new URLSearchParams(location.search).get('room') ?? 'lobby';
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConclaveRoom options={{ signalingUrl: location.origin, room }}>
      <Tab />
    </ConclaveRoom>
  </StrictMode>,
);
