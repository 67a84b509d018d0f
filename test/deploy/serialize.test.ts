/** toYaml / toJson: exact output, stable order, quoting that survives YAML 1.1 and 1.2 readers, round trips. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  checkInferenceService,
  type InferenceService,
  InferenceServiceValidationError,
  inferenceService,
  parseInferenceService,
  toJson,
  toYaml,
} from "../../src/deploy/index.js";
import { thrown } from "../helpers.js";
import { copy, irisSpec, knativeIsvc } from "./status-objects.js";

const sample = () =>
  inferenceService({
    name: "sklearn-iris",
    namespace: "kserve-test",
    labels: { enabled: "true", version: "1.0" },
    annotations: { "serving.kserve.io/deploymentMode": "Standard", "example.com/flag": "yes" },
    predictor: {
      serviceAccountName: "models-s3",
      minReplicas: 1,
      model: {
        modelFormat: { name: "sklearn", version: "1" },
        storageUri: "s3://models/iris",
        protocolVersion: "v2",
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: 1 } },
        env: [{ name: "FLAG", value: "off" }],
        args: ["--workers", "2"],
      },
    },
  });

/** Strings that a plain YAML scalar would turn into something else under YAML 1.1 or 1.2. */
const TRICKY = [
  "yes",
  "no",
  "on",
  "off",
  "y",
  "N",
  "True",
  "FALSE",
  "null",
  "~",
  "",
  "1",
  "1.0",
  "0o14",
  "014",
  "0x1F",
  "1e3",
  "1_000",
  "12:30",
  ".inf",
  ".NaN",
  "2025-01-10",
  "<<",
  "=",
  "#x",
  "- x",
  "a: b",
  "@x",
  "'q'",
];

describe("toYaml", () => {
  it("prints the sample exactly", () => {
    expect(toYaml(sample())).toBe(`apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: sklearn-iris
  namespace: kserve-test
  labels:
    enabled: "true"
    version: "1.0"
  annotations:
    serving.kserve.io/deploymentMode: Standard
    example.com/flag: "yes"
spec:
  predictor:
    serviceAccountName: models-s3
    minReplicas: 1
    model:
      modelFormat:
        name: sklearn
        version: "1"
      storageUri: s3://models/iris
      protocolVersion: v2
      resources:
        requests:
          cpu: 500m
          memory: 1Gi
        limits:
          cpu: 1
      env:
        - name: FLAG
          value: "off"
      args:
        - --workers
        - "2"
`);
  });

  it("quotes every string a YAML 1.1 or 1.2 reader would misread, and nothing else", () => {
    const isvc = parseInferenceService({
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name: "m", annotations: Object.fromEntries(TRICKY.map((text, i) => [`k${i}`, text])) },
      spec: { predictor: { sklearn: { args: TRICKY } } },
    });
    const text = toYaml(isvc);
    for (const [i, value] of TRICKY.entries()) {
      expect(text).toContain(`k${i}: ${JSON.stringify(value)}\n`);
      expect(text).toContain(`- ${JSON.stringify(value)}\n`);
    }
    for (const version of ["1.1", "1.2"] as const) {
      const back = parse(text, { version }) as InferenceService;
      expect(back.spec.predictor.sklearn?.args).toEqual(TRICKY);
      expect(Object.values(back.metadata.annotations ?? {})).toEqual(TRICKY);
    }
    expect(toYaml(sample())).toContain("storageUri: s3://models/iris\n");
    expect(toYaml(sample())).toContain("cpu: 500m\n");
  });

  it('quotes keys too: a label named "on" is a boolean key in YAML 1.1', () => {
    const text = toYaml(parseInferenceService({ ...sample(), metadata: { name: "m", labels: { on: "x", y: "z" } } }));
    expect(text).toContain('    "on": x\n    "y": z\n');
    expect(parse(text, { version: "1.1" }).metadata.labels).toEqual({ on: "x", y: "z" });
  });

  it("orders apiVersion, kind, metadata, spec, status whatever the input order, and leaves out an absent status", () => {
    const scrambled = {
      status: copy(knativeIsvc.status),
      spec: irisSpec,
      metadata: knativeIsvc.metadata,
      kind: "InferenceService",
      apiVersion: "serving.kserve.io/v1beta1",
    } as unknown as InferenceService;
    const topLevel = (text: string) => text.split("\n").filter((line) => /^\w/.test(line));
    expect(topLevel(toYaml(scrambled))).toEqual([
      "apiVersion: serving.kserve.io/v1beta1",
      "kind: InferenceService",
      "metadata:",
      "spec:",
      "status:",
    ]);
    expect(topLevel(toYaml(sample()))).toEqual([
      "apiVersion: serving.kserve.io/v1beta1",
      "kind: InferenceService",
      "metadata:",
      "spec:",
    ]);
  });

  it("does not fold long strings and prints multi-line ones as block literals", () => {
    const long = "word ".repeat(60).trim();
    const text = toYaml(
      parseInferenceService({
        ...sample(),
        metadata: { name: "m", annotations: { long, script: "line 1\nline 2\n" } },
      }),
    );
    expect(text).toContain(`long: ${long}\n`);
    expect(text).toContain("script: |\n      line 1\n      line 2\n");
    expect(parse(text).metadata.annotations).toEqual({ long, script: "line 1\nline 2\n" });
  });

  it("refuses to print an invalid InferenceService", () => {
    const invalid = { ...sample(), metadata: { name: "Bad_Name" } };
    expect(thrown(InferenceServiceValidationError, () => toYaml(invalid)).problems.map((p) => p.path)).toEqual([
      "metadata.name",
    ]);
    expect(thrown(InferenceServiceValidationError, () => toJson(invalid)).problems.map((p) => p.path)).toEqual([
      "metadata.name",
    ]);
  });
});

