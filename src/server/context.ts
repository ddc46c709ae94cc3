import type { Config } from "./config.js";
import type { Database, Db } from "./db/index.js";
import type { ServerKeys } from "./crypto/server-key.js";
import type { Logger } from "./log.js";

/** What commands need from the running process; built once by `startServices`. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  keys: ServerKeys;
  log: Logger;
  now: () => Date;
}
