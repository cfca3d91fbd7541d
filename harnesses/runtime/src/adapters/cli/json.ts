/** Narrowing helpers for the untyped JSON a CLI prints; absent or mistyped fields read as empty. */

export type Json = Record<string, unknown>;

export const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const obj = (value: unknown): Json => (isJson(value) ? value : {});

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
