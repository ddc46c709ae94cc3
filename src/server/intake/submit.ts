import type { AppContext } from "../context.js";
import { recordIntake, type Sections } from "../cases/index.js";
import type { Lang } from "./i18n.js";
import type { ValidRequest } from "./schema.js";
import { scheduleInForce } from "./choices.js";

export interface SubmittedRequest {
  caseId: string;
  receiptCode: string;
  /** For the applicant's session; the caller wipes it. */
  caseKey: Buffer;
}

/**
 * A request from the web form becomes a case in the operators' inbox (channel "web"), every field
 * encrypted under a new case key sealed to the intake team and to the key derived from his
 * receipt code. recordIntake commits before it returns: only then is he shown his code.
 */
export async function submitWebRequest(ctx: AppContext, r: ValidRequest, lang: Lang): Promise<SubmittedRequest> {
  const identity = compact({ name: r.name, rank: r.rank, unit: r.unit });
  const contact = compact({ preferred: r.contact, telegram: r.telegram?.raw, whatsapp: r.whatsapp, phone: r.phone });
  const questionnaire = compact({
    group: r.groupSize,
    deployed: r.deployed,
    region: r.region,
    location: r.location,
    timing: r.timing,
    equipment: r.equipment.length ? r.equipment : undefined,
    equipmentNote: r.equipmentNote,
    // Which schedule he was shown, so a later claim is assessed against what was promised.
    rewardScheduleFrom: r.equipment.length ? (await scheduleInForce(ctx)).effectiveFrom : undefined,
    language: lang,
  });
  const sections: Sections = { identity, contact, questionnaire };
  const phone = r.phone ?? r.telegram?.phone;
  const result = await recordIntake(ctx, {
    channel: "web",
    sections,
    ...(r.message ? { message: r.message } : {}),
    identifiers: compact({ name: r.name, phone, whatsapp: r.whatsapp, telegram_username: r.telegram?.username }),
    receipt: r.receipt,
    keepCaseKey: true,
  });
  if (!result.receiptCode || !result.caseKey) throw new Error("recordIntake returned no receipt code or case key");
  return { caseId: result.caseId, receiptCode: result.receiptCode, caseKey: result.caseKey };
}

function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
