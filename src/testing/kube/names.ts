/**
 * Object name rules, with the error texts of k8s.io/apimachinery's `util/validation` (the texts users
 * see in `kubectl` and in API errors), and `generateName` completion.
 */
import { type FieldError, fieldInvalid, fieldRequired } from "./status.js";

const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const LABEL_RE = new RegExp(`^${LABEL}$`);
const SUBDOMAIN_RE = new RegExp(`^${SUBDOMAIN}$`);

const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character " +
  `(e.g. 'my-name',  or '123-abc', regex used for validation is '${LABEL}')`;
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
  `(e.g. 'example.com', regex used for validation is '${SUBDOMAIN}')`;

/** Problems with a DNS-1123 label (namespace names): one message per broken rule, as `IsDNS1123Label` lists them. */
export function dns1123LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push("must be no more than 63 characters");
  if (!LABEL_RE.test(value)) problems.push(SUBDOMAIN_RE.test(value) ? "must not contain dots" : LABEL_MESSAGE);
  return problems;
}

/** Problems with a DNS-1123 subdomain (most object names), as `IsDNS1123Subdomain` lists them. */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 253) problems.push("must be no more than 253 characters");
  if (!SUBDOMAIN_RE.test(value)) problems.push(SUBDOMAIN_MESSAGE);
  return problems;
}

/** The `metadata.name` errors `ValidateObjectMeta` reports for a new object. */
export function nameErrors(name: string | undefined, rule: "dns1123-label" | "dns1123-subdomain"): FieldError[] {
  if (name === undefined || name === "") return [fieldRequired("metadata.name", "name or generateName is required")];
  const problems = rule === "dns1123-label" ? dns1123LabelProblems(name) : dns1123SubdomainProblems(name);
  return problems.map((problem) => fieldInvalid("metadata.name", name, problem));
}

// The alphabet of the apiserver's name generator (k8s.io/apiserver/pkg/storage/names): no vowels, no
// look-alike characters, so generated suffixes never spell words.
const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** `generateName` completed the way the apiserver does it: the prefix (cut to fit) and five random characters. */
export function generateName(prefix: string): string {
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return prefix.slice(0, 63 - 5) + suffix;
}
