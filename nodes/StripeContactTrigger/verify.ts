import { createHmac, timingSafeEqual } from 'node:crypto';

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

const VALID: SignatureCheck = { valid: true };
const fail = (reason: SignatureFailure): SignatureCheck => ({ valid: false, reason });

/** The only scheme Stripe signs live events with; `v0` and any other entries are ignored. */
const EXPECTED_SCHEME = 'v1';
/** Length of a hex HMAC-SHA256, the form every `v1` signature has. */
const SIGNATURE_LENGTH = 64;

const UTF8_DECODER = new TextDecoder('utf8');
const UTF8_ENCODER = new TextEncoder();

/**
 * The raw body as Stripe's own verifier reads it: a Buffer is decoded with a
 * UTF-8 TextDecoder (which drops a byte-order mark and replaces invalid bytes)
 * and the HMAC is computed over that text. Decoding once here hands the
 * verifier and the JSON parser the same text.
 */
export function decodeRawBody(rawBody: Uint8Array): string {
	return UTF8_DECODER.decode(rawBody);
}

interface SignatureHeader {
	/** -1 when the header has no `t=` entry; NaN when its value is not a number. */
	timestamp: number;
	/** Every `v1=` value, as written (undefined for a bare `v1`). */
	signatures: Array<string | undefined>;
}

/**
 * Stripe's parse, kept literally so odd headers get Stripe's verdict: entries
 * split on commas, keys and values on `=` (the value ends at a second `=`),
 * keys compared untrimmed, the last `t=` wins and is read with parseInt.
 */
function parseSignatureHeader(header: string): SignatureHeader {
	const parsed: SignatureHeader = { timestamp: -1, signatures: [] };
	for (const entry of header.split(',')) {
		const [key, value] = entry.split('=') as [string, string | undefined];
		if (key === 't') parsed.timestamp = parseInt(value as string, 10);
		else if (key === EXPECTED_SCHEME) parsed.signatures.push(value);
	}
	return parsed;
}

/**
 * Stripe's verifier throws (and so rejects the whole header, even when another
 * entry matches) for an empty `v1` value, and for one as long as a signature
 * whose UTF-8 encoding is not: its byte-wise constant-time compare refuses it.
 */
function isComparable(signature: string | undefined): signature is string {
	if (!signature) return false;
	return signature.length !== SIGNATURE_LENGTH || UTF8_ENCODER.encode(signature).length === SIGNATURE_LENGTH;
}

function matches(expected: Buffer, signature: string): boolean {
	if (signature.length !== SIGNATURE_LENGTH) return false;
	return timingSafeEqual(expected, Buffer.from(signature, 'utf8'));
}

/** Stripe's test for a secret that is not there: empty or only ASCII whitespace. */
const isBlankSecret = (secret: string) => /^[ \t\r\n\f\v]*$/.test(secret);

/**
 * One secret, checked the way the stripe package's
 * `webhooks.signature.verifyHeader` checks it, edge for edge and in the same
 * order: HMAC-SHA256 over `${timestamp}.${payload}` with the secret, any one
 * `v1` entry equal to it in constant time, and the timestamp no older than the
 * tolerance (a tolerance of 0 or less skips that check, as Stripe's does).
 * Where Stripe throws, this returns one of the short reasons instead.
 */
export function checkStripeSignature(
	payload: string | Uint8Array,
	header: string,
	secret: string,
	toleranceSeconds: number,
	receivedAtMs?: number,
): SignatureCheck {
	// Stripe tests the payload before decoding it: an empty string is refused, an empty Buffer is verified.
	if (!payload) return fail('empty body');
	const text = typeof payload === 'string' ? payload : decodeRawBody(payload);
	if (header === '') return fail('missing signature');

	const { timestamp, signatures } = parseSignatureHeader(header);
	if (timestamp === -1 || signatures.length === 0) return fail('malformed signature header');
	if (isBlankSecret(secret)) return fail('no signing secret configured');
	if (!signatures.every(isComparable)) return fail('malformed signature header');

	const expected = Buffer.from(
		createHmac('sha256', secret).update(`${timestamp}.${text}`, 'utf8').digest('hex'),
		'utf8',
	);
	let found = false;
	for (const signature of signatures) found = matches(expected, signature) || found;
	if (!found) return fail('signature does not match');

	const nowSeconds = Math.floor((typeof receivedAtMs === 'number' ? receivedAtMs : Date.now()) / 1000);
	if (toleranceSeconds > 0 && nowSeconds - timestamp > toleranceSeconds) return fail('signature expired');
	return VALID;
}

function configuredSecrets(secrets: SigningSecrets): string[] {
	const configured: string[] = [];
	for (const secret of [secrets.signingSecret, secrets.previousSigningSecret]) {
		if (typeof secret === 'string' && secret.trim() !== '') configured.push(secret.trim());
	}
	return configured;
}

/**
 * Verifies Stripe's `stripe-signature` header over the raw body (decoded by
 * decodeRawBody), trying the current secret, then the previous one. Any one
 * matching v1 signature within the tolerance is enough. Fails closed: without
 * a secret nothing is valid. Reasons are short and never carry the secret.
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

	let result = VALID;
	for (const secret of candidates) {
		result = checkStripeSignature(body, signatureHeader, secret, toleranceSeconds, receivedAtMs);
		// Only a mismatch can depend on the secret; every other verdict is the request's.
		if (result.valid || result.reason !== 'signature does not match') return result;
	}
	return result;
}
