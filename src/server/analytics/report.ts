import PDFDocument from "pdfkit";
import { FONT_BOLD, FONT_REGULAR as FONT, pdfBuffer } from "../pdf.js";
import type { AppContext } from "../context.js";
import type { SessionUser } from "../auth/sessions.js";
import { readDashboard } from "./dashboard.js";
import texts from "./i18n/report.json" with { type: "json" };


const lastDay = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** A month's numbers on paper: the dashboard's figures for that month, in Ukrainian or English. */
export async function monthReportPdf(ctx: AppContext, user: SessionUser, month: string, lang: "uk" | "en"): Promise<Buffer> {
  const d = await readDashboard(ctx, user, { from: `${month}-01`, to: lastDay(month) });
  const t = texts[lang];
  const duration = (s: number | null) => (s === null ? t.none : s >= 3600 ? `${(s / 3600).toFixed(1)} ${t.hours}` : `${Math.round(s / 60)} ${t.minutes}`);
  const doc = new PDFDocument({ size: "A4", margin: 50, info: { Title: t.title.replace("{month}", month) } });
  const done = pdfBuffer(doc);
  const heading = (s: string) => doc.moveDown(0.6).font(FONT_BOLD).fontSize(12).text(s).font(FONT).fontSize(10);
  doc.font(FONT_BOLD).fontSize(16).text(t.title.replace("{month}", month));
  doc.font(FONT).fontSize(9).fillColor("#555").text(t.subtitle).fillColor("#000").fontSize(10);
  const contacts = d.contacts.total.reduce((s, n) => s + n, 0);
  heading(`${t.contacts}: ${contacts}`);
  for (const [c, series] of Object.entries(d.contacts.byChannel)) doc.text(`${t.channels[c as keyof typeof t.channels] ?? c}: ${series.reduce((s, n) => s + n, 0)}`);
  doc.text(`${t.inbound}: ${d.inbound.reduce((s, n) => s + n, 0)}`);
  heading(t.funnel);
  for (const s of d.funnel) doc.text(`${t.steps[s.step]}: ${s.n}${s.conversion === null ? "" : ` (${t.conversion} ${s.conversion} %)`}`);
  heading(t.medianFirstResponse);
  doc.text(duration(d.durations.first_response.medianSeconds));
  heading(t.medianHandover);
  doc.text(duration(d.durations.to_handed_over.medianSeconds));
  heading(t.sla.replace("{minutes}", String(d.sla.targetMinutes)));
  doc.text(d.sla.share === null ? t.none : `${d.sla.share} %`);
  heading(t.verdicts);
  doc.text(d.verdicts.length ? d.verdicts.map((v) => `${t.steps[v.outcome as keyof typeof t.steps] ?? v.outcome}: ${v.n}`).join("; ") : t.none);
  heading(t.events);
  if (d.events.length === 0) doc.text(t.none);
  for (const e of d.events) doc.text(`${e.day} · ${e.kind}${e.note ? ` · ${e.note}` : ""}`);
  doc.end();
  return done;
}
