import type { StripeContactItem } from '../shared/StripeContactItem';
import { normalizeStripeEvent } from './normalize';
import type { TriggerSettings } from './settings';
import type { SigningSecrets } from './verify';
import { decodeRawBody, verifyStripeSignature } from './verify';

export interface StripeDelivery {
	/** The exact bytes Stripe signed (n8n's request.rawBody). */
	rawBody: Buffer | undefined;
	signatureHeader: string | string[] | undefined;
}

/**
 * The endpoint's answer (docs/contracts.md, "What the webhook answers"). Only an
 * accepted delivery carries an item, so only it starts an execution.
 */
export type DeliveryAnswer =
	| { status: 200; body: { received: true }; item: StripeContactItem }
	| { status: 200; body: { received: true; ignored: string } }
	| { status: 400 | 401; body: { error: string } };

/**
 * Pure: decode once → verify → parse → filter and normalize → answer. The settings are
 * read only for an authentic delivery, so forged requests cost no more than
 * the signature check (and a configuration error surfaces only for Stripe).
 */
export function handleStripeDelivery(
	delivery: StripeDelivery,
	secrets: SigningSecrets,
	toleranceSeconds: number,
	readSettings: () => TriggerSettings,
): DeliveryAnswer {
	const body = delivery.rawBody === undefined ? '' : decodeRawBody(delivery.rawBody);
	const signature = verifyStripeSignature(body, delivery.signatureHeader, secrets, toleranceSeconds);
	if (!signature.valid) return { status: 401, body: { error: signature.reason } };

	let event: unknown;
	try {
		event = JSON.parse(body);
	} catch {
		return { status: 400, body: { error: 'body is not JSON' } };
	}

	const normalized = normalizeStripeEvent(event, readSettings());
	switch (normalized.outcome) {
		case 'accepted':
			return { status: 200, body: { received: true }, item: normalized.item };
		case 'ignored':
			return { status: 200, body: { received: true, ignored: normalized.reason } };
		case 'invalid':
			return { status: 400, body: { error: normalized.reason } };
	}
}
