import { parse, stringify } from 'yaml';

/** The project's generated TradingBot CRD (crds/scripts/generate-crd.ts writes it). */
export const GENERATED_CRD_PATH = 'crds/generated/tradingbots.hmmtrade.io.yaml';

/** The chart's copy: a template under templates/crd/, so `helm upgrade` updates the CRD too. */
export const CHART_CRD_PATH = 'charts/hmmtrade/templates/crd/tradingbots.hmmtrade.io.yaml';

/** Keeps the CRD, and with it every TradingBot, when the release is uninstalled. */
export const RESOURCE_POLICY_ANNOTATION = 'helm.sh/resource-policy';

interface CrdShape {
  kind?: unknown;
  metadata?: { name?: unknown; annotations?: Record<string, string> } & Record<string, unknown>;
}

/**
 * The chart's CRD template for the generated CRD YAML `generated`: the same object with the
 * `helm.sh/resource-policy: keep` annotation, wrapped in `{{- if .Values.crds.install }}`.
 * Deterministic, so a byte comparison with the checked-in copy tells whether it is stale.
 * Throws when the input is not a CRD or contains `{{`, which Helm would read as template code.
 */
export function renderChartCrd(generated: string): string {
  if (generated.includes('{{') || generated.includes('}}')) {
    throw new Error(
      `${GENERATED_CRD_PATH}: contains {{ or }}, which Helm would parse as a template`,
    );
  }
  const crd = parse(generated) as CrdShape | null;
  if (crd?.kind !== 'CustomResourceDefinition' || typeof crd.metadata?.name !== 'string') {
    throw new Error(`${GENERATED_CRD_PATH}: not a CustomResourceDefinition with a name`);
  }
  crd.metadata.annotations = { ...crd.metadata.annotations, [RESOURCE_POLICY_ANNOTATION]: 'keep' };
  const body = stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false });
  return (
    `{{- /* Copied from ${GENERATED_CRD_PATH} by charts/scripts/sync-crd.ts: DO NOT EDIT.` +
    ` Run: node charts/scripts/sync-crd.ts */ -}}\n` +
    `{{- if .Values.crds.install }}\n${body}{{- end }}\n`
  );
}
