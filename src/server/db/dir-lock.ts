import fs from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`data directory ${dir} is in use by another Safe Passage process (pid ${pid}); stop it first`);
  }
}

/**
 * An exclusive lock on the embedded data directory: PGlite is one process, and two processes on
 * one directory would corrupt it. The lock file holds the owner's pid; a lock whose process is
 * gone (a crash, SIGKILL) is stale and taken over.
 */
// Directories this process holds. A lock file with our own pid that is not in here was left by an
// earlier process that happened to get the same pid (common for pid 1 in containers): stale.
const heldHere = new Set<string>();

export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, "safe-passage.lock");
  if (heldHere.has(lockPath)) throw new DataDirLockedError(dir, process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, "wx", 0o600);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      heldHere.add(lockPath);
      return () => {
        heldHere.delete(lockPath);
        try {
          if (readOwner(lockPath) === process.pid) fs.unlinkSync(lockPath);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = readOwner(lockPath);
      if (owner !== null && owner !== process.pid && isAlive(owner)) throw new DataDirLockedError(dir, owner);
      // Stale: its process is gone. Remove and try again (another starter may race us; O_EXCL decides).
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock data directory ${dir}`);
}

function readOwner(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockPath, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
