/**
 * The signature check against its oracle, the stripe package: thousands of
 * generated deliveries (random secrets, timestamps at and around the tolerance,
 * several, malformed and misplaced v1/v0 entries, repeated t=, whitespace,
 * tampered, Unicode, invalid-UTF-8 and empty bodies, strings and Buffers) go
 * through both, and every verdict must be the same, down to the reason.
 *
 * The generator is seeded: a failure prints its seed and case number, and
 * VERIFY_SEED=<seed> replays it. Another seed explores other cases.
 */
import { createHmac } from 'crypto';

import Stripe from 'stripe';

import type { SignatureCheck, SignatureFailure, SigningSecrets } from '../../../nodes/StripeContactTrigger/verify';
import {
	checkStripeSignature,
	decodeRawBody,
	verifyStripeSignature,
} from '../../../nodes/StripeContactTrigger/verify';
import { seededRandom } from '../../../tools/loops-contract-server/faults';

const SEED = Number(process.env.VERIFY_SEED ?? 20261129);
const CASES_PER_SECRET = 6000;
const CASES_WITH_TWO_SECRETS = 3000;

const stripeSignature = Stripe.webhooks.signature!;

// ---------------------------------------------------------------------------
// The oracle: the stripe package's verdict, with its error named by our reasons
// ---------------------------------------------------------------------------

/** Stripe's error messages, by the reason our verifier gives for the same failure. */
function reasonForStripeError(error: unknown): SignatureFailure {
	// Node's own errors (timingSafeEqual's RangeError) come from outside jest's realm: no instanceof.
	const { message } = error as { message: string };
	const reasons: Array<[string, SignatureFailure]> = [
		['No webhook payload was provided', 'empty body'],
		['No stripe-signature header value was provided', 'missing signature'],
		['Unable to extract timestamp and signatures from header', 'malformed signature header'],
		['No signatures found with expected scheme', 'malformed signature header'],
		['No webhook secret value was provided', 'no signing secret configured'],
		// An empty v1 value, or one of a signature's length that is not ASCII: Stripe's compare throws.
		['secureCompare must receive two arguments', 'malformed signature header'],
		['Input buffers must have the same byte length', 'malformed signature header'],
		['No signatures found matching the expected signature', 'signature does not match'],
		['Timestamp outside the tolerance zone', 'signature expired'],
	];
	const found = reasons.find(([start]) => message.startsWith(start));
	if (!found) throw new Error(`stripe failed in a way this oracle does not know: ${message}`);
	return found[1];
}

function stripeVerdict(
	payload: string | Buffer,
	header: string,
	secret: string,
	tolerance: number,
	receivedAtMs: number | undefined,
): SignatureCheck {
	try {
		stripeSignature.verifyHeader(payload, header, secret, tolerance, undefined, receivedAtMs);
		return { valid: true };
	} catch (error) {
		return { valid: false, reason: reasonForStripeError(error) };
	}
}

/**
 * The trigger's contract around Stripe's check, as it was when the stripe
 * package did the checking: trimmed secrets, the current one first, no secret
 * → fail closed, the header tested for presence and shape first, and only a
 * mismatch tries the next secret.
 */
