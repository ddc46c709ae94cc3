import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import { cases } from "../db/schema.js";
import { wipe } from "../crypto/secure.js";
import { openCaseKeyFor, readSections, readThread } from "../cases/index.js";
import type { StaffSession } from "../auth/sessions.js";
import type { VerificationSettings } from "./settings.js";
import { judgeUnit, matchProbing } from "./content-rules.js";
import { verificationCases, type ContentFindings } from "./tables.js";

/**
 * The content rules, run on a verifier's request under his own access: the sections his role
 * reads (the claimed unit in identity, the region in the questionnaire) and the applicant's
 * messages, decrypted as the case view decrypts them, of the case and of every case merged into
 * it that he holds a key to. Only the findings leave this function.
 */
export async function readContentFindings(ctx: AppContext, session: StaffSession, open: { caseId: string; caseKey: Buffer; publicKey: Buffer | null }, settings: VerificationSettings): Promise<ContentFindings> {
  const { caseId, caseKey } = open;
  const sections = await readSections(ctx.db, caseId, caseKey, session.user.role);
  const inbound = (await readThread(ctx, caseId, caseKey, open.publicKey)).filter((m) => m.direction === "in").map((m) => m.body);
  const merged = await ctx.db.select({ id: cases.id, publicKey: cases.publicKey }).from(cases).where(eq(cases.mergedInto, caseId));
  for (const src of merged) {
    const key = await openCaseKeyFor(ctx.db, src.id, { id: session.user.id, privateKey: session.privateKey });
    if (!key) continue;
    try {
      for (const m of await readThread(ctx, src.id, key, src.publicKey)) if (m.direction === "in") inbound.push(m.body);
    } finally {
      wipe(key);
    }
  }
  return {
    at: ctx.now().toISOString(),
    unit: judgeUnit(sections.identity?.unit, sections.questionnaire?.region, settings.units),
    probing: matchProbing(inbound, settings.probing),
  };
}

/** Keep the findings for the readers who open no case key (the queues, the supervisor); written only when they changed. */
export async function keepContentFindings(db: Pick<Db, "select" | "update">, caseId: string, found: ContentFindings) {
  const [v] = await db.select({ kept: verificationCases.contentFindings }).from(verificationCases).where(eq(verificationCases.caseId, caseId));
  if (!v) return;
  const same = (a: ContentFindings | null) => !!a && JSON.stringify({ ...a, at: null }) === JSON.stringify({ ...found, at: null });
  if (!same(v.kept)) await db.update(verificationCases).set({ contentFindings: found }).where(eq(verificationCases.caseId, caseId));
}
