import { badRequest } from './http/errors.ts';

/** Small input checks that fail with a 400 naming the offending field. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: unknown, field: string): JsonObject {
  if (!isObject(value)) throw badRequest(`${field} must be a JSON object.`);
  return value;
}

export function string(value: unknown, field: string, options: { nonEmpty?: boolean; maxLength?: number } = {}): string {
  if (typeof value !== 'string') throw badRequest(`${field} must be a string.`);
  if (options.nonEmpty && value.trim() === '') throw badRequest(`${field} must not be empty.`);
  if (options.maxLength !== undefined && value.length > options.maxLength) {
    throw badRequest(`${field} must be at most ${options.maxLength} characters.`);
  }
  return value;
}

export function optionalString(value: unknown, field: string, fallback: string): string {
  return value === undefined || value === null ? fallback : string(value, field);
}

export function optionalInt(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${field} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

export function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw badRequest(`${field} must be an array.`);
  return value;
}