function oracleWithSecrets(
	body: string,
	header: string | string[] | undefined,
	secrets: SigningSecrets,
	tolerance: number,
	receivedAtMs: number | undefined,
): SignatureCheck {
	const candidates = [secrets.signingSecret, secrets.previousSigningSecret]
		.filter((secret): secret is string => typeof secret === 'string' && secret.trim() !== '')
		.map((secret) => secret.trim());
	if (candidates.length === 0) return { valid: false, reason: 'no signing secret configured' };
	if (header === undefined || header === '') return { valid: false, reason: 'missing signature' };
	if (typeof header !== 'string') return { valid: false, reason: 'malformed signature header' };
	let verdict: SignatureCheck = { valid: false, reason: 'signature does not match' };
	for (const secret of candidates) {
		verdict = stripeVerdict(body, header, secret, tolerance, receivedAtMs);
		if (verdict.valid || verdict.reason !== 'signature does not match') return verdict;
	}
	return verdict;
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

class Generator {
	private readonly random: () => number;

	constructor(seed: number) {
		this.random = seededRandom(seed);
	}

	int(below: number): number {
		return Math.floor(this.random() * below);
	}

	chance(probability: number): boolean {
		return this.random() < probability;
	}

	pick<T>(values: readonly T[]): T {
		return values[this.int(values.length)];
	}

	shuffle<T>(values: T[]): T[] {
		for (let i = values.length - 1; i > 0; i--) {
			const j = this.int(i + 1);
			[values[i], values[j]] = [values[j], values[i]];
		}
		return values;
	}

	string(alphabet: string, length: number): string {
		return Array.from({ length }, () => alphabet[this.int(alphabet.length)]).join('');
	}

	hex(length: number): string {
		return this.string('0123456789abcdef', length);
	}

	/** Text from every corner of Unicode, lone surrogates and a byte-order mark included. */
	unicode(length: number): string {
		const pieces = [
			() => this.string('abcdefghijklmnopqrstuvwxyz {}":,0123456789', 1),
			() => this.pick(['é', 'ß', 'Ø', 'ñ', '\u00a0', '×']),
			() => this.pick(['日本', 'Ωmega', 'Привет', 'مرحبا', '한국어']),
			() => this.pick(['😀', '🧾', '👩‍💻', '🇩🇪']),
			() => this.pick(['\ud800', '\udfff', '\ud83d']),
			() => this.pick(['\u0000', '\r\n', '\t', '\\', '\u2028']),
			() => '\ufeff',
		];
		let text = '';
		while (text.length < length) text += this.pick(pieces)();
		return text;
	}

	secret(): string {
		const base62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
		return this.pick([
			() => `whsec_${this.string(base62, 32)}`,
			() => `whsec_${this.hex(64)}`,
			() => `whsec_${this.string(base62, 1 + this.int(12))}`,
			() => `whsec_${this.unicode(8)}`,
			() => `whsec_${this.string(base62, 8)} ${this.string(base62, 8)}`,
			() => `  whsec_${this.string(base62, 16)}\n`,
			() => this.pick(['', ' ', '\t\n', '\u00a0', 'x']),
		])();
	}

	text(): string {
		return this.pick([
			() => JSON.stringify({ id: `evt_${this.hex(24)}`, object: 'event', type: 'invoice.paid', created: 1 }),
			() => JSON.stringify({ id: `evt_${this.hex(24)}`, data: { object: { name: this.unicode(12) } } }),
			() => this.unicode(1 + this.int(40)),
			() => '',
			() => ' ',
			() => `\ufeff{"id":"evt_${this.hex(8)}"}`,
		])();
	}

	/** A payload as a caller hands it over: text, or bytes that may not be UTF-8 at all. */
	payload(text: string): string | Buffer {
		return this.pick([
			() => text,
			() => Buffer.from(text, 'utf8'),
			() => Buffer.from(Array.from({ length: this.int(24) }, () => this.int(256))),
			() => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
			() => Buffer.alloc(0),
		])();
	}

	/** How a body may change after it was signed. */
	tamper(text: string): string {
		return this.pick([
			() => `${text} `,
			() => text.slice(1),
			() => text.replace(/./u, 'X'),
			() => text.replace(/\n/g, '\r\n') + '\n',
			() => `${text}\u0000`,
		])();
	}

	/** The value after `t=`: a plain timestamp mostly, and every shape parseInt reads oddly. */
	timestampValue(timestamp: number): string {
		return this.pick([
			() => String(timestamp),
			() => String(timestamp),
			() => String(timestamp),
			() => `0${timestamp}`,
			() => `${timestamp}.9`,
			() => `${timestamp}abc`,
			() => ` ${timestamp}`,
			() => `${timestamp}=1`,
			() => '',
			() => 'abc',
			() => '-1',
			() => '0',
			() => '99999999999999999999999',
			() => String(-timestamp),
		])();
	}
}

/** The number Stripe makes of the header's last `t=` entry, or undefined when there is none. */
function effectiveTimestamp(entries: string[]): number | undefined {
	let timestamp: number | undefined;
	for (const entry of entries) {
		const [key, value] = entry.split('=');
		if (key === 't') timestamp = parseInt(value, 10);
	}
	return timestamp;
}

/** A v1 signature as Stripe makes it; generateTestHeaderString cannot express a timestamp of 0 or NaN. */
function signatureOver(text: string | Buffer, secret: string, timestamp: number): string {
	if (typeof text === 'string' && Number.isFinite(timestamp) && timestamp !== 0) {
		const header = Stripe.webhooks.generateTestHeaderString({ payload: text, secret, timestamp });
		return header.slice(header.indexOf(',v1=') + 4);
	}
	return createHmac('sha256', secret).update(`${timestamp}.`).update(text).digest('hex');
}

interface Delivery {
	payload: string | Buffer;
	header: string;
	tolerance: number;
	receivedAtMs: number | undefined;
}

/**
 * One delivery, signed with `signers[0]` (or another of them), then perhaps
 * damaged in any of the ways a header or body can be.
 */
function generateDelivery(g: Generator, signers: string[]): Delivery {
	// A third of the deliveries are what Stripe sends; the rest are damaged in one or more ways.
	const clean = g.chance(0.35);
	const text = clean ? JSON.stringify({ id: `evt_${g.hex(24)}`, name: g.unicode(16) }) : g.text();
	const payload = clean ? g.pick([text, Buffer.from(text, 'utf8')]) : g.payload(text);
	const tolerance = clean ? 300 : g.pick([300, 300, 300, 1, 600, 86_400, 0, -5]);
	const useClock = g.chance(0.1);
	const now = useClock ? Math.floor(Date.now() / 1000) : 1_764_000_000 + g.int(1_000_000);
	const receivedAtMs = useClock ? undefined : now * 1000 + g.int(1000);
	// On the clock a second may pass between the two checks: no ages within seconds of the tolerance there.
	const age = useClock
		? g.pick([0, 30, -30, 200, 900, 5_000])
		: clean
			? g.pick([0, 30, -30, 200, 299, 300, 301, 900])
			: g.pick([0, tolerance - 1, tolerance, tolerance + 1, -1_000, g.int(2 * Math.abs(tolerance) + 2), 10_000_000, -10_000_000]);
	const timestamp = now - age;

	const entries: string[] = [];
	const tCount = clean ? 1 : g.pick([1, 1, 1, 1, 0, 2, 3]);
	for (let i = 0; i < tCount; i++) {
		const key = clean || g.chance(0.9) ? 't' : g.pick([' t', 'T', 't ']);
		const value = clean ? String(timestamp) : g.timestampValue(i === 0 ? timestamp : timestamp + g.int(3) - 1);
		entries.push(`${key}=${value}`);
	}
	const signedTimestamp = effectiveTimestamp(entries) ?? timestamp;
	// What the sender signed: usually the payload's text as Stripe decodes it, sometimes its raw bytes.
	const signedText =
		typeof payload === 'string' ? payload : clean || g.chance(0.8) ? decodeRawBody(payload) : payload;
	const signer = clean || g.chance(0.85) ? signers[0] : g.pick(signers);
	const good = signatureOver(signedText, signer, signedTimestamp);
	if (clean) {
		entries.push(`v1=${good}`);
		if (g.chance(0.3)) entries.push(`v1=${signatureOver(signedText, g.pick(signers), signedTimestamp)}`);
		if (g.chance(0.3)) entries.push(`v0=${g.hex(64)}`);
		return { payload, header: g.shuffle(entries).join(','), tolerance, receivedAtMs };
	}

	const v1Count = g.pick([1, 1, 1, 2, 3, 0, 4]);
	for (let i = 0; i < v1Count; i++) {
		const value = g.pick([
			() => good,
			() => good,
			() => good,
			() => signatureOver(signedText, 'whsec_someone_else', signedTimestamp),
			() => signatureOver(g.tamper(text), signer, signedTimestamp),
			() => signatureOver(signedText, signer, signedTimestamp + 1),
			() => good.toUpperCase(),
			() => good.slice(0, 63),
			() => `${good}0`,
			() => `${good}=${g.hex(4)}`,
			() => g.hex(64),
			() => '',
			() => `${good.slice(0, 60)}é${good.slice(61)}`,
			() => 'é'.repeat(64),
			() => `${good.slice(0, 63)}\ud800`,
		])();
		const key = g.chance(0.9) ? 'v1' : g.pick([' v1', 'v1 ', 'V1', 'v2']);
		entries.push(g.chance(0.03) ? key : `${key}=${value}`);
	}
	for (let i = g.pick([0, 0, 1, 2]); i > 0; i--) entries.push(`v0=${g.chance(0.5) ? good : g.hex(64)}`);
	for (let i = g.pick([0, 0, 0, 1]); i > 0; i--) entries.push(g.pick(['', '=', 'foo=bar', 'v1', 't']));

	const separator = g.chance(0.9) ? ',' : g.pick([', ', ' ,', ';']);
	let header = g.shuffle(entries).join(separator);
	if (g.chance(0.03)) header = g.pick(['', ' ', 'garbage', `t=${timestamp}`, `v1=${good}`]);
	if (g.chance(0.05)) header = ` ${header}\t`;
	return { payload, header, tolerance, receivedAtMs };
}

function describeCase(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer'
			? `<Buffer ${Buffer.from((v as { data: number[] }).data).toString('hex')}>`
			: v,
	);
}

