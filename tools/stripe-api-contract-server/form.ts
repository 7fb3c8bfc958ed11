/**
 * Stripe's parameter syntax, for form bodies and query strings alike:
 * a[b]=1 is an object, a[0]=x and a[]=x are arrays.
 */
export type FormObject = { [key: string]: FormNode };
export type FormNode = string | FormNode[] | FormObject;

export function parseStripeParams(encoded: string): FormObject {
	const root: FormObject = {};
	for (const [key, value] of new URLSearchParams(encoded)) {
		const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
		if (!match) {
			root[key] = value;
			continue;
		}
		const segments = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
		let holder: FormObject | FormNode[] = root;
		for (let i = 0; i < segments.length; i++) {
			const segment = segments[i];
			const last = i === segments.length - 1;
			const next = segments[i + 1];
			const child: FormNode = last ? value : next === '' || /^\d+$/.test(next) ? [] : {};
			if (Array.isArray(holder)) {
				const index = segment === '' ? holder.length : Number(segment);
				if (last || holder[index] === undefined) holder[index] = child;
				holder = holder[index] as FormObject | FormNode[];
			} else {
				if (last || holder[segment] === undefined || typeof holder[segment] === 'string') holder[segment] = child;
				holder = holder[segment] as FormObject | FormNode[];
			}
		}
	}
	return root;
}
