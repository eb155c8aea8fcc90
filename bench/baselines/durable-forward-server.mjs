// Reference for the forward scenario (not a target baseline): the minimal durable server
// (durable-core.mjs, same storage and group commit) plus the least a forwarder can do — a
// bare undici loop POSTing each stored body to the target, 8 in flight, no bookkeeping.
// It shows what forwarding alone costs on this machine.
// Usage: node durable-forward-server.mjs <db file> <target url>
import { Agent, request } from "undici";
import { startDurableServer } from "./durable-core.mjs";

const [file, target] = process.argv.slice(2);
const agent = new Agent({ keepAliveTimeout: 2000 });
const queue = [];
let active = 0;
function pump() {
  while (active < 8 && queue.length) {
    const body = queue.shift();
    active++;
    request(target, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
      dispatcher: agent,
    })
      .then((r) => r.body.dump())
      .catch(() => {})
      .finally(() => {
        active--;
        pump();
      });
  }
}

startDurableServer({
  file,
  afterCommit: (bodies) => {
    queue.push(...bodies);
    pump();
  },
});
