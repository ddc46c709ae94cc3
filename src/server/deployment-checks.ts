import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Config } from "./config.js";

/**
 * What `serve` refuses before it opens anything (issue 10, items 4 and 14). A production start
 * must not put the server key beside the data it protects (a copy of the data directory, a
 * volume snapshot or a backup job would take both), and must not hand out session cookies a
 * browser would send over plain HTTP. A start that only says "development" by default may not
 * listen beyond this machine: a real deployment has to say what it is.
 */
export function deploymentProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.env === "production") {
    if (isInside(config.keyFile, config.dataDir)) {
      problems.push(
        `the server key file ${config.keyFile} is inside the data directory ${config.dataDir}: whoever copies the data (a backup, a snapshot, a seized disk) would take the key with it. ` +
          `Put it on another volume, readable only by the service account, e.g. SAFE_PASSAGE_KEY_FILE=/etc/safe-passage/server.key (mode 0600), and move the existing file there.`,
      );
    }
    if (!config.staffUrl.startsWith("https://")) {
      problems.push(`STAFF_URL is ${config.staffUrl}: in production the console must be reached over HTTPS, or its Secure session cookie is never sent back (and a plain-HTTP console leaks it). Set STAFF_URL=https://…`);
    }
    if (!config.secureCookies) problems.push("session cookies would be sent without Secure");
  } else if (!config.envExplicit && (!isLoopback(config.host) || !isLoopback(config.staffHost))) {
    problems.push(
      `SAFE_PASSAGE_ENV is not set, so this is a development start (cookies without Secure), yet it listens beyond this machine (HOST=${config.host}, STAFF_HOST=${config.staffHost}). ` +
        `Set SAFE_PASSAGE_ENV=production for a real deployment, or SAFE_PASSAGE_ENV=development to accept this knowingly.`,
    );
  }
  return problems;
}

function isInside(file: string, dir: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const rel = path.relative(real(dir), path.join(real(path.dirname(file)), path.basename(file)));
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  return host === "::1";
}
