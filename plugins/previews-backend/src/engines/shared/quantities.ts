// Kubernetes resource quantities (`50m`, `64Mi`), as the preview spec writes
// requests and storage: shared by the engines and the cost estimate.

const QUANTITY =
  /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a Kubernetes quantity in plain units, when it is in a simple form. */
export function quantityValue(quantity: string): number | undefined {
  const match = QUANTITY.exec(quantity);
  return match ? Number(match[1]) * SUFFIX[match[2] ?? ''] : undefined;
}
