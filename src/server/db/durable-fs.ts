import fs from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

/**
 * PGlite's Node file layer as shipped never calls fsync: its NODEFS stream_ops has no `fsync`,
 * so Postgres' fsync() calls are silently dropped (PGlite issue #1107), and `fdatasync` is a
 * no-op in the Emscripten syscall layer. We add a real fsync to the stream operations, and the
 * server is started with `wal_sync_method=fsync` so WAL flushes take this path.
 *
 * The patch reaches into Emscripten internals of the pinned PGlite version; `fsyncCalls`
 * counts the calls so a test fails loudly if an upgrade makes it stop working.
 */
export class DurableNodeFS extends NodeFS {
  fsyncCalls = 0;

  override async init(pg: PGlite, opts: Parameters<NodeFS["init"]>[1]) {
    const result = await super.init(pg, opts);
    const preRun = result.emscriptenOpts.preRun ?? [];
    result.emscriptenOpts.preRun = [
      ...preRun,
      (mod: unknown) => {
        const nodefs = (mod as { NODEFS?: { stream_ops?: Record<string, unknown> } }).NODEFS;
        if (!nodefs?.stream_ops) throw new Error("PGlite internals changed: NODEFS.stream_ops not found; durability patch cannot apply");
        nodefs.stream_ops.fsync = (stream: { nfd?: number }) => {
          if (typeof stream.nfd === "number") {
            fs.fsyncSync(stream.nfd);
            this.fsyncCalls++;
          }
          return 0;
        };
      },
    ];
    return result;
  }
}

/** Start parameters: PGlite's defaults without `-F` (which turns fsync off), fsync forced on, and smaller shared buffers. */
export const DURABLE_START_PARAMS = [
  "--single",
  "-O",
  "-j",
  "-c", "search_path=public",
  "-c", "exit_on_error=false",
  "-c", "log_checkpoints=false",
  "-c", "max_worker_processes=0",
  "-c", "max_parallel_workers=0",
  "-c", "max_parallel_workers_per_gather=0",
  "-c", "io_method=sync",
  "-c", "max_parallel_maintenance_workers=0",
  "-c", "fsync=on",
  "-c", "synchronous_commit=on",
  "-c", "full_page_writes=on",
  "-c", "wal_sync_method=fsync",
  // A WAL segment past its checkpoint is unlinked, not renamed for reuse with the old records in
  // it: otherwise rows the retention run destroyed would outlive it in a recycled segment.
  "-c", "wal_recycle=off",
  // PostgreSQL's 128 MB of shared buffers are all resident in PGlite's WebAssembly memory from the
  // start (it never shrinks): 32 MB took a restarted store from 367 to 253 MB, the server before an
  // intake flood from 533 to 417 MB (issue 16). Pages past them come from the OS's page cache
  // through the file layer; the searches and the case open measured no slower (bench availability, crypto).
  "-c", "shared_buffers=32MB",
];

/** fsync every file and directory under `dir`: used once after PGlite lays out a fresh cluster. */
export function fsyncTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(p);
    else if (entry.isFile()) fsyncPath(p);
  }
  fsyncPath(dir);
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
