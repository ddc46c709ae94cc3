import { and, count, eq, gte, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { stringify } from "csv-stringify/sync";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError, notFound } from "../errors.js";
import { archiveEncryptor } from "../crypto/archive.js";
import { fromBase64Url } from "../crypto/encoding.js";
import { wipe } from "../crypto/secure.js";
import { caseScope, openCaseKeyFor } from "../cases/index.js";
import { appendAudit } from "../audit/log.js";
import { cases } from "../db/schema.js";
import { RECORD_FIELDS } from "../../shared/registration.js";
import { powExports, powRecords } from "./tables.js";
import { openRecord } from "./record-cipher.js";
import { fateTimeline } from "./fate.js";
import { refuseExport, type ExportRefusal } from "./export-refusals.js";

/**
 * The national information bureau's list (Art. 122), four eyes: one registrar asks for a range,
 * another approves it, the first runs it once. The file is built in memory and goes straight to
 * the browser, in plain or encrypted to the bureau's public key; it is never written to the
 * server's disk. It holds the Art. 17/122 fields and his fate events, never his choice (a separate
 * key this code does not open) nor the registrars' notes. Every refused step is audited
 * (export-refusals.ts).
 */
export async function requestExport(ctx: AppContext, session: StaffSession, range: { from: string; to: string }) {
  authorize(session.user, "pow_registration", "export");
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(powExports).values({ fromDate: range.from, toDate: range.to, requestedBy: session.user.id, createdAt: ctx.now() }).returning({ id: powExports.id });
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "pow.export_requested", subjectType: "pow_export", subjectId: row!.id, details: range });
    return { id: row!.id };
  });
}

export async function approveExport(ctx: AppContext, session: StaffSession, id: string) {
  authorize(session.user, "pow_registration", "approve_export");
  const me = session.user.id;
  const [row] = await ctx.db.select().from(powExports).where(eq(powExports.id, id));
  if (!row) throw await refuseExport(ctx, me, id, "approve", "not_found", notFound("no such export"));
  if (row.requestedBy === me) throw await refuseExport(ctx, me, id, "approve", "own_request", new AppError("forbidden", "a second registrar approves an export, not the one who asked for it"));
  const alreadyApproved = () => refuseExport(ctx, me, id, "approve", "already_approved", new AppError("conflict", "already approved"));
  if (row.approvedAt) throw await alreadyApproved();
  // Claimed with the condition, so two registrars approving at once make one approval and one refusal.
  const approved = await ctx.db.transaction(async (tx) => {
    const claimed = await tx.update(powExports).set({ approvedBy: me, approvedAt: ctx.now() }).where(and(eq(powExports.id, id), isNull(powExports.approvedAt))).returning({ id: powExports.id });
    if (claimed.length) await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: me, action: "pow.export_approved", subjectType: "pow_export", subjectId: id });
    return claimed.length > 0;
  });
  if (!approved) throw await alreadyApproved();
}

export async function listExports(ctx: AppContext, session: StaffSession) {
  authorize(session.user, "pow_registration", "export");
  return ctx.db.select().from(powExports).orderBy(sql`${powExports.createdAt} desc`).limit(50);
}

function recipientKey(text: string): Buffer {
  try {
    const key = fromBase64Url(text, "recipient public key");
    if (key.length === 32) return key;
  } catch {
    // not canonical base64url: refused below like any other bad key
  }
  throw new AppError("validation_failed", "not an X25519 public key (32 bytes, base64url)");
}

const dayStart = (d: string) => new Date(`${d}T00:00:00Z`);
const nextDay = (d: string) => new Date(dayStart(d).getTime() + 86_400_000);

/**
 * The prisoners registered in the range, with their records and events, or a refusal when the
 * exporter cannot open every one of them (outside his scope, or no grant of the case key). The
 * bureau's list must be exactly the range: one quietly missing is a prisoner whose family is never
 * told. The refusal gives how many, never who.
 */
