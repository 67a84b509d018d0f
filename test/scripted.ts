/** An HttpClient that answers from a script, for client tests that need no network. */
import type { HttpClient, HttpRequest, HttpResponse } from "../src/core/http.js";
import { bodyBytes, kserveFixture } from "./fixtures.js";
import { concat } from "./helpers.js";

/** The response a fixture recorded, as an HttpClient returns it. */
export function recorded(name: string): HttpResponse {
  const { status, headers, body } = kserveFixture(name).response;
  return { status, headers, body: bodyBytes(body) };
}

/** A response with this status and (text) body. */
export const status = (code: number, body = ""): HttpResponse => ({
  status: code,
  headers: {},
  body: new TextEncoder().encode(body),
});

/** An HttpClient answering from a list (one per call, the last repeating) and recording the requests. */
export function scripted(...answers: (HttpResponse | Error)[]): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const fn = async (request: HttpRequest) => {
    requests.push(request);
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return Object.assign(fn, { requests });
}

/** The bytes a request sent, its chunks joined. */
export const bodyOf = (request: HttpRequest): Uint8Array =>
  request.body === undefined
    ? new Uint8Array(0)
    : request.body instanceof Uint8Array
      ? request.body
      : concat(request.body);

/** The text a request sent. */
export const textOf = (request: HttpRequest): string => new TextDecoder().decode(bodyOf(request));
