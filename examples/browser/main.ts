// The iris page: four sliders, the model's answer shown live, over V2 REST or gRPC-web. Where the model is comes
// from the address: ?baseUrl=https://sklearn-iris.default.example.com&model=sklearn-iris (default: this page's
// own origin, which `vite` dev serves through a proxy to the ingress, see vite.config.mjs). A browser cannot
// present another Host, so baseUrl must be a name that reaches the InferenceService itself.
import { createV2Client, isKServeError, Tensor, type V2Client } from "kserve-client";
import { createGrpcClient } from "kserve-client/grpc";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

const SPECIES = ["setosa", "versicolor", "virginica"];
const FEATURES = ["sepal-length", "sepal-width", "petal-length", "petal-width"];
type Protocol = "rest" | "grpc-web";

const params = new URLSearchParams(location.search);
const baseUrl = params.get("baseUrl") ?? location.origin;
const model = params.get("model") ?? "sklearn-iris";
// Only here to show what the SDK says when someone tries Host routing in a browser.
const host = params.get("host") ?? undefined;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const sliders = FEATURES.map((id) => $<HTMLInputElement>(id));
const prediction = $("prediction");
$("model").textContent = model;
$("base-url").textContent = baseUrl;

// One client per protocol, made when first used: a bad configuration shows as an error, not a blank page.
const clients = new Map<Protocol, V2Client>();
function clientFor(protocol: Protocol): V2Client {
  let client = clients.get(protocol);
  if (client === undefined) {
    const common = { timeoutMs: 3000, retry: { maxRetries: 1 } };
    client =
      protocol === "rest"
        ? createV2Client({ baseUrl, ...(host === undefined ? {} : { host }), ...common })
        : createGrpcClient({ transport: createGrpcWebTransport({ baseUrl }), ...common });
    clients.set(protocol, client);
  }
  return client;
}

let latest = 0;
let inFlight: AbortController | undefined;
async function classify(): Promise<void> {
  const call = ++latest;
  // A slider being dragged fires many times: cancel the call whose answer nobody will see.
  inFlight?.abort();
  const controller = (inFlight = new AbortController());
  const protocol = (document.querySelector<HTMLInputElement>('input[name="protocol"]:checked')?.value ??
    "rest") as Protocol;
  const features = sliders.map((slider) => Number(slider.value));
  sliders.forEach((slider) => (slider.nextElementSibling!.textContent = slider.value));
  prediction.dataset["state"] = "pending";
  const started = performance.now();
  try {
    const result = await clientFor(protocol).infer(
      model,
      { inputs: [Tensor.fp32("input-0", [1, 4], features)] },
      { signal: controller.signal },
    );
    if (call !== latest) return; // A newer slider position is on its way; its answer is the one to show.
    const classId = Number(result.output("output-0", "INT64").data[0]);
    show({
      species: SPECIES[classId] ?? `class ${classId}`,
      classId: String(classId),
      protocol,
      latency: `${Math.round(performance.now() - started)} ms`,
    });
  } catch (error) {
    if (call !== latest) return;
    showError(protocol, error);
  }
}

function show(answer: { species: string; classId: string; protocol: Protocol; latency: string }): void {
  $("species").textContent = answer.species;
  $("class-id").textContent = answer.classId;
  $("protocol").textContent = answer.protocol === "rest" ? "V2 REST" : "gRPC-web";
  $("latency").textContent = answer.latency;
  $("error").hidden = true;
  prediction.dataset["state"] = "ok";
  prediction.dataset["calls"] = String(latest);
}

function showError(protocol: Protocol, error: unknown): void {
  const box = $("error");
  // The SDK's errors say what went wrong and what to do; show them whole, with their type and code.
  box.textContent = isKServeError(error) ? `${error.name} (${error.code}): ${error.message}` : String(error);
  box.dataset["code"] = isKServeError(error) ? error.code : "unknown";
  box.dataset["name"] = error instanceof Error ? error.name : typeof error;
  box.hidden = false;
  $("species").textContent = "no answer";
  $("protocol").textContent = protocol === "rest" ? "V2 REST" : "gRPC-web";
  prediction.dataset["state"] = "error";
  prediction.dataset["calls"] = String(latest);
}

$("features").addEventListener("input", () => void classify());
void classify();