async function bureauRows(ctx: AppContext, session: StaffSession, from: string, to: string) {
  const scope = caseScope(session.user, { resource: "pow_registration", action: "read" });
  const inRange = and(isNotNull(powRecords.registeredAt), gte(powRecords.registeredAt, dayStart(from)), lt(powRecords.registeredAt, nextDay(to)), eq(powRecords.art17Complete, true));
  const [all] = await ctx.db.select({ n: count() }).from(powRecords).where(inRange);
  const rows = await ctx.db
    .select({ caseId: powRecords.caseId, number: cases.number, registeredAt: powRecords.registeredAt, ciphertext: powRecords.ciphertext })
    .from(powRecords)
    .innerJoin(cases, eq(cases.id, powRecords.caseId))
    .where(and(inRange, scope ?? sql`true`))
    .orderBy(powRecords.registeredAt);
  const keys = [];
  for (const r of rows) {
    const caseKey = await openCaseKeyFor(ctx.db, r.caseId, { id: session.user.id, privateKey: session.privateKey });
    if (caseKey) keys.push({ r, caseKey });
  }
  try {
    const withheld = all!.n - keys.length;
    if (withheld > 0) return { withheld, rows: [] };
    const out = [];
    for (const { r, caseKey } of keys) {
      const { values } = openRecord(caseKey, r.caseId, r.ciphertext);
      const events = (await fateTimeline(ctx.db, r.caseId, caseKey)).map((e) => ({ date: e.date, kind: e.kind, place: e.place ?? null, health: e.health ?? null, death: e.death ?? null }));
      out.push({ case: r.number, registered: r.registeredAt!.toISOString().slice(0, 10), ...Object.fromEntries(RECORD_FIELDS.map((f) => [f, values[f] ?? ""])), events });
    }
    return { withheld: 0, rows: out };
  } finally {
    for (const k of keys) wipe(k.caseKey);
  }
}

type BureauRow = Awaited<ReturnType<typeof bureauRows>>["rows"][number];
const eventText = (e: BureauRow["events"][number]) => [e.date, e.kind, e.place, e.health, e.death && `${e.death.cause}; ${e.death.place}; ${e.death.burial_place}`].filter(Boolean).join(" ");

function serialise(rows: BureauRow[], format: "csv" | "json"): Buffer {
  if (format === "json") return Buffer.from(JSON.stringify({ bureau: "Art. 122", prisoners: rows }, null, 2));
  const columns = ["case", "registered", ...RECORD_FIELDS, "events"];
  return Buffer.from(stringify(rows.map((r) => ({ ...r, events: r.events.map(eventText).join(" | ") })), { header: true, columns }));
}

/**
 * Run an approved export, once, as the registrar who asked for it: the file's bytes (encrypted
 * when a recipient key is given) for the route to stream. Audited with the count, never a name.
 */
export async function runExport(ctx: AppContext, session: StaffSession, id: string, opts: { format: "csv" | "json"; recipientPublicKey?: string | undefined }) {
  authorize(session.user, "pow_registration", "export");
  const me = session.user.id;
  const refuse = (reason: ExportRefusal, error: AppError, withheld?: number) => refuseExport(ctx, me, id, "run", reason, error, withheld);
  const [row] = await ctx.db.select().from(powExports).where(eq(powExports.id, id));
  // Someone else's export answers as one that does not exist; the log tells them apart.
  if (!row) throw await refuse("not_found", notFound("no such export"));
  if (row.requestedBy !== me) throw await refuse("not_requester", notFound("no such export"));
  if (!row.approvedAt) throw await refuse("not_approved", new AppError("conflict", "a second registrar has not approved this export yet"));
  const alreadyRun = () => refuse("already_run", new AppError("conflict", "this export was already run; ask for a new one"));
  if (row.runAt) throw await alreadyRun();
  const recipient = opts.recipientPublicKey ? recipientKey(opts.recipientPublicKey) : null;
  // Built before the run is claimed, so a refusal (prisoners he cannot open) does not use it up.
  const { rows, withheld } = await bureauRows(ctx, session, row.fromDate, row.toDate);
  if (withheld > 0) throw await refuse("withheld", new AppError("conflict", "the exporter cannot open every prisoner of the range; a registrar who holds them all runs it", { withheld }), withheld);
  const claimed = await ctx.db.update(powExports).set({ runAt: ctx.now() }).where(and(eq(powExports.id, id), sql`${powExports.runAt} IS NULL`)).returning({ id: powExports.id });
  if (!claimed.length) throw await alreadyRun();
  const plain = serialise(rows, opts.format);
  await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "pow.export_run", subjectType: "pow_export", subjectId: id, details: { format: opts.format, prisoners: rows.length, encrypted: !!recipient } }));
  if (!recipient) return { bytes: plain, encrypted: false, count: rows.length };
  const { prefix, stream } = archiveEncryptor(recipient);
  const parts: Buffer[] = [prefix];
  stream.on("data", (c: Buffer) => parts.push(c));
  await new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("error", reject);
    stream.end(plain);
  });
  plain.fill(0);
  return { bytes: Buffer.concat(parts), encrypted: true, count: rows.length };
}
