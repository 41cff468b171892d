/**
 * Prints JSON values as TypeScript literals and JSON schemas (of the subset
 * `openapi.yaml` uses) as TypeScript types. Pure; used by `generateOpenApi.ts`.
 */

/** A JSON schema or OpenAPI object, as parsed from YAML. */
export type Json =
  | null
  | boolean
  | number
  | string
  | Json[]
  | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Longest line the printers put a value on, before breaking it over lines. */
const WIDTH = 120;

export function quote(text: string): string {
  return `'${JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/'/g, "\\'")}'`;
}

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

/**
 * A JSON value as a TypeScript literal: on one line when it fits (after a
 * `prefix` of that many characters), else its entries over lines.
 */
export function printLiteral(value: Json, indent = '', prefix = 0): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' ? quote(value) : String(value);
  }
  const inner = `${indent}  `;
  const entries = Array.isArray(value)
    ? value.map(v => printLiteral(v, inner))
    : Object.entries(value).map(
        ([k, v]) => `${key(k)}: ${printLiteral(v, inner, key(k).length + 2)}`,
      );
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{ ', ' }'];
  if (!entries.length) return Array.isArray(value) ? '[]' : '{}';
  const flat = `${open}${entries.join(', ')}${close}`;
  if (!flat.includes('\n') && indent.length + prefix + flat.length + 1 <= WIDTH)
    return flat;
  // Short entries share lines, so that the generated spec stays a few hundred lines long.
  const lines: string[] = [];
  for (const entry of entries) {
    const last = lines.length - 1;
    const fits =
      last >= 0 && !entry.includes('\n') && !lines[last].includes('\n');
    if (fits && lines[last].length + entry.length + 2 <= WIDTH)
      lines[last] += ` ${entry},`;
    else lines.push(`${inner}${entry},`);
  }
  return `${open.trim()}\n${lines.join('\n')}\n${indent}${close.trim()}`;
}

function comment(text: Json | undefined, indent: string): string {
  return typeof text === 'string'
    ? `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n`
    : '';
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** The TypeScript type of a schema; `$ref`s become the names of their component schemas. */
export function printType(schema: Json | undefined, indent = ''): string {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema))
    return 'unknown';
  if (typeof schema.$ref === 'string') return refName(schema.$ref);
  if (Array.isArray(schema.enum))
    return schema.enum.map(v => printLiteral(v)).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = printType(schema.items, indent);
      return /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
      return printObjectType(schema, indent);
    default:
      return 'unknown';
  }
}

function printObjectType(schema: JsonObject, indent: string): string {
  const properties = (schema.properties ?? {}) as JsonObject;
  const required = new Set((schema.required ?? []) as string[]);
  const inner = `${indent}  `;
  const members = Object.entries(properties).map(
    ([name, property]) =>
      `${comment((property as JsonObject).description, inner)}${inner}${key(
        name,
      )}${required.has(name) ? '' : '?'}: ${printType(property, inner)};`,
  );
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object')
    members.push(`${inner}[key: string]: ${printType(extra, inner)};`);
  if (!members.length)
    return extra === false
      ? 'Record<string, never>'
      : 'Record<string, unknown>';
  return `{\n${members.join('\n')}\n${indent}}`;
}

/** One exported declaration per component schema: an interface for objects, else a type. */
export function printDeclaration(name: string, schema: JsonObject): string {
  const doc = comment(schema.description, '');
  const type = printType(schema);
  return type.startsWith('{\n')
    ? `${doc}export interface ${name} ${type}\n`
    : `${doc}export type ${name} = ${type};\n`;
}
