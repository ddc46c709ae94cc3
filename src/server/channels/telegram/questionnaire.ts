import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { DEPLOYED, EQUIPMENT_CODES, REGIONS, TIMINGS } from "../../intake/choices.js";
import { fill, texts } from "./catalog.js";

/**
 * The web form's questionnaire as a guided dialogue: one question at a time, answered with inline
 * buttons (callback data "<step>:<value>", e.g. "group:2") or, for a group of four or more, with
 * a number. The values are the web form's own codes (intake/choices.ts), so both channels answer
 * the same questions the same way. Each answer also appears in the thread as the applicant's
 * message (the label he pressed), and the whole set as one summary note at the end.
 */
export const STEPS = ["group", "deployed", "region", "timing", "equipment", "contact"] as const;
export type QuestionStep = (typeof STEPS)[number];
/** Where a dialog can wait: a question, the number of a big group, or a receipt code to link. */
export type DialogStep = QuestionStep | "groupCount" | "link";

export interface Answers {
  groupSize?: number;
  deployed?: string;
  region?: string;
  timing?: string;
  equipment?: string[];
  contact?: string;
}

const OPTIONS: Record<QuestionStep, readonly string[]> = {
  group: ["1", "2", "3", "more"],
  deployed: DEPLOYED,
  region: REGIONS,
  timing: TIMINGS,
  equipment: [...EQUIPMENT_CODES, "none", "done"],
  contact: ["telegram", "whatsapp", "phone"],
};
const COLUMNS: Record<QuestionStep, number> = { group: 2, deployed: 1, region: 2, timing: 1, equipment: 2, contact: 1 };

export function isQuestionStep(s: string): s is QuestionStep {
  return (STEPS as readonly string[]).includes(s);
}

export function optionLabel(step: QuestionStep, value: string): string | undefined {
  return (texts.questions[step].options as Record<string, string>)[value];
}

export function question(step: QuestionStep | "groupCount"): { text: string; keyboard?: InlineKeyboardMarkup } {
  if (step === "groupCount") return { text: texts.questions.groupCount.text };
  const buttons: InlineKeyboardButton[] = OPTIONS[step].map((value) => ({ text: optionLabel(step, value) ?? value, callback_data: `${step}:${value}` }));
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += COLUMNS[step]) rows.push(buttons.slice(i, i + COLUMNS[step]));
  return { text: texts.questions[step].text, keyboard: { inline_keyboard: rows } };
}

export interface Step {
  answers: Answers;
  /** What the applicant "said" by pressing the button, for the thread. */
  label: string;
  /** What to ask next; "done" ends the dialogue. */
  next: QuestionStep | "groupCount" | "done";
  /** A short confirmation to send before the next question (equipment, which is multi-choice). */
  confirm?: string;
}

function after(step: QuestionStep): QuestionStep | "done" {
  return STEPS[STEPS.indexOf(step) + 1] ?? "done";
}

/** Apply a button press. Null for anything the bot never offered (an old or forged button). */
export function answerButton(step: QuestionStep, value: string, answers: Answers): Step | null {
  if (!OPTIONS[step].includes(value)) return null;
  const label = optionLabel(step, value) ?? value;
  switch (step) {
    case "group":
      return value === "more" ? { answers, label, next: "groupCount" } : { answers: { ...answers, groupSize: Number(value) }, label, next: after(step) };
    case "equipment":
      if (value === "none") return { answers: { ...answers, equipment: [] }, label, next: after(step) };
      if (value === "done") return { answers: { ...answers, equipment: answers.equipment ?? [] }, label, next: after(step) };
      return { answers: { ...answers, equipment: [...new Set([...(answers.equipment ?? []), value])] }, label, next: "equipment", confirm: fill(texts.questions.equipment.added, { item: label }) };
    default:
      return { answers: { ...answers, [step]: value }, label, next: after(step) };
  }
}

/** The size of a group of four or more, typed as a number. */
export function answerGroupCount(text: string, answers: Answers): Step | null {
  const t = text.trim();
  const n = /^\d{1,3}$/.test(t) ? Number(t) : NaN;
  if (!(n >= 2 && n <= 500)) return null;
  return { answers: { ...answers, groupSize: n }, label: t, next: after("group") };
}

/** The completed questionnaire as one note for the operators, in the catalog's words. */
export function summarise(answers: Answers): string {
  const s = texts.summary;
  const label = (step: QuestionStep, v: string | undefined) => (v === undefined ? s.nothing : (optionLabel(step, v) ?? v));
  const equipment = answers.equipment?.length ? answers.equipment.map((e) => label("equipment", e)).join(", ") : s.nothing;
  return [
    s.title,
    fill(s.group, { value: answers.groupSize ?? s.nothing }),
    fill(s.deployed, { value: label("deployed", answers.deployed) }),
    fill(s.region, { value: label("region", answers.region) }),
    fill(s.timing, { value: label("timing", answers.timing) }),
    fill(s.equipment, { value: equipment }),
    fill(s.contact, { value: label("contact", answers.contact) }),
  ].join("\n");
}
