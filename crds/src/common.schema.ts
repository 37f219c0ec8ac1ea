import { z } from 'zod';

/** RFC 3339 timestamp as Kubernetes writes it (`2024-01-02T15:04:05Z`); offsets are accepted. */
export const timestampSchema = z.iso.datetime({
  offset: true,
  error: 'must be an RFC 3339 timestamp',
});

/** DNS-1123 label: what a bot name must be to become a pod, machine or process name. */
export const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_LABEL_MESSAGE =
  'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending alphanumeric';

/** DNS-1123 subdomain: what the name of a Kubernetes Secret must be. */
export const DNS_SUBDOMAIN_PATTERN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS_SUBDOMAIN_MESSAGE =
  'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending alphanumeric';

/** zod check for a list that must not repeat a value; Kubernetes enforces it via list-type set. */
export function noDuplicates<T>(items: readonly T[], ctx: z.RefinementCtx<readonly T[]>): void {
  const seen = new Set<T>();
  items.forEach((item, index) => {
    if (seen.has(item)) {
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `duplicate value ${JSON.stringify(item)}`,
        input: item,
      });
    }
    seen.add(item);
  });
}

/** JSON-schema extension telling Kubernetes a list of scalars is a set (no duplicates). */
export const LIST_TYPE_SET = { 'x-kubernetes-list-type': 'set' } as const;
