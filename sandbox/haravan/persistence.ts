/** Optional snapshot file: loaded at start, rewritten (debounced, atomically) after changes. */
import { existsSync, readFileSync } from 'fs';
import { rename, writeFile } from 'fs/promises';
import { SandboxState, isSandboxData } from './state';

export class SnapshotFile {
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  /** The last write failure, if any (the sandbox keeps serving from memory). */
  lastError?: Error;

  constructor(
    private readonly path: string,
    private readonly state: SandboxState,
    private readonly debounceMs = 100,
  ) {}

  /** Load the file into the state when it exists; returns whether it did. */
  load(): boolean {
    if (!existsSync(this.path)) return false;
    const data: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
    if (!isSandboxData(data)) throw new Error(`${this.path} is not a Haravan sandbox snapshot`);
    this.state.restore(data);
    return true;
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.debounceMs);
  }

  /** Write now if a write is pending, and wait for it. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.write();
    }
    await this.writing;
  }

  private write(): Promise<void> {
    const json = JSON.stringify(this.state.snapshot());
    const tmp = `${this.path}.tmp`;
    this.writing = this.writing
      .then(() => writeFile(tmp, json))
      .then(() => rename(tmp, this.path))
      .then(
        () => (this.lastError = undefined),
        (err: Error) => void (this.lastError = err),
      );
    return this.writing;
  }
}
