import { and, eq, isNull, ne, or, type Column } from "drizzle-orm";
import { blindIndexes } from "../db/schema.js";
import { verificationWatchlist } from "./tables.js";

/**
 * The one rule of a watchlist hit, for every query that counts or lists hits (a case's panel and
 * score, the verifiers' list, the supervisor's weekly numbers): a blind index of the case equals
 * an entry's kind and value, the entry is still on the list, and the case is not the one the
 * entry was taken from.
 */
export const sameIdentifier = and(eq(blindIndexes.kind, verificationWatchlist.kind), eq(blindIndexes.value, verificationWatchlist.value));

export const activeEntryFor = (caseId: Column | string) => and(isNull(verificationWatchlist.removedAt), or(isNull(verificationWatchlist.sourceCaseId), ne(verificationWatchlist.sourceCaseId, caseId)));
