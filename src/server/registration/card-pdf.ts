import PDFDocument from "pdfkit";
import { FONT_BOLD, FONT_REGULAR, pdfBuffer } from "../pdf.js";
import TEXT from "./card-text.json" with { type: "json" };
import type { RecordValues, CardReason } from "../../shared/registration.js";


type Key = keyof typeof TEXT;
/** A label in the card's languages (English, French, as the model card) and Russian, his language. */
const label = (k: Key) => TEXT[k].join(" / ");

export interface CardContent {
  copy: "family" | "agency";
  reason: CardReason;
  values: RecordValues;
  issuedOn: string;
}

/**
 * The capture card of Annex IV B as a PDF, built in memory and never written to disk. "Taken
 * prisoner": the card records him as captured, as every document of the project does.
 */
export function renderCaptureCard(card: CardContent): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A5", layout: "landscape", margin: 28, info: { Title: TEXT.title[0], Producer: "Safe Passage", Creator: "Safe Passage" } });
  const done = pdfBuffer(doc);
  doc.registerFont("regular", FONT_REGULAR);
  doc.registerFont("bold", FONT_BOLD);
  const v = card.values;
  doc.font("bold").fontSize(10).text(label("title"), { align: "center" });
  doc.font("regular").fontSize(6.5).text(label("convention"), { align: "center" }).moveDown(0.3);
  doc.font("bold").fontSize(7).text(label(card.copy === "family" ? "copy_family" : "copy_agency"));
  if (card.copy === "family") field(doc, "to", [v.informed_person_name, v.informed_person_address]);
  doc.moveDown(0.3);
  field(doc, "power", [v.power]);
  field(doc, "surname", [v.surname]);
  field(doc, "first_names", [v.first_names]);
  field(doc, "father_first_name", [v.father_first_name]);
  field(doc, "mother_maiden_name", [v.mother_maiden_name]);
  field(doc, "birth_date", [v.birth_date]);
  field(doc, "birth_place", [v.birth_place]);
  field(doc, "rank", [v.rank]);
  field(doc, "service_number", [v.service_number]);
  field(doc, "informed_person", [v.informed_person_name, v.informed_person_address]);
  field(doc, "capture", [v.capture_date, v.capture_place]);
  field(doc, "health", [v.health ? label(`health_${v.health}` as Key) : undefined]);
  field(doc, "internment_place", [v.internment_place]);
  field(doc, "reason", [label(`reason_${card.reason}` as Key)]);
  field(doc, "date", [card.issuedOn]);
  doc.moveDown(0.6);
  doc.font("regular").fontSize(7).text(`${label("signature")}: ______________________`);
  doc.end();
  return done;
}

function field(doc: PDFKit.PDFDocument, key: Key, parts: (string | undefined)[]) {
  const value = parts.filter(Boolean).join(", ") || "—";
  doc.font("regular").fontSize(6).fillColor("#555").text(label(key));
  doc.font("bold").fontSize(8.5).fillColor("#000").text(value, { indent: 8 });
}
