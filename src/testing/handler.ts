/** Everything the fake KServe answers, V2 and V1, as one pure function for the loopback server and msw. */
import type { MockRequest, MockResponse } from "./answers.js";
import type { FakeModels } from "./models.js";
import { handleV1 } from "./v1-handler.js";
import { handleV2 } from "./v2-handler.js";

/** Answer a V2 or V1 request (or `/`); undefined for any other path. */
export function handleKServe(models: FakeModels, request: MockRequest): MockResponse | undefined {
  return handleV2(models, request) ?? handleV1(models, request);
}
