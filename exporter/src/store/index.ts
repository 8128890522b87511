import { openDb, type Db, type OpenDbOptions } from './db';
import { migrations } from './migrations';

/**
 * The store: one SQLite file and the repositories over it, each named for what it holds. Only
 * store/, the read model (queries/) and the composition root see the Db handle; every other folder
 * receives the repositories it needs (or a narrow Pick of them), never SQL.
 */
export class Store {
  static open(file: string, opts?: OpenDbOptions): Store {
    return new Store(openDb(file, migrations, opts));
  }

  // Repositories: one field each, assigned in the constructor (field initializers would run before `db` is set).

  constructor(readonly db: Db) {}

  /** fn in one write transaction, the lock taken at BEGIN (IMMEDIATE): another process may write too. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.db.close();
  }
}
