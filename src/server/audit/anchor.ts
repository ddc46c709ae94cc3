import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Tx } from "./log.js";
import { auditHead } from "../db/schema.js";
import { mac } from "../crypto/server-key.js";
import { constantTimeEqual } from "../crypto/random.js";

/**
 * The audit anchor (issue 10, item 9): the chain's head, copied out of the database into a file
 * beside the server key and MAC'd under the audit sub-key. A database owner can disable the
 * append-only trigger, delete the last rows and rewind `audit_head`; he cannot rewind this file
 * (it is not on the database volume) nor forge a new one (he lacks the key). `audit verify`
 * then proves the chain up to the anchored row. Copy the file off the machine now and then
 * (`audit verify --anchor <copy>`) to protect against someone who holds the key directory too.
 */
export type { AuditAnchor } from "./log.js";
import type { AuditAnchor } from "./log.js";

const anchorMessage = (a: AuditAnchor) => Buffer.from(`safe-passage/audit-anchor/v1\0${a.seq}\0${a.hash}\0${a.at}`, "utf8");

export function auditAnchorFile(keyFile: string): string {
  return path.join(path.dirname(keyFile), "audit-anchor.json");
}

/** Null when there is no anchor yet; throws when the file was forged or damaged. */
export function readAuditAnchor(file: string, key: Buffer): AuditAnchor | null {
  if (!fs.existsSync(file)) return null;
  let parsed: { seq?: unknown; hash?: unknown; at?: unknown; mac?: unknown };
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as typeof parsed;
  } catch {
    throw new Error(`the audit anchor ${file} is damaged (not JSON)`);
  }
  const { seq, hash, at } = parsed;
  if (typeof seq !== "number" || typeof hash !== "string" || typeof at !== "string" || typeof parsed.mac !== "string") throw new Error(`the audit anchor ${file} is damaged`);
  const anchor = { seq, hash, at };
  if (!constantTimeEqual(mac(key, anchorMessage(anchor)), Buffer.from(parsed.mac, "hex"))) throw new Error(`the audit anchor ${file} was not written with this server key: forged or from another installation`);
  return anchor;
}

/**
 * Anchor the committed head. Never moves the anchor backwards: a head behind the anchor is the
 * very evidence of a rewind, and overwriting it would erase that evidence.
 */
export async function writeAuditAnchor(db: Tx, key: Buffer, file: string, now: Date): Promise<AuditAnchor | null> {
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 1));
  if (!head) return null;
  const previous = readAuditAnchor(file, key);
  if (previous && previous.seq > head.seq) return null;
  if (previous && previous.seq === head.seq) return previous;
  const anchor: AuditAnchor = { seq: head.seq, hash: head.hash.toString("hex"), at: now.toISOString() };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ ...anchor, mac: mac(key, anchorMessage(anchor)).toString("hex") }) + "\n", { mode: 0o600 });
  fs.renameSync(tmp, file);
  return anchor;
}
