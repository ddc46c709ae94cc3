import { and, asc, desc, eq, exists, inArray, lt, not, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { appendAudit } from "../audit/log.js";
import { blindIndex, nameTokenIndexes } from "../crypto/blind-index.js";
import { caseScope } from "../cases/index.js";
import { blindIndexes, cases } from "../db/schema.js";
import type { CaseState } from "../../shared/case-states.js";
import { REGISTER_STATES } from "../../shared/registration.js";
import { powCardSendings, powCards, powRecords } from "./tables.js";
import { sendingsOf } from "./cards.js";
import { presentCard } from "./present.js";

const PAGE = 200;

export interface RegisterFilter {
  state?: CaseState | undefined;
  number?: number | undefined;
  name?: string | undefined;
  cards?: "due" | "overdue" | undefined;
}

/**
 * A name, never compared in clear: the case carries the blind index of the whole name, or of every
 * word of it (the intake's identity and the registrar's record are both indexed, record.ts). A
 * name that normalises to nothing matches nothing.
 */
function byName(ctx: AppContext, name: string): SQL {
  const key = ctx.keys.subkey("index");
  const full = blindIndex(key, "name", name);
  const words = nameTokenIndexes(key, name);
  if (!full || words.length === 0) return sql`false`;
  const whole = ctx.db.select({ id: blindIndexes.caseId }).from(blindIndexes).where(and(eq(blindIndexes.kind, "name"), eq(blindIndexes.value, full)));
  const everyWord = ctx.db
    .select({ id: blindIndexes.caseId })
    .from(blindIndexes)
    .where(and(eq(blindIndexes.kind, "name_token"), inArray(blindIndexes.value, words)))
    .groupBy(blindIndexes.caseId)
    .having(sql`count(distinct ${blindIndexes.value}) = ${words.length}`);
  return sql`(${inArray(cases.id, whole)} OR ${inArray(cases.id, everyWord)})`;
}

/**
 * The card filter, in SQL so the page holds the right rows however many cases there are: the
 * register shows the earliest card whose agency copy is not recorded as sent (printed or not),
 * which is overdue exactly when any such card is.
 */
const agencySent = (db: AppContext["db"]) => exists(db.select({ one: sql`1` }).from(powCardSendings).where(and(eq(powCardSendings.cardId, powCards.id), eq(powCardSendings.copy, "agency"))));
function byCards(db: AppContext["db"], now: Date, status: "due" | "overdue"): SQL {
  const unsent = (overdue: boolean) =>
    exists(db.select({ one: sql`1` }).from(powCards).where(and(eq(powCards.caseId, cases.id), not(agencySent(db)), overdue ? lt(powCards.dueAt, now) : undefined)));
  return status === "overdue" ? unsent(true) : and(unsent(false), not(unsent(true)))!;
}

/**
 * The register: cases in the registrar's scope that are his work, by state, with the Art. 17
 * status and the next card owed; found by case number or by name (blind indexes). Nothing here
 * names a person, and his choice is not part of it. A search by name is audited (the field, never the value).
 */
export async function listRegister(ctx: AppContext, session: StaffSession, filter: RegisterFilter) {
  authorize(session.user, "pow_registration", "read");
  const scope = caseScope(session.user, { resource: "pow_registration", action: "read" });
  const now = ctx.now();
  const rows = await ctx.db
    .select({ caseId: cases.id, number: cases.number, state: cases.state, art17Complete: powRecords.art17Complete, registeredAt: powRecords.registeredAt })
    .from(cases)
    .leftJoin(powRecords, eq(powRecords.caseId, cases.id))
    .where(
      and(
        inArray(cases.state, filter.state ? [filter.state] : [...REGISTER_STATES]),
        filter.number ? eq(cases.number, filter.number) : undefined,
        filter.name ? byName(ctx, filter.name) : undefined,
        filter.cards ? byCards(ctx.db, now, filter.cards) : undefined,
        scope ?? sql`true`,
      ),
    )
    .orderBy(desc(cases.updatedAt))
    .limit(PAGE);
  if (filter.name) await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "pow.register_searched", subjectType: "case", details: { fields: "name", results: rows.length } }));
  const ids = rows.map((r) => r.caseId);
  const cards = ids.length ? await sendingsOf(ctx.db, await ctx.db.select().from(powCards).where(inArray(powCards.caseId, ids)).orderBy(asc(powCards.dueAt))) : [];
  return rows.map((r) => {
    const his = cards.filter((c) => c.caseId === r.caseId);
    const card = his.find((c) => !c.sent.agency);
    const lastSentOn = his.flatMap((c) => (c.sent.agency ? [c.sent.agency.sentOn] : [])).sort().at(-1) ?? null;
    return { caseId: r.caseId, number: r.number, state: r.state as CaseState, art17Complete: r.art17Complete ?? false, registeredAt: r.registeredAt?.toISOString() ?? null, nextCard: card ? presentCard(card, now) : null, lastSentOn };
  });
}
