/** Which InferenceServices deploy() hands an OpenAI endpoint for: those of KServe's Hugging Face runtime. */
import { describe, expect, it } from "vitest";
import { inferenceService } from "../../src/deploy/index.js";
import { servesOpenAIRoutes } from "../../src/deploy/openai-routes.js";

describe("servesOpenAIRoutes", () => {
  it.each([
    ["the huggingface shorthand", { huggingface: { storageUri: "hf://Qwen/Qwen2.5-0.5B-Instruct" } }, true],
    [
      "modelFormat huggingface",
      { model: { modelFormat: { name: "huggingface" }, storageUri: "hf://org/model" } },
      true,
    ],
    [
      "modelFormat HuggingFace (KServe compares formats ignoring case)",
      { model: { modelFormat: { name: "HuggingFace" } } },
      true,
    ],
    ["sklearn", { sklearn: { storageUri: "s3://models/iris" } }, false],
    ["modelFormat onnx", { model: { modelFormat: { name: "onnx" }, storageUri: "s3://models/x" } }, false],
  ] as const)("%s", (_, predictor, serves) => {
    expect(servesOpenAIRoutes(inferenceService({ name: "m", predictor }))).toBe(serves);
  });
});
