/**
 * The flooding applicants of bench/flood.bench.ts, in a process of their own so that their work
 * is not counted as the server's (event loop, memory). `tsx bench/flood-clients.ts <form URL> <clients>`
 * posts until SIGTERM, then prints {"accepted":n,"refused":n} and exits.
 */
import { intakePoster } from "./intake.bench.js";

const [url, clientsText] = process.argv.slice(2);
const post = intakePoster(url!);
let stop = false;
let accepted = 0;
let refused = 0;
const statuses: Record<number, number> = {};
process.on("SIGTERM", () => (stop = true));
process.stdout.write("flooding\n");
await Promise.all(
  Array.from({ length: Number(clientsText) }, async () => {
    while (!stop) {
      const r = await post();
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 201) accepted++;
      else if (r.status === 503 || r.status === 429) refused++;
      else throw new Error(`intake answered ${r.status}`);
    }
  }),
);
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ accepted, refused, statuses, cpuSeconds: (cpu.user + cpu.system) / 1e6, seconds: process.uptime() })}\n`);
