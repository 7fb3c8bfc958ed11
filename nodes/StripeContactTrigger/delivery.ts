import type { StripeContactItem } from '../shared/StripeContactItem';
import type { Lookup } from './events';
import type { LookupOutcome } from './lookup';
import { normalizeStripeEvent, screenStripeEvent } from './normalize';
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
	| { status: 400 | 401 | 500 | 503; body: { error: string } };

/** Reads through Stripe's API what an event's row asks for (lookup.ts, bound to the node's credential). */
export type StripeLookup = (type: string, lookups: Lookup[]) => Promise<LookupOutcome>;

/**
 * Decode once → verify → parse → screen → read what the event lacks through
 * Stripe's API → normalize → answer. The settings are read only for an
 * authentic delivery, so forged requests cost no more than the signature check
 * (and a configuration error surfaces only for Stripe); Stripe's API is called
 * only for an authentic event that is selected and needs it.
 */
export async function handleStripeDelivery(
	delivery: StripeDelivery,
	secrets: SigningSecrets,
	toleranceSeconds: number,
	readSettings: () => TriggerSettings,
	lookUp: StripeLookup,
): Promise<DeliveryAnswer> {
	const body = delivery.rawBody === undefined ? '' : decodeRawBody(delivery.rawBody);
	const signature = verifyStripeSignature(body, delivery.signatureHeader, secrets, toleranceSeconds);
	if (!signature.valid) return { status: 401, body: { error: signature.reason } };

	let event: unknown;
	try {
		event = JSON.parse(body);
	} catch {
		return { status: 400, body: { error: 'body is not JSON' } };
	}

	const settings = readSettings();
	const screened = screenStripeEvent(event, settings);
	if (screened.outcome === 'ignored') return { status: 200, body: { received: true, ignored: screened.reason } };
	if (screened.outcome === 'invalid') return { status: 400, body: { error: screened.reason } };

	const looked =
		screened.lookups.length === 0
			? ({ outcome: 'found', found: {} } as const)
			: await lookUp(screened.envelope.type, screened.lookups);
	switch (looked.outcome) {
		case 'needsCredential':
		case 'misconfigured':
			return { status: 500, body: { error: looked.reason } };
		case 'unavailable':
			return { status: 503, body: { error: looked.reason } };
		case 'missing':
			return { status: 200, body: { received: true, ignored: looked.reason } };
	}

	const normalized = normalizeStripeEvent(event, settings, looked.found);
	switch (normalized.outcome) {
		case 'accepted':
			return { status: 200, body: { received: true }, item: normalized.item };
		case 'ignored':
			return { status: 200, body: { received: true, ignored: normalized.reason } };
		case 'invalid':
			return { status: 400, body: { error: normalized.reason } };
	}
}
