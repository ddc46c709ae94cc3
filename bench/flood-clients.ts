/**
 * The flooding applicants of bench/flood.bench.ts, in a process of their own so that their work
 * is not counted as the server's (event loop, memory). `tsx bench/flood-clients.ts <form URL> <clients>`
 * posts until SIGTERM, then prints the count of each status (201 committed, 429 and 503 told
 * to retry; anything else stops it) and the CPU it used, and exits.
 */
import { intakePoster } from "./intake.bench.js";

const [url, clientsText] = process.argv.slice(2);
const post = intakePoster(url!);
let stop = false;
const statuses: Record<number, number> = {};
process.on("SIGTERM", () => (stop = true));
process.stdout.write("flooding\n");
await Promise.all(
  Array.from({ length: Number(clientsText) }, async () => {
    while (!stop) {
      const r = await post();
      if (r.status !== 201 && r.status !== 503 && r.status !== 429) throw new Error(`intake answered ${r.status}`);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  }),
);
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ statuses, cpuSeconds: (cpu.user + cpu.system) / 1e6, seconds: process.uptime() })}\n`);
