import { z } from 'zod';

import { DNS_LABEL_MESSAGE, DNS_LABEL_PATTERN } from './common.schema.ts';
import { crossFieldRules } from './cross-field.rules.ts';
import type { RuleScope } from './cross-field.rules.ts';
import { tradingBotSpecSchema } from './spec.schema.ts';
import { tradingBotStatusSchema } from './status.schema.ts';
import { toStructuralSchema } from './structural-schema.ts';
import type { JsonSchemaNode } from './structural-schema.ts';
import {
  CATEGORIES,
  CRD_NAME,
  GROUP,
  KIND,
  PLURAL,
  SHORT_NAMES,
  SINGULAR,
  VERSION,
} from './trading-bot.constants.ts';

/** One CEL rule on a schema node, as `x-kubernetes-validations` carries it. */
export interface ValidationRule {
  readonly rule: string;
  readonly message: string;
  /** JSONPath-like path from the node to the field reported on, e.g. `.runtime.schedule`. */
  readonly fieldPath?: string;
}

/** A column `kubectl get tradingbots` prints. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

/** The TradingBot CustomResourceDefinition (apiextensions.k8s.io/v1) as a plain object. */
export interface CustomResourceDefinition {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: {
    readonly group: string;
    readonly names: {
      readonly kind: string;
      readonly listKind: string;
      readonly plural: string;
      readonly singular: string;
      readonly shortNames: readonly string[];
      readonly categories: readonly string[];
    };
    readonly scope: 'Namespaced';
    readonly versions: readonly {
      readonly name: string;
      readonly served: boolean;
      readonly storage: boolean;
      readonly subresources: { readonly status: Record<string, never> };
      readonly additionalPrinterColumns: readonly PrinterColumn[];
      readonly schema: { readonly openAPIV3Schema: JsonSchemaNode };
    }[];
  };
}

const PRINTER_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Lifecycle phase.' },
  {
    name: 'Backend',
    type: 'string',
    jsonPath: '.spec.runtime.backend',
    description: 'Where the bot runs.',
  },
  {
    name: 'Regime',
    type: 'string',
    jsonPath: '.status.regime.label',
    description: 'Regime the bot last reported.',
  },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

function inputJsonSchema(schema: z.ZodType): JsonSchemaNode {
  // io 'input': fields with a default are optional, as they are for a user writing a manifest.
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' });
}

/** The node of `root` that `scope` (a dotted path from the resource root) names. */
function nodeAt(root: JsonSchemaNode, scope: RuleScope): JsonSchemaNode {
  let node = root;
  for (const name of scope.split('.')) {
    const properties = node.properties as Record<string, JsonSchemaNode> | undefined;
    const child = properties?.[name];
    if (child === undefined) throw new Error(`rule scope ${scope}: no property ${name}`);
    node = child;
  }
  return node;
}

function attachRules(root: JsonSchemaNode): void {
  for (const rule of crossFieldRules) {
    const node = nodeAt(root, rule.scope);
    const validation: ValidationRule = {
      rule: rule.cel,
      message: rule.message,
      ...(rule.field === '' ? {} : { fieldPath: `.${rule.field}` }),
    };
    const existing = (node['x-kubernetes-validations'] as ValidationRule[] | undefined) ?? [];
    node['x-kubernetes-validations'] = [...existing, validation];
  }
}

// The name becomes a pod, machine and process name, so it must be a DNS-1123 label (the zod
// metadata schema says the same); the apiserver alone would accept any 253-character subdomain.
const NAME_RULE: ValidationRule = {
  rule:
    `self.metadata.name.size() <= 63 && ` +
    `self.metadata.name.matches('${DNS_LABEL_PATTERN.source}')`,
  message: `metadata.name ${DNS_LABEL_MESSAGE}, at most 63 characters`,
};

/** The openAPIV3Schema of TradingBot, derived from the zod schemas plus the cross-field rules. */
export function buildTradingBotOpenApiSchema(): JsonSchemaNode {
  const root: JsonSchemaNode = {
    description: `${KIND} is a regime-detection trading bot: desired state in spec, observed in status.`,
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: {
        description: 'Versioned schema of this representation of an object.',
        type: 'string',
      },
      kind: { description: 'REST resource this object represents.', type: 'string' },
      metadata: { type: 'object' },
      spec: inputJsonSchema(tradingBotSpecSchema),
      status: inputJsonSchema(tradingBotStatusSchema),
    },
    'x-kubernetes-validations': [NAME_RULE],
  };
  attachRules(root);
  return toStructuralSchema(root);
}

/** The TradingBot CustomResourceDefinition, ready to serialise and `kubectl apply`. */
export function buildTradingBotCrd(): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CRD_NAME, labels: { 'app.kubernetes.io/part-of': 'hmmtrade' } },
    spec: {
      group: GROUP,
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: [...SHORT_NAMES],
        categories: [...CATEGORIES],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: PRINTER_COLUMNS,
          schema: { openAPIV3Schema: buildTradingBotOpenApiSchema() },
        },
      ],
    },
  };
}
