/**
 * `labelSelector` and `fieldSelector` query parameters: parsed once into predicates over objects.
 * Label selectors take equality (`a=b`, `a==b`, `a!=b`), set (`a in (x,y)`, `a notin (x)`) and existence
 * (`a`, `!a`) requirements; field selectors take `=`, `==` and `!=` on the fields the resource supports.
 */
import type { ResourceDefinition } from "./resources.js";
import { badRequest } from "./status.js";
import type { KubeObject } from "./types.js";

/** A parsed selector: true when the object matches. */
export type Selector = (object: KubeObject) => boolean;

/** Matches everything (no selector given). */
export const EVERYTHING: Selector = () => true;

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Parses a `labelSelector`; a malformed one is a 400, as the apiserver answers. */
export function parseLabelSelector(text: string | undefined): Selector {
  if (text === undefined || text.trim() === "") return EVERYTHING;
  const requirements = splitRequirements(text).map(parseLabelRequirement);
  return (object) => {
    const labels = object.metadata?.labels ?? {};
    return requirements.every((matches) => matches(labels));
  };
}

/**
 * Parses a `fieldSelector` over the fields in `supported` (e.g. metadata.name). Unsupported fields are a
 * 400 whose wording depends on whether the resource is built in or custom, as in Kubernetes.
 */
export function parseFieldSelector(
  text: string | undefined,
  supported: Readonly<Record<string, (o: KubeObject) => string | undefined>>,
  custom: boolean,
): Selector {
  if (text === undefined || text.trim() === "") return EVERYTHING;
  const terms = text.split(",").map((term) => {
    const match = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (match === null) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field, op, value] = match as unknown as [string, string, string, string];
    const read = supported[field];
    if (read === undefined) {
      const known = Object.keys(supported)
        .map((f) => `"${f}"`)
        .join(", ");
      throw badRequest(
        custom ? `"${field}" is not a known field selector: only ${known}` : `field label not supported: ${field}`,
      );
    }
    return op === "!=" ? (o: KubeObject) => read(o) !== value : (o: KubeObject) => read(o) === value;
  });
  return (object) => terms.every((matches) => matches(object));
}

/** The field selector of a resource: metadata.name and metadata.namespace everywhere, `type` on Secrets. */
export function fieldSelectorFor(def: ResourceDefinition, text: string | undefined): Selector {
  const fields: Record<string, (o: KubeObject) => string | undefined> = {
    "metadata.name": (o) => o.metadata?.name,
    "metadata.namespace": (o) => o.metadata?.namespace ?? "",
  };
  if (def.resource === "secrets") fields["type"] = (o) => (typeof o["type"] === "string" ? o["type"] : undefined);
  return parseFieldSelector(text, fields, def.group !== "");
}

type LabelRequirement = (labels: Record<string, string>) => boolean;

/** Splits on commas outside parentheses (`a in (x,y),b` is two requirements). */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") depth--;
    else if (text[i] === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parseLabelRequirement(term: string): LabelRequirement {
  let match: RegExpExecArray | null;
  if ((match = /^!\s*(\S+)$/.exec(term)) !== null) {
    const key = checkKey(match[1]!, term);
    return (labels) => !Object.hasOwn(labels, key);
  }
  if ((match = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s,()]*)$/.exec(term)) !== null) {
    const key = checkKey(match[1]!, term);
    const value = checkValue(match[3]!, term);
    return match[2] === "!=" ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  if ((match = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(term)) !== null) {
    const key = checkKey(match[1]!, term);
    const values = new Set(match[3]!.split(",").map((v) => checkValue(v.trim(), term)));
    return match[2] === "in"
      ? (labels) => Object.hasOwn(labels, key) && values.has(labels[key]!)
      : (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key]!);
  }
  if (/^[^\s!=()]+$/.test(term)) {
    const key = checkKey(term, term);
    return (labels) => Object.hasOwn(labels, key);
  }
  throw badRequest(`unable to parse requirement: found '${term}', expected: a label selector requirement`);
}

function checkKey(key: string, term: string): string {
  if (!LABEL_KEY.test(key) || key.length > 317)
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in '${term}'`);
  return key;
}

function checkValue(value: string, term: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63)
    throw badRequest(`unable to parse requirement: invalid label value "${value}" in '${term}'`);
  return value;
}
