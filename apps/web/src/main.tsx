import { ConclaveRoom, createRoomSession } from '@conclave/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { recordCounterLog } from './counter-log';
import { exposeForTests } from './expose-for-tests';
import { joinOptions, readPageOptions } from './page-options';
import './styles.css';

const options = readPageOptions(window.location.search);

// Created outside React so that the e2e hooks below follow every room the tab joins, from the moment it
// joins. Failed joins retry with the default policy: a `timeout` (signaling unreachable) again after 1 s
// doubling to 30 s; a refusal (forbidden, room-full...) is final.
const session = createRoomSession(joinOptions(options, window.location.origin));
if (options.test) {
  exposeForTests(session);
  window.conclaveCounterLog = [];
  recordCounterLog(session, window.conclaveCounterLog);
}

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ConclaveRoom session={session}>
      <App options={options} />
    </ConclaveRoom>
  </StrictMode>,
);
