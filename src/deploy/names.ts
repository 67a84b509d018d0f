/**
 * Kubernetes' name rules (apimachinery `validation.go`), as pure functions that return what is wrong with a value
 * or `undefined` when it is fine. The messages name the first rule broken and then restate the whole rule, because
 * a user fixing a name wants to know both what to change and what is allowed.
 */

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Longest DNS label: names, namespaces, label names and label values. */
export const MAX_LABEL_LENGTH = 63;
/** Longest DNS subdomain: label/annotation key prefixes and most object names. */
export const MAX_SUBDOMAIN_LENGTH = 253;

/**
 * An InferenceService name: a DNS-1035 label, as KServe's webhook requires (the name becomes a Service and
 * host name). Lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, ≤ 63.
 */
export function dns1035LabelProblem(value: string): string | undefined {
  const rule =
    "lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters";
  return labelProblem(value, /^[a-z]/, "start with a lower-case letter", rule);
}

/** A namespace name: a DNS-1123 label, like {@link dns1035LabelProblem} but it may start with a digit. */
export function dns1123LabelProblem(value: string): string | undefined {
  const rule = "lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
  return labelProblem(value, /^[a-z0-9]/, "start with a lower-case letter or digit", rule);
}

function labelProblem(value: string, start: RegExp, startRule: string, rule: string): string | undefined {
  const reason = firstLabelProblem(value, start, startRule);
  return reason === undefined ? undefined : `${reason} (allowed: ${rule})`;
}

function firstLabelProblem(value: string, start: RegExp, startRule: string): string | undefined {
  if (value === "") return "must not be empty";
  if (value.length > MAX_LABEL_LENGTH) return `is ${value.length} characters long, more than ${MAX_LABEL_LENGTH}`;
  if (/[A-Z]/.test(value)) return `must be lower case, ${quote(value)} has upper-case letters`;
  const bad = /[^-a-z0-9]/.exec(value);
  if (bad) return `must not contain ${quote(bad[0])}`;
  if (!start.test(value)) return `must ${startRule}, ${quote(value)} does not`;
  if (!/[a-z0-9]$/.test(value)) return `must end with a letter or digit, ${quote(value)} does not`;
  return undefined;
}

/** A DNS-1123 subdomain (ServiceAccount, PVC and ServingRuntime names; label key prefixes): dot-separated labels, ≤ 253. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value === "") return "must not be empty";
  if (value.length > MAX_SUBDOMAIN_LENGTH)
    return `is ${value.length} characters long, more than ${MAX_SUBDOMAIN_LENGTH}`;
  if (DNS1123_SUBDOMAIN.test(value)) return undefined;
  return `${quote(value)} is not a DNS subdomain (lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit)`;
}

/**
 * A label or annotation key (a "qualified name"): an optional DNS subdomain prefix and '/', then a name of at
 * most 63 characters from [A-Za-z0-9._-] that starts and ends with a letter or digit. `app`,
 * `app.kubernetes.io/name` and `serving.kserve.io/deploymentMode` are keys.
 */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return `key ${quote(key)} has more than one '/' (a key is [prefix/]name)`;
  const [prefix, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : [undefined, parts[0]!];
  if (prefix !== undefined) {
    if (prefix === "") return `key ${quote(key)} has an empty prefix before '/'`;
    const problem = dns1123SubdomainProblem(prefix);
    if (problem !== undefined) return `key ${quote(key)}: the prefix ${problem}`;
  }
  const problem = qualifiedNamePartProblem(name);
  return problem === undefined ? undefined : `key ${quote(key)}: the name ${problem}`;
}

function qualifiedNamePartProblem(name: string): string | undefined {
  if (name === "") return "must not be empty";
  if (name.length > MAX_LABEL_LENGTH) return `is ${name.length} characters long, more than ${MAX_LABEL_LENGTH}`;
  if (QUALIFIED_NAME_PART.test(name)) return undefined;
  return "must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
}

/** A label value: empty, or at most 63 characters from [A-Za-z0-9._-] starting and ending with a letter or digit. */
export function labelValueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > MAX_LABEL_LENGTH)
    return `label value is ${value.length} characters long, more than ${MAX_LABEL_LENGTH}`;
  if (QUALIFIED_NAME_PART.test(value)) return undefined;
  return `label value ${quote(value)} must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit (or empty)`;
}

/**
 * An environment variable name. Recent clusters accept any printable ASCII without '='
 * (RelaxedEnvironmentVariableValidation) but older ones demand `[-._a-zA-Z][-._a-zA-Z0-9]*`; this checks the
 * older, portable rule so a manifest works on every cluster.
 */
export function envVarNameProblem(name: string): string | undefined {
  if (name === "") return "must not be empty";
  if (/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) return undefined;
  return `${quote(name)} is not a portable environment variable name (letters, digits, '_', '-' and '.', not starting with a digit)`;
}

/** Kubernetes measures annotation size in bytes of UTF-8 (Go's len), so count bytes, not UTF-16 units. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}
