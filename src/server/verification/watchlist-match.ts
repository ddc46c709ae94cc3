import { and, eq, isNull, ne, or, sql, type Column } from "drizzle-orm";
import { blindIndexes } from "../db/schema.js";
import { verificationWatchlist } from "./tables.js";

/**
 * The one rule of a watchlist hit, for every query that counts or lists hits (a case's panel and
 * score, the verifiers' list, the supervisor's weekly numbers): a blind index of the case equals
 * an entry's kind and value, the entry is still on the list, and the case is not the one the
 * entry was taken from.
 *
 * Names: namesakes are many, so when both sides know the date of birth only the name-and-date
 * entry ("name_birth") decides; the name alone still hits, as a weaker name-only hit (NAME_ONLY),
 * when the date is unknown on either side (the entry's source gave none, or the case has none).
 */
export const sameIdentifier = and(
  eq(blindIndexes.kind, verificationWatchlist.kind),
  eq(blindIndexes.value, verificationWatchlist.value),
  sql`NOT (${verificationWatchlist.kind} = 'name' AND ${verificationWatchlist.birthKnown} AND EXISTS (SELECT 1 FROM blind_indexes dob WHERE dob.case_id = ${blindIndexes.caseId} AND dob.kind = 'name_birth'))`,
);

/** The kind of a hit on the name alone: labelled as weaker wherever hits are shown. */
export const NAME_ONLY = "name";

export const activeEntryFor = (caseId: Column | string) => and(isNull(verificationWatchlist.removedAt), or(isNull(verificationWatchlist.sourceCaseId), ne(verificationWatchlist.sourceCaseId, caseId)));
