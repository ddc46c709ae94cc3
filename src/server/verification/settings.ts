import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import { appendAudit } from "../audit/log.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { settingsSchema, type VerificationSettings } from "../../shared/api/verification.js";
import { verificationSettings } from "./tables.js";

// The schema is shared with the console's settings card; the server keeps the defaults and the store.
export { settingsSchema, type VerificationSettings };

export const DEFAULT_SETTINGS: VerificationSettings = {
  slaHours: 24,
  highRiskThreshold: 40,
  weights: { watchlist_hit: 50, watchlist_name_only: 15, shared_channel_identity: 20, first_contact_burst: 15, identity_changed: 20, unit_mismatch: 15, probing_questions: 30, failed_checks: 5 },
  burst: { count: 5, minutes: 60 },
  checklist: [
    { key: "identity_consistent", label: { uk: "Особа однакова в усіх повідомленнях і каналах", en: "Identity is consistent across messages and channels" }, factor: "identity_changed" },
    { key: "unit_plausible", label: { uk: "Особовий номер і частина правдоподібні для звання і сектора", en: "Service number and unit are plausible for the rank and the claimed sector" }, factor: "unit_mismatch" },
    { key: "document_matches", label: { uk: "Фото або документ (якщо є) збігається", en: "The photo or document (if any) matches" }, factor: null },
    { key: "story_consistent", label: { uk: "Розповідь про розгортання і місце узгоджена в часі", en: "The story of deployment and location is consistent over time" }, factor: null },
    { key: "duplicates_reviewed", label: { uk: "Дублікати й об'єднання переглянуто", en: "Duplicates and merges reviewed" }, factor: null },
    { key: "watchlist_checked", label: { uk: "Список спостереження перевірено", en: "Watchlist checked" }, factor: null },
    { key: "contact_pattern", label: { uk: "Характер звернень правдоподібний (не випитує місця і процедури)", en: "Contact pattern is plausible (does not ask for locations or procedures)" }, factor: "probing_questions" },
  ],
  // No list ships: units and their sectors come from operations' own reporting, and a guessed
  // list would raise the factor on genuine applicants. Empty, the unit rule is off.
  units: [],
  // Matching rules, not texts shown to anyone: Russian and Ukrainian, matched on the applicant's
  // messages folded (case, ё/е, look-alike Latin letters), each from the start of a word.
  probing: [
    { key: "positions", phrases: ["где находятся ваши позиции", "где ваши позиции", "где стоят ваши", "где ваши блокпосты", "де знаходяться ваші позиції", "де ваші позиції", "де стоять ваші"] },
    { key: "route", phrases: ["какой маршрут", "каким маршрутом", "по какой дороге вы", "який маршрут", "яким маршрутом"] },
    { key: "strength", phrases: ["сколько вас", "сколько у вас людей", "сколько человек на точке", "скільки вас", "скільки у вас людей"] },
    { key: "reception_points", phrases: ["где вы принимаете", "где у вас точки приема", "де ви приймаєте"] },
    { key: "coordinates", phrases: ["координат", "скиньте точку", "скиньте геолокацию", "скиньте геолокацію"] },
    { key: "procedures", phrases: ["как вы проверяете", "как проходит ваша проверка", "кто у вас принимает решение", "як ви перевіряєте", "хто у вас приймає рішення"] },
  ],
};

/** The rules in force: the stored row, or the defaults while an admin has set none. */
export async function readSettings(db: Pick<Db, "select">): Promise<VerificationSettings> {
  const [row] = await db.select().from(verificationSettings).where(eq(verificationSettings.id, 1));
  // Rules stored before the unit list and the probing rules existed keep their other choices and take these defaults.
  const parsed = row ? settingsSchema.safeParse({ units: DEFAULT_SETTINGS.units, probing: DEFAULT_SETTINGS.probing, ...row.settings }) : null;
  return parsed?.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function updateSettings(ctx: AppContext, user: SessionUser, settings: VerificationSettings): Promise<VerificationSettings> {
  authorize(user, "verification", "configure");
  await ctx.db.transaction(async (tx) => {
    const row = { id: 1, settings, updatedAt: ctx.now(), updatedBy: user.id };
    await tx.insert(verificationSettings).values(row).onConflictDoUpdate({ target: verificationSettings.id, set: row });
    await appendAudit(tx, ctx.keys.subkey("audit"), {
      actorId: user.id,
      action: "verification.settings_changed",
      subjectType: "settings",
      subjectId: "verification",
      details: { threshold: settings.highRiskThreshold, slaHours: settings.slaHours, items: settings.checklist.length, units: settings.units.length, probingRules: settings.probing.length },
    });
  });
  return settings;
}
