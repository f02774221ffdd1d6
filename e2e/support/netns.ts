import { execFile } from 'node:child_process';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Every namespace, bridge and veth these tests create starts with this, so a later run can sweep leftovers. */
const prefix = 'cvt';

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args, { timeout: 10_000 });
  return stdout;
}

/** One test host: a network namespace on the test bridge, with its own address and default route. */
export interface TestHost {
  readonly name: string;
  readonly address: string;
  /** A script that runs Chromium inside the host's namespace: Playwright's `executablePath` for the host. */
  readonly chromiumWrapper: string;
  /** Takes the host's link down (its bridge-side veth): no TCP close, no goodbye, nothing gets through. */
  cut(): Promise<void>;
  /** Brings the link back up. */
  restore(): Promise<void>;
}

/** A bridge in this (root) namespace and test hosts on it; `destroy()` removes all of it. */
export interface TestNetwork {
  /** The bridge's address: where a server for the hosts listens. */
  readonly bridgeAddress: string;
  readonly hosts: readonly TestHost[];
  destroy(): Promise<void>;
}

/** Why test hosts cannot be made here (not root, no iproute2, no netns support), or undefined if they can. */
export async function testHostsUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'test hosts need root (ip netns)';
  const probe = `${prefix}probe${process.pid % 10_000}`;
  try {
    await ip('netns', 'add', probe);
  } catch (error) {
    return `ip netns does not work here: ${String((error as Error).message).split('\n')[0]}`;
  }
  await ip('netns', 'del', probe).catch(() => {});
  return undefined;
}

/**
 * Removes what an earlier run left behind (a killed test process runs no cleanup): every test network none of
 * whose hosts runs a process. A network in use by another run on this machine (the e2e host tests, the
 * bench's two-host arrangement) is left alone.
 */
export async function sweepTestHosts(): Promise<void> {
  const namespaces = (await ip('netns', 'list').catch(() => ''))
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(prefix));
  const inUse = new Set<string>();
  for (const name of namespaces) {
    const pids = await ip('netns', 'pids', name).catch(() => '');
    if (pids.trim() !== '') inUse.add(networkOf(name));
  }
  const stale = (name: string) => !inUse.has(networkOf(name));
  for (const name of namespaces.filter(stale)) await ip('netns', 'del', name).catch(() => {});
  const links = (await ip('-o', 'link', 'show').catch(() => ''))
    .split('\n')
    .map((line) => line.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter((name) => name.startsWith(prefix));
  for (const name of links.filter(stale)) await ip('link', 'del', name).catch(() => {});
}

/** The network a namespace or link belongs to: every name is the prefix, the network's 4-character id, a suffix. */
function networkOf(name: string): string {
  return name.slice(prefix.length, prefix.length + networkIdLength);
}

const networkIdLength = 4;

/**
 * Creates a bridge with `count` test hosts on it (10.231.N.0/24; the bridge is .1, host i is .(10 + i)).
 * Chromium gathers ICE candidates only on an interface with a default route, so each host routes via the
 * bridge. Whatever fails half-way is removed before the error is thrown.
 */
export async function createTestNetwork(count: number, chromium: string): Promise<TestNetwork> {
  const id = Math.random()
    .toString(36)
    .slice(2, 2 + networkIdLength)
    .padEnd(networkIdLength, '0');
  const subnet = `10.231.${Math.floor(Math.random() * 250) + 1}`;
  const bridge = `${prefix}${id}br`;
  const bridgeAddress = `${subnet}.1`;
  const made: { namespaces: string[]; wrappers: string[]; bridge: boolean } = {
    namespaces: [],
    wrappers: [],
    bridge: false,
  };
  const destroy = async () => {
    for (const ns of made.namespaces) await ip('netns', 'del', ns).catch(() => {});
    if (made.bridge) await ip('link', 'del', bridge).catch(() => {});
    for (const wrapper of made.wrappers) await rm(wrapper, { force: true });
  };
  try {
    await ip('link', 'add', 'name', bridge, 'type', 'bridge');
    made.bridge = true;
    await ip('addr', 'add', `${bridgeAddress}/24`, 'dev', bridge);
    await ip('link', 'set', bridge, 'up');
    const hosts: TestHost[] = [];
    for (let i = 0; i < count; i++) {
      const ns = `${prefix}${id}h${i}`;
      const outside = `${prefix}${id}h${i}b`;
      const inside = `${prefix}${id}h${i}n`;
      const address = `${subnet}.${10 + i}`;
      await ip('netns', 'add', ns);
      made.namespaces.push(ns);
      await ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      await ip('link', 'set', inside, 'netns', ns);
      await ip('link', 'set', outside, 'master', bridge, 'up');
      await ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', inside);
      await ip('-n', ns, 'link', 'set', inside, 'up');
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      await ip('-n', ns, 'route', 'add', 'default', 'via', bridgeAddress);
      const wrapper = join(tmpdir(), `${ns}-chromium.sh`);
      await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${chromium} "$@"\n`);
      await chmod(wrapper, 0o755);
      made.wrappers.push(wrapper);
      hosts.push({
        name: `host ${i}`,
        address,
        chromiumWrapper: wrapper,
        cut: async () => void (await ip('link', 'set', outside, 'down')),
        restore: async () => void (await ip('link', 'set', outside, 'up')),
      });
    }
    return { bridgeAddress, hosts, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
