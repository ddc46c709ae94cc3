import type { BrowserContext } from "playwright-core";
import { visible } from "./console.js";

/** The public form as an applicant fills it in; resolves to the receipt code he is shown. */
export async function submitWebRequest(ctx: BrowserContext, publicUrl: string, who: { name: string; phone: string }, message: string): Promise<string> {
  const page = await ctx.newPage();
  await page.goto(`${publicUrl}/request`);
  await page.locator("#f-name").fill(who.name);
  await page.locator("#f-phone").fill(who.phone);
  await page.locator("#f-message").fill(message);
  await page.locator("#request-form button[type=submit]").click();
  const code = page.locator("#receipt-code");
  await visible(code, 30_000);
  const text = (await code.innerText()).trim();
  await page.close();
  return text;
}
