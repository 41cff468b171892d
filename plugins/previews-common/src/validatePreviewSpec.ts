import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { PreviewSpec } from './spec';
import { PREVIEW_SPEC_PATTERN_HINTS, previewSpecSchema } from './specSchema';
import type { PreviewSpecOfSchema } from './specTypesMatchSchema';
import { databasesProblems } from './databasesSchema';
import { dependenciesProblems } from './dependenciesSchema';

/** How many problems the message of a {@link PreviewSpecError} lists. */
const MAX_LISTED_PROBLEMS = 5;

/** Environment variables every workload gets from Backstage Previews itself. */
const RESERVED_ENV = ['PREVIEW_NAME', 'PREVIEW_HOST'];

/**
 * A preview spec that does not match the schema or its rules. The message
 * names the field of each problem, e.g.
 * `Invalid preview spec: workloads[1].port must be <= 65535`.
 *
 * @public
 */
export class PreviewSpecError extends Error {
  readonly name = 'PreviewSpecError';
  /** Every problem found, each starting with the path of its field. */
  readonly problems: string[];

  constructor(problems: string[]) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
    const more = problems.length - MAX_LISTED_PROBLEMS;
    super(
      `Invalid preview spec: ${listed}${
        more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : ''
      }`,
    );
    this.problems = problems;
  }
}

