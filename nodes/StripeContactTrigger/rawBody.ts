/** The part of n8n's webhook request (getRequestObject()) that holds the body. */
export interface RawBodyRequest {
	rawBody?: Buffer;
	readRawBody(): Promise<void>;
}

/**
 * The exact bytes Stripe signed. n8n reads them before webhook() for the bodies
 * it parses itself (JSON, text, form, XML) — and, at typeVersion 1 only, for
 * every content type. Otherwise they are read here, as n8n's Webhook node does
 * for its Raw Body option, so a signed delivery verifies whatever its content
 * type. A body n8n has already consumed (multipart) cannot be read again: it
 * stays undefined and the signature check fails closed.
 */
export async function readRawBody(request: RawBodyRequest): Promise<Buffer | undefined> {
	if (request.rawBody === undefined) {
		try {
			await request.readRawBody();
		} catch {
			return undefined;
		}
	}
	return request.rawBody;
}
