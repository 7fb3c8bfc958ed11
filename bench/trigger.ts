/**
 * `npm run bench:trigger`: what the Stripe Contact Trigger costs per delivery
 * (verify + parse + filter + normalize, the pure handleStripeDelivery that
 * webhook() adapts), next to
 *   (a) the floor: HMAC-SHA256 + timingSafeEqual + JSON.parse of the same bytes,
 *       the least any verifying endpoint can do,
 *   (b) the stripe package's signature verification alone (a devDependency: the
 *       package itself verifies with node:crypto), and
 *   (c) the package's own signature check alone, on the same Buffer.
 * Contenders run side by side in one process: warm-up, then rounds in rotating
 * order, median ns/op over the rounds. Ratios are printed, not asserted: the
 * machine is shared and noisy. Target: trigger ≤ 1.3× the floor.
 */
import { createHmac, timingSafeEqual } from 'crypto';
import Stripe from 'stripe';

import { checkStripeSignature } from '../nodes/StripeContactTrigger/verify';
import { handleStripeDelivery, type StripeLookup } from '../nodes/StripeContactTrigger/delivery';
import { lookUp } from '../nodes/StripeContactTrigger/lookup';
import { readTriggerSettings } from '../nodes/StripeContactTrigger/settings';
import { buildStripeEvent, SEED_EVENT_TYPES, signStripeDelivery } from '../test/fixtures/stripeEvents';

const SECRET = 'whsec_bench_3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e';
const TOLERANCE = 300;
const ROUNDS = 31;
const TARGET_BATCH_MS = 10;

/** What the node reads from its parameters on every authentic delivery. */
const PARAMETERS = {
	events: [...SEED_EVENT_TYPES],
	eventSettings: {
		settings: [
			{ stripeEvent: 'invoice.paid', eventName: 'successfulPayment', userGroup: 'customers', mailingLists: 'cmA,cmB', syncNames: true },
			{ stripeEvent: 'customer.created', eventName: 'newStripeCustomer', syncNames: true },
		],
	},
	onCustomerDeleted: 'unsubscribe',
	options: {},
};

let sink = 0;

/** Every contender is awaited, so the trigger's async answer and the sync floors pay the same tick. */
type Contender = { name: string; run: () => void | Promise<void> };

/** As without a Stripe API credential: optional lookups (a customer's current state) are skipped. */
const noLookup: StripeLookup = async (type, lookups) => await lookUp(type, lookups, async () => undefined);

function contendersFor(rawBody: Buffer, header: string): Contender[] {
	const stripeSignature = Stripe.webhooks.signature!;
	const delivery = { rawBody, signatureHeader: header };
	const secrets = { signingSecret: SECRET };
	const settings = readTriggerSettings(PARAMETERS);
	return [
		{
			name: 'floor',
			run: () => {
				const t = header.slice(2, header.indexOf(','));
				const expected = Buffer.from(header.slice(header.indexOf('v1=') + 3, header.indexOf('v1=') + 67), 'hex');
				const mac = createHmac('sha256', SECRET).update(`${t}.`).update(rawBody).digest();
				if (!timingSafeEqual(mac, expected)) throw new Error('floor: signature mismatch');
				sink += (JSON.parse(rawBody.toString('utf8')) as { created: number }).created;
			},
		},
		{
			name: 'stripe verify',
			run: () => {
				if (stripeSignature.verifyHeader(rawBody, header, SECRET, TOLERANCE)) sink += 1;
			},
		},
		{
			name: 'signature check',
			run: () => {
				if (checkStripeSignature(rawBody, header, SECRET, TOLERANCE).valid) sink += 1;
			},
		},
		{
			name: 'trigger',
			run: async () => {
				sink += (await handleStripeDelivery(delivery, secrets, TOLERANCE, () => settings, noLookup)).status;
			},
		},
		{
			name: 'trigger + settings',
			run: async () => {
				sink += (await handleStripeDelivery(delivery, secrets, TOLERANCE, () => readTriggerSettings(PARAMETERS), noLookup))
					.status;
			},
		},
	];
}

async function timeBatch(run: Contender['run'], iterations: number): Promise<number> {
	const start = process.hrtime.bigint();
	for (let i = 0; i < iterations; i++) await run();
	return Number(process.hrtime.bigint() - start) / iterations;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function bench(label: string, event: object): Promise<void> {
	const payload = JSON.stringify(event);
	const { body, headers } = signStripeDelivery(payload, SECRET);
	const rawBody = Buffer.from(body);
	const header = headers['stripe-signature'];
	const contenders = contendersFor(rawBody, header);

	// Correctness first: every contender accepts, and the trigger produces an item.
	const check = await handleStripeDelivery(
		{ rawBody, signatureHeader: header },
		{ signingSecret: SECRET },
		TOLERANCE,
		() => readTriggerSettings(PARAMETERS),
		noLookup,
	);
	if (!('item' in check)) throw new Error(`bench event was not accepted: ${JSON.stringify(check.body)}`);

	// Warm-up, and size the batches so each takes about TARGET_BATCH_MS.
	const iterations = new Map<string, number>();
	for (const contender of contenders) {
		let perOp = await timeBatch(contender.run, 200);
		perOp = await timeBatch(contender.run, Math.max(200, Math.ceil(200e6 / perOp / 1000)));
		iterations.set(contender.name, Math.max(50, Math.round((TARGET_BATCH_MS * 1e6) / perOp)));
	}

	const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
	for (let round = 0; round < ROUNDS; round++) {
		for (let k = 0; k < contenders.length; k++) {
			const contender = contenders[(round + k) % contenders.length];
			samples.get(contender.name)!.push(await timeBatch(contender.run, iterations.get(contender.name)!));
		}
	}

	const ns = (name: string) => median(samples.get(name)!);
	const floor = ns('floor');
	const stripe = ns('stripe verify');
	const us = (value: number) => `${(value / 1000).toFixed(1).padStart(7)} µs`;
	const row = (title: string, value: number, extra = '') =>
		console.log(`  ${title.padEnd(56)}${us(value)}  ${(value / floor).toFixed(2)}× floor${extra}`);
	const type = (event as { type: string }).type;
	console.log(`\n${label}: ${type}, ${rawBody.length} bytes`);
	row('(a) floor: HMAC-SHA256 + timingSafeEqual + JSON.parse', floor);
	row('(b) stripe package verification alone', stripe);
	for (const [title, name] of [
		['(c) this package\'s signature check alone (node:crypto)', 'signature check'],
		['trigger: verify + parse + filter + normalize', 'trigger'],
		['  … plus reading the node settings (as webhook() does)', 'trigger + settings'],
	]) {
		row(title, ns(name), `, ${(ns(name) / stripe).toFixed(2)}× stripe verify`);
	}
}

console.log(
	`Stripe Contact Trigger, per delivery: median of ${ROUNDS} interleaved rounds (~${TARGET_BATCH_MS} ms batches per contender), node ${process.version}. Target: trigger ≤ 1.30× floor.`,
);
void (async () => {
	await bench('small event', buildStripeEvent('customer.created'));
	await bench('large event', buildStripeEvent('invoice.paid', { padToBytes: 32 * 1024 }));
	if (sink === 0) console.log('(sink)');
})();
