import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type StormReport, type StormSettings, stormReportSchema } from './join-storm-report';

const attacker = fileURLToPath(new URL('./join-storm-attacker.ts', import.meta.url));
/** How long past its own deadline the attacker may take to close and report before it is killed. */
const graceMs = 15_000;

/**
 * Runs an outsider's join/leave storm in a separate Node process (see join-storm-attacker.ts) and
 * resolves with its report once it has stopped by itself; rejects if it fails, prints no valid report, or
 * overruns its deadline (then it is killed).
 */
export function runJoinStorm(settings: StormSettings): Promise<StormReport> {
  const child = spawn(
    process.execPath,
    ['--conditions=conclave-source', '--import', 'tsx', attacker, JSON.stringify(settings)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the attacker overran ${settings.durationMs + graceMs} ms:\n${stderr}`));
    }, settings.durationMs + graceMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`the attacker exited with ${code ?? signal}:\n${stderr}`));
      const parsed = stormReportSchema.safeParse(parseJson(stdout.trim().split('\n').at(-1) ?? ''));
      if (!parsed.success) return reject(new Error(`the attacker's report is invalid: ${stdout}`));
      resolve(parsed.data);
    });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
