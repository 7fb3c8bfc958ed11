import { createHmac } from 'crypto';

import { verifyStripeSignature } from '../../../nodes/StripeContactTrigger/verify';
import { buildStripeEvent, signStripeDelivery } from '../../fixtures/stripeEvents';

const SECRET = 'whsec_current_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const PREVIOUS = 'whsec_previous_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const TOLERANCE = 300;
const now = () => Math.floor(Date.now() / 1000);

function signed(secret = SECRET, timestamp?: number) {
	return signStripeDelivery(JSON.stringify(buildStripeEvent('customer.created')), secret, { timestamp });
}

describe('verifyStripeSignature', () => {
	it('accepts a delivery signed with the signing secret', () => {
		const { body, headers } = signed();
		const header = headers['stripe-signature'];
		expect(verifyStripeSignature(Buffer.from(body), header, { signingSecret: SECRET }, TOLERANCE)).toEqual({ valid: true });
	});

	it('accepts a delivery signed with the previous secret during a roll', () => {
		const { body, headers } = signed(PREVIOUS);
		const secrets = { signingSecret: SECRET, previousSigningSecret: PREVIOUS };
		expect(verifyStripeSignature(Buffer.from(body), headers['stripe-signature'], secrets, TOLERANCE)).toEqual({ valid: true });
		expect(verifyStripeSignature(Buffer.from(body), headers['stripe-signature'], { signingSecret: SECRET }, TOLERANCE)).toEqual({
			valid: false,
			reason: 'signature does not match',
		});
	});

	it('accepts a header where any one of several v1 signatures matches (Stripe sends both during a roll)', () => {
		const { body } = signed();
		const t = now();
		const good = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
		const header = `t=${t},v1=${'0'.repeat(64)},v1=${good},v0=${'1'.repeat(64)}`;
		expect(verifyStripeSignature(Buffer.from(body), header, { signingSecret: SECRET }, TOLERANCE)).toEqual({ valid: true });
	});

	it('trims a secret pasted with surrounding whitespace', () => {
		const { body, headers } = signed();
		expect(verifyStripeSignature(Buffer.from(body), headers['stripe-signature'], { signingSecret: `  ${SECRET}\n` }, TOLERANCE)).toEqual({
			valid: true,
		});
	});

	it.each([
		['no secrets at all', {}],
		['an empty signing secret', { signingSecret: '' }],
		['a blank signing secret and no previous one', { signingSecret: '   ', previousSigningSecret: '' }],
		['a secret that is not a string', { signingSecret: 42 }],
	])('fails closed with %s', (_label, secrets) => {
		const { body, headers } = signed();
		expect(verifyStripeSignature(Buffer.from(body), headers['stripe-signature'], secrets, TOLERANCE)).toEqual({
			valid: false,
			reason: 'no signing secret configured',
		});
	});

	it('uses the previous secret alone when only it is configured', () => {
		const { body, headers } = signed(PREVIOUS);
		expect(verifyStripeSignature(Buffer.from(body), headers['stripe-signature'], { previousSigningSecret: PREVIOUS }, TOLERANCE)).toEqual({
			valid: true,
		});
	});

	it.each([
		['no header', undefined, 'missing signature'],
		['an empty header', '', 'missing signature'],
		['a repeated header', ['t=1,v1=abc', 't=2,v1=def'], 'malformed signature header'],
		['a header without a timestamp', `v1=${'a'.repeat(64)}`, 'malformed signature header'],
		['a header without a v1 signature', `t=${now()},v0=${'a'.repeat(64)}`, 'malformed signature header'],
		['a header that is not Stripe’s format', 'sha256=deadbeef', 'malformed signature header'],
	])('rejects %s', (_label, header, reason) => {
		const { body } = signed();
		expect(verifyStripeSignature(Buffer.from(body), header, { signingSecret: SECRET }, TOLERANCE)).toEqual({ valid: false, reason });
	});

	it('rejects a signature made with another secret, and a body changed after signing', () => {
		const other = signed('whsec_someone_else');
		expect(verifyStripeSignature(Buffer.from(other.body), other.headers['stripe-signature'], { signingSecret: SECRET }, TOLERANCE)).toEqual({
			valid: false,
			reason: 'signature does not match',
		});
		const { body, headers } = signed();
		const tampered = body.replace('jenny.rosen@example.com', 'mallory@example.com');
		expect(tampered).not.toBe(body);
		expect(verifyStripeSignature(Buffer.from(tampered), headers['stripe-signature'], { signingSecret: SECRET }, TOLERANCE)).toEqual({
			valid: false,
			reason: 'signature does not match',
		});
	});

	it('rejects a signature older than the tolerance and accepts one inside it', () => {
		const old = signed(SECRET, now() - 301);
		expect(verifyStripeSignature(Buffer.from(old.body), old.headers['stripe-signature'], { signingSecret: SECRET }, 300)).toEqual({
			valid: false,
			reason: 'signature expired',
		});
		expect(verifyStripeSignature(Buffer.from(old.body), old.headers['stripe-signature'], { signingSecret: SECRET }, 600)).toEqual({
			valid: true,
		});
	});

	it('measures age from receivedAt when given (replays of stored deliveries)', () => {
		const t = 1_700_000_000;
		const { body, headers } = signed(SECRET, t);
		const header = headers['stripe-signature'];
		expect(verifyStripeSignature(Buffer.from(body), header, { signingSecret: SECRET }, 300, (t + 299) * 1000)).toEqual({ valid: true });
		expect(verifyStripeSignature(Buffer.from(body), header, { signingSecret: SECRET }, 300, (t + 301) * 1000)).toEqual({
			valid: false,
			reason: 'signature expired',
		});
	});

	it('reports an expired signature as expired even when a previous secret is configured', () => {
		const old = signed(SECRET, now() - 3600);
		const secrets = { signingSecret: SECRET, previousSigningSecret: PREVIOUS };
		expect(verifyStripeSignature(Buffer.from(old.body), old.headers['stripe-signature'], secrets, 300)).toEqual({
			valid: false,
			reason: 'signature expired',
		});
	});

	it('verifies an empty body like any other (what it means is the parser’s business)', () => {
		const { headers } = signStripeDelivery('', SECRET);
		const header = headers['stripe-signature'];
		expect(verifyStripeSignature(Buffer.alloc(0), header, { signingSecret: SECRET }, 300)).toEqual({ valid: true });
		expect(verifyStripeSignature(Buffer.alloc(0), header, { signingSecret: PREVIOUS }, 300)).toEqual({
			valid: false,
			reason: 'signature does not match',
		});
	});

	it('never puts anything of either secret into a reason', () => {
		const secrets = { signingSecret: SECRET, previousSigningSecret: PREVIOUS };
		const { body, headers } = signed('whsec_other');
		const results = [
			verifyStripeSignature(Buffer.from(body), headers['stripe-signature'], secrets, 300),
			verifyStripeSignature(Buffer.from(body), 'garbage', secrets, 300),
			verifyStripeSignature(Buffer.from(body), undefined, secrets, 300),
			verifyStripeSignature(Buffer.from(body), signed(SECRET, now() - 999).headers['stripe-signature'], secrets, 300),
		];
		for (const result of results) {
			expect(result.valid).toBe(false);
			const text = JSON.stringify(result);
			expect(text).not.toContain('whsec_');
			expect(text).not.toContain(SECRET.slice(6, 20));
			expect(text).not.toContain(PREVIOUS.slice(6, 20));
		}
	});
});
