#!/usr/bin/env node
// The `conclave-signaling` CLI (built to dist/cli.js; `npm start -w apps/signaling` runs it from source).
// Configuration from flags and environment (see config.ts / README).
import packageJson from '../package.json' with { type: 'json' };
import { readCliConfig, usage } from './config';
import { lanHints } from './lan-urls';
import { startSignalingServer } from './server';

/** Exit if a graceful shutdown takes longer than the server's own bound plus this much. */
const shutdownGraceMs = 2_000;

async function main(): Promise<void> {
  if (process.argv.slice(2).includes('--version')) {
    console.log(packageJson.version);
    return;
  }
  let config: ReturnType<typeof readCliConfig>;
  try {
    config = readCliConfig(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(2);
  }
  if (config.help) {
    console.log(usage);
    return;
  }
  const server = await startSignalingServer(config.options);
  console.log(`Conclave signaling server: ${server.url}`);
  for (const line of lanHints(
    config.options.host ?? '127.0.0.1',
    server.port,
    server.options.allowedOrigins,
  )) {
    console.log(line);
  }
  if (config.options.staticDir === undefined) {
    console.log('No --static-dir (and no built dashboard beside the server): serving no static files.');
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    setTimeout(() => {
      console.error('shutdown did not finish in time');
      process.exit(1);
    }, server.options.shutdownTimeoutMs + shutdownGraceMs).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
