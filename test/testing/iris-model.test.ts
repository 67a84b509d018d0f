import { describe, expect, it } from "vitest";
import { IRIS_MODEL } from "../../src/testing/index.js";
import { predict, trainIris } from "../../scripts/train-iris.mjs";

describe("the fake iris model", () => {
  it("is exactly what scripts/train-iris.mjs trains (rerun it after changing the training)", () => {
    expect(trainIris()).toEqual(JSON.parse(JSON.stringify(IRIS_MODEL)));
  });

  it("fits the iris data (at least 95% of the 150 rows)", () => {
    expect(IRIS_MODEL.trainingAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it("gives the classes the real sklearn model gave on the recorded rows", () => {
    const recorded: [number[], number][] = [
      [[5.1, 3.5, 1.4, 0.2], 0],
      [[6.2, 2.9, 4.3, 1.3], 1],
      [[7.7, 3.0, 6.1, 2.3], 2],
    ];
    for (const [row, expected] of recorded)
      expect((predict as (tree: unknown, x: number[]) => number)(IRIS_MODEL.tree, row)).toBe(expected);
  });
});
