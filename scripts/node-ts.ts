/**
 * How our own processes start a TypeScript entry point: `node --import tsx <entry>`, the loader inside the one
 * process. (The tsx CLI runs the program in a child process of its own: a SIGKILL to the pid we spawned leaves
 * that child running as an orphan.)
 */
import { pathToFileURL } from 'node:url';

export function nodeTsArgs(entry: string): string[] {
  return ['--import', pathToFileURL(require.resolve('tsx')).href, entry];
}
