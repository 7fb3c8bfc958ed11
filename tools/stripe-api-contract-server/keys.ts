/**
 * API keys and what they may do. A secret key (sk_…) may do everything; a
 * restricted key (rk_…) only what its permissions grant, named as Stripe
 * names them in its 403 answers (rak_customer_read …). Write implies read.
 */
export const PERMISSIONS = [
	'rak_customer_read',
	'rak_charge_read',
	'rak_subscription_read',
	'rak_quote_read',
	'rak_product_read',
	'rak_webhook_read',
	'rak_webhook_write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The read permissions the trigger's lookups need (what the credential's notice asks for). */
export const LOOKUP_PERMISSIONS: Permission[] = [
	'rak_customer_read',
	'rak_charge_read',
	'rak_subscription_read',
	'rak_quote_read',
	'rak_product_read',
];

/** Key → 'all' (a secret key) or the permissions of a restricted key. */
export type KeyTable = Record<string, 'all' | Permission[]>;

export const DEFAULT_KEYS: KeyTable = {
	sk_test_contract: 'all',
	rk_test_contract: [...LOOKUP_PERMISSIONS, 'rak_webhook_write'],
	rk_test_lookups: [...LOOKUP_PERMISSIONS],
};

export const ACCOUNT_ID = 'acct_1ContractServer0';

export function checkKeyTable(keys: KeyTable): KeyTable {
	for (const [key, grants] of Object.entries(keys)) {
		if (!/^(sk|rk)_(test|live)_\w+$/.test(key)) throw new RangeError(`"${key}" is not shaped like a Stripe key (sk_/rk_, test_/live_)`);
		if (grants === 'all') {
			if (key.startsWith('rk_')) throw new RangeError(`A restricted key (${key}) needs a list of permissions`);
			continue;
		}
		for (const grant of grants) {
			if (!PERMISSIONS.includes(grant)) throw new RangeError(`Unknown permission ${grant} for ${key}`);
		}
	}
	return keys;
}

export function allows(grants: 'all' | Permission[], needed: Permission): boolean {
	if (grants === 'all') return true;
	if (grants.includes(needed)) return true;
	return needed.endsWith('_read') && grants.includes(needed.replace(/_read$/, '_write') as Permission);
}

/** How Stripe shows a key in error messages: the prefix and the last four characters. */
export function redactKey(key: string): string {
	const prefix = /^(sk|rk)_(test|live)_/.exec(key)?.[0] ?? '';
	return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length - 4))}${key.slice(-4)}`;
}
