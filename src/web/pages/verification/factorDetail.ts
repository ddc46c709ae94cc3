import type { TFunction } from "i18next";
import type { VerificationPanel } from "../../api/verification";

type Factor = VerificationPanel["risk"]["factors"][number];

/**
 * What a computed rule found, in the reader's language: the identity kinds that changed and how
 * many values each had, which way the unit does not fit, how many messages matched which rules,
 * and whether a verifier's failed checklist item adds to it. Codes and counts only: the values stay in the case.
 */
export function factorDetail(t: TFunction, f: Factor): string[] {
  const out: string[] = [];
  for (const d of f.drift ?? []) out.push(t("verification.factorDetail.drift", { kind: t(`verification.kinds.${d.kind}`, { defaultValue: d.kind }), values: d.values }));
  if (f.unit) out.push(t(`verification.factorDetail.unit.${f.unit}`));
  if (f.probing) out.push(t("verification.factorDetail.probing", { messages: f.probing.messages, rules: f.probing.rules.join(", ") }));
  if (f.failedCheck) out.push(t("verification.factorDetail.failedCheck"));
  return out;
}
