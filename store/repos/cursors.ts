/** Named per-connection cursors (poll positions). */
import { Repo } from './repo';

export class CursorRepo extends Repo {
  async getCursor(connectionId: string, name: string): Promise<string | null> {
    const rows = await this.db.query<{ value: string }>('SELECT value FROM cursors WHERE connection_id = $1 AND name = $2', [connectionId, name]);
    return rows[0]?.value ?? null;
  }

  async setCursor(connectionId: string, name: string, value: string): Promise<void> {
    await this.db.query(
      `INSERT INTO cursors (connection_id, name, value) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id, name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [connectionId, name, value],
    );
  }

  /** Like setCursor, but never moves a cursor back (ISO timestamps compare as text): a late writer cannot undo a newer one. */
  async advanceCursor(connectionId: string, name: string, value: string): Promise<void> {
    await this.db.query(
      `INSERT INTO cursors (connection_id, name, value) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id, name) DO UPDATE SET value = EXCLUDED.value, updated_at = now() WHERE cursors.value < EXCLUDED.value`,
      [connectionId, name, value],
    );
  }

  async deleteCursor(connectionId: string, name: string): Promise<void> {
    await this.db.query('DELETE FROM cursors WHERE connection_id = $1 AND name = $2', [connectionId, name]);
  }
}
