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

/** Which chain an anchor is of: the name is inside the MAC, so one chain's anchor cannot pass for another's. */
export type AnchoredChain = "audit" | "rewards-ledger";
type ChainHead = { seq: number; hash: Buffer } | undefined;

const anchorMessage = (a: AuditAnchor, chain: AnchoredChain) => Buffer.from(`safe-passage/${chain}-anchor/v1\0${a.seq}\0${a.hash}\0${a.at}`, "utf8");

export function auditAnchorFile(keyFile: string, chain: AnchoredChain = "audit"): string {
  return path.join(path.dirname(keyFile), `${chain}-anchor.json`);
}

/** Null when there is no anchor yet; throws when the file was forged or damaged. */
export function readAuditAnchor(file: string, key: Buffer, chain: AnchoredChain = "audit"): AuditAnchor | null {
  if (!fs.existsSync(file)) return null;
  let parsed: { seq?: unknown; hash?: unknown; at?: unknown; mac?: unknown };
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as typeof parsed;
  } catch {
    throw new Error(`the ${chain} anchor ${file} is damaged (not JSON)`);
  }
  const { seq, hash, at } = parsed;
  if (typeof seq !== "number" || typeof hash !== "string" || typeof at !== "string" || typeof parsed.mac !== "string") throw new Error(`the ${chain} anchor ${file} is damaged`);
  const anchor = { seq, hash, at };
  if (!constantTimeEqual(mac(key, anchorMessage(anchor, chain)), Buffer.from(parsed.mac, "hex"))) throw new Error(`the ${chain} anchor ${file} was not written with this server key: forged or from another installation`);
  return anchor;
}

/**
 * Anchor the committed head. Never moves the anchor backwards: a head behind the anchor is the
 * very evidence of a rewind, and overwriting it would erase that evidence.
 */
export async function writeAuditAnchor(db: Tx, key: Buffer, file: string, now: Date): Promise<AuditAnchor | null> {
  return writeChainAnchor(async () => (await db.select().from(auditHead).where(eq(auditHead.id, 1)))[0], key, file, now, "audit");
}

/** The same for any chain: its head read by `head`, its anchor file, its name in the MAC. */
export async function writeChainAnchor(head: () => Promise<ChainHead>, key: Buffer, file: string, now: Date, chain: AnchoredChain): Promise<AuditAnchor | null> {
  const current = await head();
  if (!current) return null;
  const previous = readAuditAnchor(file, key, chain);
  if (previous && previous.seq > current.seq) return null;
  if (previous && previous.seq === current.seq) return previous;
  const anchor: AuditAnchor = { seq: current.seq, hash: current.hash.toString("hex"), at: now.toISOString() };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ ...anchor, mac: mac(key, anchorMessage(anchor, chain)).toString("hex") }) + "\n", { mode: 0o600 });
  fs.renameSync(tmp, file);
  return anchor;
}
