/**
 * The stored codes of the questionnaire, shared by the web form, the bot, phone calls and the
 * console. Labels live in each side's i18n catalogs. The equipment types are those of the reward
 * schedule (law 7229); a test holds the rewards capability's seed to this list, so a type the
 * schedule adds is not taken by the form until it has a code and labels here.
 */
export const WHO = ["alone", "group"] as const;
export const DEPLOYED = ["yes", "soon", "no"] as const;
export const TIMINGS = ["now", "week", "month", "later", "unknown"] as const;
export const REGIONS = ["zaporizhzhia", "kherson", "donetsk", "luhansk", "kharkiv", "dnipropetrovsk", "sumy", "crimea", "kursk", "belgorod", "bryansk", "other"] as const;
export const CONTACTS = ["site", "telegram", "whatsapp", "phone"] as const;
export const EQUIPMENT = ["combat_aircraft", "ship_rank_1_2", "combat_helicopter", "ship_rank_3_4", "support_vessel", "tank_sp_artillery", "armoured_vehicle", "small_combat_boat", "mlrs", "military_vehicle"] as const;
