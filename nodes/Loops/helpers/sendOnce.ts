/**
 * A send Loops must perform at most once (an event, a transactional email):
 * POST with an Idempotency-Key. Loops answers 409 to a key it accepted in the
 * last 24 hours.
 */
import type { IDataObject } from 'n8n-workflow';

import type { LoopsClient } from '../transport';

export interface SendOnceRequest {
	path: '/events/send' | '/transactional';
	body: IDataObject;
	/** `own`: a fresh key the node made for this item, not one the user chose. */
	idempotency: { key: string; own: boolean };
	itemIndex: number;
}

export interface SendOnceResult extends IDataObject {
	result: 'sent' | 'alreadySent';
	/** The user's key, echoed; a key of the node's own is not output. */
	idempotencyKey?: string;
}

export async function sendOnce(loops: LoopsClient, send: SendOnceRequest): Promise<SendOnceResult> {
	const { key, own } = send.idempotency;
	const { statusCode } = await loops.request({
		method: 'POST',
		path: send.path,
		body: send.body,
		idempotencyKey: key,
		accept: [409],
		itemIndex: send.itemIndex,
	});
	// A 409 on our own key can only be our earlier attempt, applied before its answer was lost.
	const result = statusCode === 409 && !own ? 'alreadySent' : 'sent';
	return own ? { result } : { result, idempotencyKey: key };
}
