import PDFDocument from "pdfkit";
import { FONT_BOLD, FONT_REGULAR, pdfBuffer } from "../pdf.js";
import { CATALOGS } from "../intake/i18n.js";
import TEXT from "./briefing-text.json" with { type: "json" };
import type { UnitBriefing } from "./read.js";

/**
 * The receiving unit's briefing as a PDF (in Ukrainian, the unit's language), built in memory and
 * never written to disk. It is drawn from the same briefing the JSON route gives, so it can hold
 * nothing more: how many, the signals, the time, the points, the call sign; no name, no contact,
 * no case id of the men who come over.
 */
export function renderBriefingPdf(b: UnitBriefing): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: 48, info: { Title: TEXT.title, Producer: "Safe Passage", Creator: "Safe Passage" } });
  const done = pdfBuffer(doc);
  doc.registerFont("regular", FONT_REGULAR);
  doc.registerFont("bold", FONT_BOLD);
  doc.font("bold").fontSize(16).text(TEXT.title);
  doc.font("regular").fontSize(9).fillColor("#a00").text(TEXT.secret).fillColor("#000").moveDown(0.8);
  const signals = CATALOGS.uk.operations.signals as Record<string, string>;
  const pt = (p: UnitBriefing["meeting"]) => [p.mgrs, `${p.lat}, ${p.lon}`];
  line(doc, TEXT.unit, [b.unit]);
  line(doc, TEXT.group, [String(b.groupSize)]);
  line(doc, TEXT.window, [`${b.window.start.kyiv} – ${b.window.end.kyiv.slice(11)}`]);
  line(doc, TEXT.launch, [b.escort.plannedLaunch.kyiv]);
  line(doc, TEXT.callSign, [b.escort.callSign]);
  line(doc, TEXT.meeting, pt(b.meeting));
  line(doc, TEXT.alternate, pt(b.alternate));
  line(doc, TEXT.signals, b.signals.map((s) => `• ${signals[s] ?? s}`));
  doc.moveDown(0.6).font("regular").fontSize(10).text(TEXT.procedure);
  doc.end();
  return done;
}

function line(doc: PDFKit.PDFDocument, label: string, values: string[]) {
  doc.font("regular").fontSize(9).fillColor("#555").text(label);
  doc.font("bold").fontSize(12).fillColor("#000").text(values.join("\n"), { indent: 10 }).moveDown(0.4);
}
