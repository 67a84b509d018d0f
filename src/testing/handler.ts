/** Everything the fake KServe answers, V2 and V1, as one pure function for the loopback server and msw. */
import type { MockRequest, MockResponse } from "./answers.js";
import type { FakeModels, ModelCost } from "./models.js";
import { handleV1 } from "./v1-handler.js";
import { handleV2 } from "./v2-handler.js";

/**
 * Answer a V2 or V1 request (or `/`); undefined for any other path.
 *
 * @param cost what an inference costs a model that has no `cost` of its own (default: nothing)
 */
export function handleKServe(models: FakeModels, request: MockRequest, cost?: ModelCost): MockResponse | undefined {
  return handleV2(models, request, cost) ?? handleV1(models, request, cost);
}