let compiled: ValidateFunction<PreviewSpecOfSchema> | undefined;
function schemaValidator(): ValidateFunction<PreviewSpecOfSchema> {
  // Compiled on first use so that importing this package costs nothing.
  compiled ??= new Ajv({
    allErrors: true,
    strict: true,
  }).compile<PreviewSpecOfSchema>(previewSpecSchema);
  return compiled;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `workloads[1].env.PORT` style path from path segments; `spec` for the root. */
function formatPath(segments: Array<string | number>): string {
  let path = '';
  for (const s of segments) {
    if (typeof s === 'number' || /^(0|[1-9][0-9]*)$/.test(s)) path += `[${s}]`;
    else if (IDENTIFIER.test(s)) path += path ? `.${s}` : s;
    else path += `[${JSON.stringify(s)}]`;
  }
  return path || 'spec';
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(error: ErrorObject): string | undefined {
  const segments = pointerSegments(error.instancePath);
  const path = formatPath(segments);
  const params = error.params as Record<string, any>;
  // Problems with a key of a map (propertyNames) carry the offending key.
  const subject =
    error.propertyName !== undefined
      ? `${path} key ${JSON.stringify(error.propertyName)}`
      : path;
  switch (error.keyword) {
    case 'propertyNames':
      return undefined; // reported by the nested error with the key itself
    case 'required':
      return `${formatPath([...segments, params.missingProperty])} is required`;
    case 'additionalProperties':
      return `${formatPath([
        ...segments,
        params.additionalProperty,
      ])} is not a known field`;
    case 'pattern':
      return `${subject} ${
        PREVIEW_SPEC_PATTERN_HINTS[params.pattern] ??
        `must match ${params.pattern}`
      }`;
    case 'enum':
      return `${subject} must be one of ${(params.allowedValues as unknown[])
        .map(v => JSON.stringify(v))
        .join(', ')}`;
    case 'minLength':
      return params.limit === 1
        ? `${subject} must not be empty`
        : `${subject} must be at least ${params.limit} characters long`;
    case 'maxLength':
      return `${subject} must be at most ${params.limit} characters long`;
    case 'minItems':
      return `${subject} must have at least ${params.limit} item${
        params.limit === 1 ? '' : 's'
      }`;
    case 'maxItems':
      return `${subject} must have at most ${params.limit} items`;
    case 'type':
      return `${subject} must be ${/^[aeiou]/.test(params.type) ? 'an' : 'a'} ${
        params.type
      }`;
    default:
      return `${subject} ${error.message}`;
  }
}

/** Rules across fields that the schema cannot express. */
function crossFieldProblems(spec: PreviewSpec): string[] {
  const problems: string[] = [];

  const workloadIndex = new Map<string, number>();
  spec.workloads.forEach((w, i) => {
    const first = workloadIndex.get(w.name);
    if (first !== undefined) {
      problems.push(
        `workloads[${i}].name must be unique ("${w.name}" is also workloads[${first}].name)`,
      );
    } else {
      workloadIndex.set(w.name, i);
    }
    if (w.readinessPath !== undefined && w.port === undefined) {
      problems.push(
        `workloads[${i}].readinessPath needs workloads[${i}].port, the port it is probed on`,
      );
    }
    for (const key of RESERVED_ENV) {
      if (w.env && Object.prototype.hasOwnProperty.call(w.env, key)) {
        problems.push(
          `workloads[${i}].env.${key} is set by Backstage Previews and cannot be given`,
        );
      }
    }
  });

  const secretIndex = new Map<string, number>();
  (spec.secrets ?? []).forEach((s, i) => {
    const first = secretIndex.get(s.name);
    if (first !== undefined) {
      problems.push(
        `secrets[${i}].name must be unique ("${s.name}" is also secrets[${first}].name)`,
      );
    } else {
      secretIndex.set(s.name, i);
    }
  });

  const testIndex = new Map<string, number>();
  (spec.tests ?? []).forEach((t, i) => {
    const first = testIndex.get(t.name);
    if (first !== undefined) {
      problems.push(
        `tests[${i}].name must be unique ("${t.name}" is also tests[${first}].name)`,
      );
    } else {
      testIndex.set(t.name, i);
    }
  });

  if (spec.expose !== undefined) {
    const i = workloadIndex.get(spec.expose);
    if (i === undefined) {
      problems.push(
        `expose must name a workload; there is no workload "${spec.expose}"`,
      );
    } else if (spec.workloads[i].port === undefined) {
      problems.push(
        `expose must name a workload with a port; workloads[${i}] ("${spec.expose}") has no port`,
      );
    }
  }

  const undeclared = (path: string, name: string) =>
    `${path} must name a secret declared in secrets; "${name}" is not declared`;
  spec.workloads.forEach((w, i) =>
    (w.envFromSecrets ?? []).forEach((name, j) => {
      if (!secretIndex.has(name))
        problems.push(undeclared(`workloads[${i}].envFromSecrets[${j}]`, name));
    }),
  );
  (spec.imagePullSecrets ?? []).forEach((name, j) => {
    if (!secretIndex.has(name))
      problems.push(undeclared(`imagePullSecrets[${j}]`, name));
  });

  (spec.tolerations ?? []).forEach((t, i) => {
    const operator = t.operator ?? 'Equal';
    if (operator === 'Exists' && t.value !== undefined && t.value !== '') {
      problems.push(
        `tolerations[${i}].value must be empty when operator is "Exists"`,
      );
    }
    if (operator === 'Equal' && !t.key) {
      problems.push(
        `tolerations[${i}].key is required unless operator is "Exists"`,
      );
    }
  });

  problems.push(...databasesProblems(spec));
  problems.push(...dependenciesProblems(spec));
  return problems;
}

/**
 * Checks that a value (parsed YAML or JSON, or config) is a valid preview
 * spec and returns it typed. Throws a {@link PreviewSpecError} naming the
 * fields that are wrong.
 *
 * @public
 */
export function validatePreviewSpec(value: unknown): PreviewSpec {
  const validate = schemaValidator();
  if (!validate(value)) {
    const problems = [
      ...new Set(
        (validate.errors ?? [])
          .map(describe)
          .filter((p): p is string => p !== undefined),
      ),
    ];
    throw new PreviewSpecError(
      problems.length ? problems : ['spec does not match the schema'],
    );
  }
  // The schema's type is PreviewSpec (specTypesMatchSchema.ts): no cast.
  const spec: PreviewSpec = value;
  const problems = crossFieldProblems(spec);
  if (problems.length) throw new PreviewSpecError(problems);
  return spec;
}