describe("round trips", () => {
  const cases: [string, () => InferenceService][] = [
    ["the sample", sample],
    [
      "a shorthand with extra Kubernetes fields",
      () =>
        parseInferenceService({
          apiVersion: "serving.kserve.io/v1beta1",
          kind: "InferenceService",
          metadata: { name: "t" },
          spec: {
            predictor: {
              tolerations: [{ key: "gpu", operator: "Exists" }],
              triton: {
                storageUri: "pvc://claim/models",
                image: "nvcr.io/triton:24.01",
                ports: [{ containerPort: 9000, name: "h2c" }],
              },
            },
          },
        }),
    ],
    [
      "an object read back with status (PROTOCOL §5.5)",
      () => parseInferenceService({ ...copy(knativeIsvc), spec: irisSpec }),
    ],
    [
      "tricky strings everywhere",
      () =>
        parseInferenceService({
          apiVersion: "serving.kserve.io/v1beta1",
          kind: "InferenceService",
          metadata: {
            name: "m",
            labels: { on: "true" },
            annotations: Object.fromEntries(TRICKY.map((t) => [`a.b/${t.length}x`, t])),
          },
          spec: { predictor: { sklearn: { args: TRICKY, env: TRICKY.map((value, i) => ({ name: `V${i}`, value })) } } },
        }),
    ],
  ];

  it.each(cases)("toYaml → yaml.parse → checkInferenceService gives %s back", (_, make) => {
    const isvc = make();
    for (const version of ["1.1", "1.2"] as const) {
      expect(checkInferenceService(parse(toYaml(isvc), { version }))).toEqual({ ok: true, value: isvc });
    }
  });

  it.each(cases)("toJson → JSON.parse → checkInferenceService gives %s back", (_, make) => {
    const isvc = make();
    expect(checkInferenceService(JSON.parse(toJson(isvc)))).toEqual({ ok: true, value: isvc });
  });
});

describe("toJson", () => {
  it("prints 2-space JSON with a trailing newline, in the same order as the YAML", () => {
    const text = toJson(sample());
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(text.split("\n").slice(0, 6)).toEqual([
      "{",
      '  "apiVersion": "serving.kserve.io/v1beta1",',
      '  "kind": "InferenceService",',
      '  "metadata": {',
      '    "name": "sklearn-iris",',
      '    "namespace": "kserve-test",',
    ]);
    expect(Object.keys(JSON.parse(text).spec.predictor)).toEqual(["serviceAccountName", "minReplicas", "model"]);
    expect(JSON.parse(text).spec.predictor.model.resources.limits.cpu).toBe(1);
  });
});
