import { JoinRoomError, joinRoom } from '@conclave/mesh';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { recordCounterLog } from './counter-log';
import { exposeForTests } from './expose-for-tests';
import { readPageOptions } from './page-options';
import { createRoomSession } from './room-session';
import './styles.css';

const options = readPageOptions(window.location.search);

// The session lives outside React: StrictMode's double effects must not join the room twice.
const session = createRoomSession({
  joinOnce: () =>
    joinRoom({
      signalingUrl: window.location.origin,
      room: options.room,
      ...(options.secret === undefined ? {} : { secret: options.secret }),
      ...(options.test ? { faults: true } : {}),
      ...(options.transports === undefined ? {} : { transports: options.transports }),
    }),
  // Signaling unreachable: keep trying (with backoff). A refusal (forbidden, room-full...) is final.
  isRetryable: (error) => error instanceof JoinRoomError && error.code === 'timeout',
});
if (options.test) {
  exposeForTests(session);
  window.conclaveCounterLog = [];
  recordCounterLog(session, window.conclaveCounterLog);
}

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App session={session} options={options} />
  </StrictMode>,
);
