import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

/** The README's "Use it in your app" example, as written (imports and `joinRoom` included). */
function readmeExample(): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in your app'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('no example in README');
  return code;
}

/**
 * `packages/shared-work` runs the example's body on its leader work; this checks the whole of it, imports
 * and `joinRoom` included, against the real `Room` type of this package, with the package's own strict
 * compiler options: the example and the API cannot drift apart.
 */
it('the README example type-checks against the real joinRoom and Room', { timeout: 60_000 }, () => {
  const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (parsed === undefined) throw new Error('cannot read tsconfig.json');
  const file = fileURLToPath(new URL('./readme-example.virtual.ts', import.meta.url));
  const source = readmeExample();
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);

  const program = ts.createProgram({ rootNames: [file], options: parsed.options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
  const messages = diagnostics.map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return text;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `README example line ${line + 1}: ${text}`;
  });
  expect(messages).toEqual([]);
  expect(source).toContain('room.runWhileLeader(');
});
