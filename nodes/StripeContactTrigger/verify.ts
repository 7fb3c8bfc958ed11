import Stripe from 'stripe';

export interface SigningSecrets {
	signingSecret?: unknown;
	/** Still accepted while a secret is being rolled in Stripe. */
	previousSigningSecret?: unknown;
}

export type SignatureFailure =
	| 'no signing secret configured'
	| 'missing signature'
	| 'malformed signature header'
	| 'signature does not match'
	| 'signature expired'
	| 'empty body';

export type SignatureCheck = { valid: true } | { valid: false; reason: SignatureFailure };

/** Set by the stripe package's Node entry point, so never null here. */
const stripeSignature = Stripe.webhooks.signature as NonNullable<typeof Stripe.webhooks.signature>;

const VALID: SignatureCheck = { valid: true };
const fail = (reason: SignatureFailure): SignatureCheck => ({ valid: false, reason });

function configuredSecrets(secrets: SigningSecrets): string[] {
	const configured: string[] = [];
	for (const secret of [secrets.signingSecret, secrets.previousSigningSecret]) {
		if (typeof secret === 'string' && secret.trim() !== '') configured.push(secret.trim());
	}
	return configured;
}

/**
 * Stripe's errors carry the header and payload and long advice; the sender gets
 * one of our short reasons instead, and nothing of the secret.
 */
function classify(error: unknown): SignatureFailure {
	const message = error instanceof Error ? error.message : '';
	if (message.startsWith('Timestamp outside the tolerance zone')) return 'signature expired';
	if (message.startsWith('No stripe-signature header')) return 'missing signature';
	if (message.startsWith('No webhook payload')) return 'empty body';
	if (message.startsWith('Unable to extract timestamp') || message.startsWith('No signatures found with expected scheme')) {
		return 'malformed signature header';
	}
	return 'signature does not match';
}

const UTF8 = new TextDecoder('utf8');

/**
 * The raw body as the stripe package reads it: given a Buffer it decodes it
 * with a UTF-8 TextDecoder before computing the HMAC. Decoding once here, with
 * the same decoder, hands it identical input and lets the JSON parser reuse the
 * text instead of decoding the body a second time.
 */
export function decodeRawBody(rawBody: Buffer): string {
	return UTF8.decode(rawBody);
}

/**
 * Verifies Stripe's `stripe-signature` header over the raw body (decoded by
 * decodeRawBody) with the stripe package, trying the current secret, then the
 * previous one. Any one matching v1 signature within the tolerance is enough.
 * Fails closed: without a secret nothing is valid.
 */
export function verifyStripeSignature(
	body: string,
	signatureHeader: string | string[] | undefined,
	secrets: SigningSecrets,
	toleranceSeconds: number,
	receivedAtMs?: number,
): SignatureCheck {
	const candidates = configuredSecrets(secrets);
	if (candidates.length === 0) return fail('no signing secret configured');
	if (signatureHeader === undefined || signatureHeader === '') return fail('missing signature');
	if (typeof signatureHeader !== 'string') return fail('malformed signature header');

	let failure: SignatureFailure = 'signature does not match';
	for (const secret of candidates) {
		try {
			stripeSignature.verifyHeader(
				body,
				signatureHeader,
				secret,
				toleranceSeconds,
				undefined,
				receivedAtMs,
			);
			return VALID;
		} catch (error) {
			failure = classify(error);
			// Only a mismatch can depend on the secret; every other failure is the request's.
			if (failure !== 'signature does not match') return fail(failure);
		}
	}
	return fail(failure);
}
