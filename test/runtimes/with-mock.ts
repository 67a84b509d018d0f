/** A runtime of the matrix and the mock KServe it calls, made ready together. */
import { type MockKServe, type MockKServeOptions, startMockKServe } from "kserve-client/testing";
import { type RuntimeBinary, runtimeBinary } from "../dist/helpers.js";

/**
 * The runtime's binary (fetched on first use) and a mock KServe on loopback, started while it is fetched. When either
 * fails, the other is not left behind (a started mock is closed) and the failure is thrown: the caller's tests fail.
 */
export async function runtimeWithMock(
  name: string,
  options: MockKServeOptions,
): Promise<{ binary: RuntimeBinary; mock: MockKServe }> {
  const [fetched, started] = await Promise.allSettled([runtimeBinary(name), startMockKServe(options)]);
  if (fetched.status === "rejected") {
    if (started.status === "fulfilled") await started.value.close();
    throw fetched.reason;
  }
  if (started.status === "rejected") throw started.reason;
  return { binary: fetched.value, mock: started.value };
}