type Tally = Map<string, number>;

function count(tally: Tally, verdict: SignatureCheck): void {
	const key = verdict.valid ? 'valid' : verdict.reason;
	tally.set(key, (tally.get(key) ?? 0) + 1);
}

/** The generated cases reach every verdict, each at least as often as asked. */
function expectEveryVerdict(tally: Tally, minimums: Record<'valid' | SignatureFailure, number>): void {
	expect([...tally.keys()].sort()).toEqual(Object.keys(minimums).sort());
	const tooRare = Object.entries(minimums)
		.filter(([verdict, minimum]) => (tally.get(verdict) ?? 0) < minimum)
		.map(([verdict, minimum]) => `${verdict}: ${tally.get(verdict)} of at least ${minimum}`);
	expect(tooRare).toEqual([]);
}

// ---------------------------------------------------------------------------

describe(`the signature check agrees with the stripe package (seed ${SEED}, VERIFY_SEED to replay another)`, () => {
	it(`one secret, ${CASES_PER_SECRET} generated deliveries: checkStripeSignature and stripe's verifyHeader give the same verdict`, () => {
		const g = new Generator(SEED);
		const tally: Tally = new Map();
		const disagreements: string[] = [];
		for (let n = 0; n < CASES_PER_SECRET; n++) {
			const secret = g.secret();
			const { payload, header, tolerance, receivedAtMs } = generateDelivery(g, [secret, g.secret()]);
			const expected = stripeVerdict(payload, header, secret, tolerance, receivedAtMs);
			const actual = checkStripeSignature(payload, header, secret, tolerance, receivedAtMs);
			count(tally, expected);
			if (JSON.stringify(actual) !== JSON.stringify(expected) && disagreements.length < 5) {
				disagreements.push(
					`case ${n}: stripe ${describeCase(expected)}, ours ${describeCase(actual)} for ` +
						describeCase({ payload, header, secret, tolerance, receivedAtMs }),
				);
			}
		}
		expect(disagreements).toEqual([]);
		// The cases reach every verdict, accepting often enough to prove the accepting path too.
		expectEveryVerdict(tally, {
			valid: CASES_PER_SECRET * 0.15,
			'signature does not match': CASES_PER_SECRET * 0.05,
			'signature expired': CASES_PER_SECRET * 0.02,
			'malformed signature header': CASES_PER_SECRET * 0.05,
			'missing signature': 10,
			'empty body': 10,
			'no signing secret configured': 10,
		});
	});

	it(`current and previous secret, ${CASES_WITH_TWO_SECRETS} generated deliveries: verifyStripeSignature gives the stripe-based verdict`, () => {
		const g = new Generator(SEED + 1);
		const tally: Tally = new Map();
		const disagreements: string[] = [];
		const maybeSecret = (): unknown => (g.chance(0.75) ? g.secret() : g.pick([undefined, 42, null]));
		for (let n = 0; n < CASES_WITH_TWO_SECRETS; n++) {
			const secrets: SigningSecrets = { signingSecret: maybeSecret(), previousSigningSecret: maybeSecret() };
			const signers = [secrets.signingSecret, secrets.previousSigningSecret, 'whsec_attacker']
				.filter((secret): secret is string => typeof secret === 'string')
				.map((secret) => (g.chance(0.5) ? secret.trim() : secret));
			const delivery = generateDelivery(g, g.shuffle(signers));
			// The trigger hands the verifier the body as decodeRawBody made it.
			const body = typeof delivery.payload === 'string' ? delivery.payload : decodeRawBody(delivery.payload);
			const header = g.chance(0.9)
				? delivery.header
				: g.pick<string[] | undefined>([undefined, [delivery.header, delivery.header]]);
			const expected = oracleWithSecrets(body, header, secrets, delivery.tolerance, delivery.receivedAtMs);
			const actual = verifyStripeSignature(body, header, secrets, delivery.tolerance, delivery.receivedAtMs);
			count(tally, expected);
			if (JSON.stringify(actual) !== JSON.stringify(expected) && disagreements.length < 5) {
				disagreements.push(
					`case ${n}: stripe ${describeCase(expected)}, ours ${describeCase(actual)} for ` +
						describeCase({ body, header, secrets, tolerance: delivery.tolerance, receivedAtMs: delivery.receivedAtMs }),
				);
			}
		}
		expect(disagreements).toEqual([]);
		expectEveryVerdict(tally, {
			valid: CASES_WITH_TWO_SECRETS * 0.1,
			'signature does not match': CASES_WITH_TWO_SECRETS * 0.05,
			'signature expired': 10,
			'malformed signature header': CASES_WITH_TWO_SECRETS * 0.05,
			'missing signature': 10,
			'empty body': 10,
			'no signing secret configured': CASES_WITH_TWO_SECRETS * 0.05,
		});
	});
});
