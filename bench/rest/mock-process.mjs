// @ts-check
// The mock KServe in its own process, so the client under test does not share an event loop with the server.
import { startMockKServe } from "kserve-client/testing";

const mock = await startMockKServe();
process.stdout.write(`${mock.url}\n`);
process.on("SIGTERM", () => void mock.close().then(() => process.exit(0)));
