/** A valid Kubernetes label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/** Whether `value` may stand as a (non-empty) Kubernetes label value. */
export function isLabelValue(value: string | undefined): value is string {
  return value !== undefined && LABEL_VALUE.test(value);
}
