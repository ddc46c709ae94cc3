/**
 * After a full test run: read every server log line the tests produced and fail if any carries an
 * IP address, a user agent or a test canary. The tests send a distinctive user agent and use
 * loopback and private addresses, so a leak of either would show here.
 */
import fs from "node:fs";
import path from "node:path";

const file = path.resolve(process.argv[2] ?? "test-results/server.log");
if (!fs.existsSync(file)) {
  console.error(`check-logs: ${file} does not exist: the tests wrote no server log, so there is nothing to prove`);
  process.exit(1);
}
const text = fs.readFileSync(file, "utf8");
const lines = text.split("\n").filter(Boolean);

const FORBIDDEN: { name: string; pattern: RegExp }[] = [
  { name: "IPv4 address", pattern: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/ },
  { name: "IPv6 loopback or mapped address", pattern: /(?:^|[^\w:])(?:::1|::ffff:[0-9a-f.:]+)(?:[^\w:]|$)/i },
  { name: "user agent field", pattern: /user-?agent/i },
  { name: "test user agent", pattern: /SafePassageTestAgent|canary-ua-7f3a|lightMyRequest/ },
  { name: "remote address field", pattern: /remoteAddress|"ip"\s*:/ },
  { name: "applicant canary", pattern: /CANARY-[A-Z0-9]{6,}/ },
];

let failures = 0;
for (const { name, pattern } of FORBIDDEN) {
  const hits = lines.filter((l) => pattern.test(l));
  if (hits.length) {
    failures++;
    console.error(`check-logs: ${hits.length} line(s) carry a ${name}, e.g.:\n  ${hits[0]!.slice(0, 300)}`);
  }
}
// The first "Server listening at http://127.0.0.1:port" line is Fastify's own startup message about our listener, not a client: it is filtered in the logger (see log.ts).
console.log(`check-logs: ${lines.length} log lines read, ${failures ? "FAILED" : "no IP address, user agent or canary found"}`);
console.log(`${failures ? 0 : 1} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
