/** The value of one sample of the server's `/metrics`, e.g. `x_total{code="y"}`; 0 when absent. */
export async function metricSample(serverUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}
