import { createHmac } from 'crypto';

import Stripe from 'stripe';

import { decodeRawBody, verifyStripeSignature } from '../../../nodes/StripeContactTrigger/verify';
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
		expect(verifyStripeSignature(body, header, { signingSecret: SECRET }, TOLERANCE)).toEqual({ valid: true });
	});

	it('accepts a delivery signed with the previous secret during a roll', () => {
		const { body, headers } = signed(PREVIOUS);
		const secrets = { signingSecret: SECRET, previousSigningSecret: PREVIOUS };
		expect(verifyStripeSignature(body, headers['stripe-signature'], secrets, TOLERANCE)).toEqual({ valid: true });
		expect(verifyStripeSignature(body, headers['stripe-signature'], { signingSecret: SECRET }, TOLERANCE)).toEqual({
			valid: false,
			reason: 'signature does not match',
		});
	});

	it('accepts a header where any one of several v1 signatures matches (Stripe sends both during a roll)', () => {
		const { body } = signed();
		const t = now();
		const good = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
		const header = `t=${t},v1=${'0'.repeat(64)},v1=${good},v0=${'1'.repeat(64)}`;
		expect(verifyStripeSignature(body, header, { signingSecret: SECRET }, TOLERANCE)).toEqual({ valid: true });
	});

	it('trims a secret pasted with surrounding whitespace', () => {
		const { body, headers } = signed();
		expect(verifyStripeSignature(body, headers['stripe-signature'], { signingSecret: `  ${SECRET}\n` }, TOLERANCE)).toEqual({
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
		expect(verifyStripeSignature(body, headers['stripe-signature'], secrets, TOLERANCE)).toEqual({
			valid: false,
			reason: 'no signing secret configured',
		});
	});

	it('uses the previous secret alone when only it is configured', () => {
		const { body, headers } = signed(PREVIOUS);
		expect(verifyStripeSignature(body, headers['stripe-signature'], { previousSigningSecret: PREVIOUS }, TOLERANCE)).toEqual({
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
		expect(verifyStripeSignature(body, header, { signingSecret: SECRET }, TOLERANCE)).toEqual({ valid: false, reason });
	});

	it('rejects a signature made with another secret, and a body changed after signing', () => {
		const other = signed('whsec_someone_else');
		expect(verifyStripeSignature(other.body, other.headers['stripe-signature'], { signingSecret: SECRET }, TOLERANCE)).toEqual({
			valid: false,
			reason: 'signature does not match',
		});
		const { body, headers } = signed();
		const tampered = body.replace('jenny.rosen@example.com', 'mallory@example.com');
		expect(tampered).not.toBe(body);
		expect(verifyStripeSignature(tampered, headers['stripe-signature'], { signingSecret: SECRET }, TOLERANCE)).toEqual({
			valid: false,
			reason: 'signature does not match',
		});
	});

	it('rejects a signature older than the tolerance and accepts one inside it', () => {
		const old = signed(SECRET, now() - 301);
		expect(verifyStripeSignature(old.body, old.headers['stripe-signature'], { signingSecret: SECRET }, 300)).toEqual({
			valid: false,
			reason: 'signature expired',
		});
		expect(verifyStripeSignature(old.body, old.headers['stripe-signature'], { signingSecret: SECRET }, 600)).toEqual({
			valid: true,
		});
	});

	it('measures age from receivedAt when given (replays of stored deliveries)', () => {
		const t = 1_700_000_000;
		const { body, headers } = signed(SECRET, t);
		const header = headers['stripe-signature'];
		expect(verifyStripeSignature(body, header, { signingSecret: SECRET }, 300, (t + 299) * 1000)).toEqual({ valid: true });
		expect(verifyStripeSignature(body, header, { signingSecret: SECRET }, 300, (t + 301) * 1000)).toEqual({
			valid: false,
			reason: 'signature expired',
		});
	});

	it('reports an expired signature as expired even when a previous secret is configured', () => {
		const old = signed(SECRET, now() - 3600);
		const secrets = { signingSecret: SECRET, previousSigningSecret: PREVIOUS };
		expect(verifyStripeSignature(old.body, old.headers['stripe-signature'], secrets, 300)).toEqual({
			valid: false,
			reason: 'signature expired',
		});
	});

	it('rejects an empty body: there is nothing to verify', () => {
		const { headers } = signStripeDelivery('', SECRET);
		expect(verifyStripeSignature('', headers['stripe-signature'], { signingSecret: SECRET }, 300)).toEqual({
			valid: false,
			reason: 'empty body',
		});
	});

	it.each([
		['plain ASCII JSON', Buffer.from('{"id":"evt_1","object":"event"}')],
		['non-ASCII text', Buffer.from('{"name":"Jörg Müller × Ωmega 日本"}')],
		['a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"evt_1"}')])],
		['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d])],
	])('decodeRawBody hands stripe exactly what it verifies for a Buffer: %s', (_label, rawBody) => {
		const t = now();
		// What a sender signs: the bytes themselves.
		const overBytes = createHmac('sha256', SECRET).update(`${t}.`).update(rawBody).digest('hex');
		// What the stripe package accepts for a Buffer: the HMAC over its decoded text.
		const overText = createHmac('sha256', SECRET).update(`${t}.${new TextDecoder('utf8').decode(rawBody)}`).digest('hex');
		for (const signature of [overBytes, overText, '0'.repeat(64)]) {
			const header = `t=${t},v1=${signature}`;
			let stripeAccepts: boolean;
			try {
				stripeAccepts = Stripe.webhooks.signature!.verifyHeader(rawBody, header, SECRET, 300);
			} catch {
				stripeAccepts = false;
			}
			const ours = verifyStripeSignature(decodeRawBody(rawBody), header, { signingSecret: SECRET }, 300);
			expect(ours.valid).toBe(stripeAccepts);
		}
	});

	it('never puts anything of either secret into a reason', () => {
		const secrets = { signingSecret: SECRET, previousSigningSecret: PREVIOUS };
		const { body, headers } = signed('whsec_other');
		const results = [
			verifyStripeSignature(body, headers['stripe-signature'], secrets, 300),
			verifyStripeSignature(body, 'garbage', secrets, 300),
			verifyStripeSignature(body, undefined, secrets, 300),
			verifyStripeSignature(body, signed(SECRET, now() - 999).headers['stripe-signature'], secrets, 300),
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
