/**
 * readRawBody: the signed bytes, whether n8n read them before webhook() or not.
 */
import { readRawBody } from '../../../nodes/StripeContactTrigger/rawBody';

interface FakeRequest {
	rawBody: Buffer;
	readRawBody: jest.Mock<Promise<void>, []>;
}

/** n8n's request as webhook() sees it: `rawBody` is set once n8n (or readRawBody) has read the body. */
function request(initial: Buffer | undefined, read: (self: FakeRequest) => Promise<void>): FakeRequest {
	const self: FakeRequest = { rawBody: initial as Buffer, readRawBody: jest.fn(async () => await read(self)) };
	return self;
}

describe('readRawBody', () => {
	it('returns the bytes n8n already read, without reading again', async () => {
		const bytes = Buffer.from('{"id":"evt_1"}');
		const req = request(bytes, async () => {
			throw new Error('must not read twice');
		});
		await expect(readRawBody(req)).resolves.toBe(bytes);
		expect(req.readRawBody).not.toHaveBeenCalled();
	});

	it('reads the body n8n left unread (a content type it does not parse)', async () => {
		const bytes = Buffer.from('{"id":"evt_2"}');
		const req = request(undefined, async (self) => {
			self.rawBody = bytes;
		});
		await expect(readRawBody(req)).resolves.toBe(bytes);
		expect(req.readRawBody).toHaveBeenCalledTimes(1);
	});

	it('gives undefined for a body that can no longer be read (n8n consumed it as multipart)', async () => {
		const req = request(undefined, async () => {
			throw new Error('Request body stream was aborted or is not readable');
		});
		await expect(readRawBody(req)).resolves.toBeUndefined();
	});
});
