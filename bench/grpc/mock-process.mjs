// @ts-check
// The mock KServe in its own process, so the client under test does not share an event loop with the server.
// Prints the URL of its native gRPC port (h2c).
import { startMockKServe } from "kserve-client/testing";

const mock = await startMockKServe();
if (mock.grpcUrl === undefined)
  throw new Error("startMockKServe started no gRPC server (is @connectrpc/connect-node installed?)");
process.stdout.write(`${mock.grpcUrl}\n`);
process.on("SIGTERM", () => void mock.close().then(() => process.exit(0)));
