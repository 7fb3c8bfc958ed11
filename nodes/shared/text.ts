/**
 * Text as both nodes read it from Stripe objects, node parameters and items:
 * white space around a value is not part of it, and a blank value is no value.
 */

/** The trimmed text, or undefined when the value is not a string or holds only white space. */
export function nonBlank(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	return text === '' ? undefined : text;
}

/** Whether the value is a string with more than white space in it. */
export function isNonBlank(value: unknown): value is string {
	return nonBlank(value) !== undefined;
}

/** "a, b,,c" → ["a", "b", "c"]; an array's entries are read the same way; anything else → []. */
export function commaSeparated(value: unknown): string[] {
	const parts: unknown[] = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	return parts.map((part) => String(part).trim()).filter((part) => part !== '');
}
