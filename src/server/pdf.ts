import { createRequire } from "node:module";
import path from "node:path";

/**
 * What every PDF of the server shares (the capture card, the monthly report): the font and the
 * collecting of the document into memory. The font comes from the kept dejavu-fonts-ttf package:
 * it covers Cyrillic and Latin, is embedded (subset) in each document, and nothing is fetched at
 * run time. A PDF is built in memory and never written to disk.
 */
const fontDir = path.join(path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
export const FONT_REGULAR = path.join(fontDir, "DejaVuSans.ttf");
export const FONT_BOLD = path.join(fontDir, "DejaVuSans-Bold.ttf");

/** The whole document as one Buffer once it ends; call before writing to it, then `doc.end()`. */
export function pdfBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  return new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}
