/** The inspector drawing in a worker (the demo's ?mode=worker): one call serves the mountInspectorInWorker protocol. */

import { serveInspectorWorker } from 'nebula-memory/inspector';

serveInspectorWorker();
