/**
 * The stored codes of the questionnaire, shared by the web form, the bot, phone calls and the
 * console. Labels live in each side's i18n catalogs. Equipment codes come from the reward
 * schedule (law, kept as effective-dated data), not from here.
 */
export const WHO = ["alone", "group"] as const;
export const DEPLOYED = ["yes", "soon", "no"] as const;
export const TIMINGS = ["now", "week", "month", "later", "unknown"] as const;
export const REGIONS = ["zaporizhzhia", "kherson", "donetsk", "luhansk", "kharkiv", "dnipropetrovsk", "sumy", "crimea", "kursk", "belgorod", "bryansk", "other"] as const;
export const CONTACTS = ["site", "telegram", "whatsapp", "phone"] as const;
