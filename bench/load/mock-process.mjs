// @ts-check
// The mock KServe in its own process for the load run: prints one line of JSON with its REST and gRPC URLs.
import { startMockKServe } from "kserve-client/testing";

const mock = await startMockKServe({ cluster: false });
process.stdout.write(`${JSON.stringify({ url: mock.url, grpcUrl: mock.grpcUrl })}\n`);
process.on("SIGTERM", () => void mock.close().then(() => process.exit(0)));
