/**
 * Fault injection with a seeded generator, so a failing run can be replayed.
 * A 500 or a reset strikes before or after the change is applied (as on a
 * real network, where an answer can be lost after the write): that is what
 * makes idempotency keys matter.
 */
export interface FaultOptions {
	/** Share of API requests answered 429 regardless of the limit (0..1). */
	rate429?: number;
	/** Share answered 500. */
	rate500?: number;
	/** Share whose connection is reset without an answer. */
	rateReset?: number;
	/** Share answered only after `slowMs`. */
	slowRate?: number;
	slowMs?: number;
}

export type Fault =
	| { kind: 'none' }
	| { kind: 'status429' }
	| { kind: 'status500'; afterApply: boolean }
	| { kind: 'reset'; afterApply: boolean };

/** mulberry32: small, fast, good enough for test schedules. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FaultInjector {
	private options: Required<FaultOptions>;

	constructor(
		options: FaultOptions = {},
		private readonly random: () => number = Math.random,
	) {
		this.options = FaultInjector.normalize(options);
	}

	set(options: FaultOptions): void {
		this.options = FaultInjector.normalize(options);
	}

	get current(): Required<FaultOptions> {
		return { ...this.options };
	}

	/** One draw per request: which fault, if any. */
	pick(): Fault {
		const { rate429, rate500, rateReset } = this.options;
		const roll = this.random();
		if (roll < rate429) return { kind: 'status429' };
		if (roll < rate429 + rate500) return { kind: 'status500', afterApply: this.random() < 0.5 };
		if (roll < rate429 + rate500 + rateReset) return { kind: 'reset', afterApply: this.random() < 0.5 };
		return { kind: 'none' };
	}

	/** How long to hold this answer back. */
	delayMs(): number {
		return this.options.slowRate > 0 && this.random() < this.options.slowRate ? this.options.slowMs : 0;
	}

	private static normalize(options: FaultOptions): Required<FaultOptions> {
		const rate = (name: keyof FaultOptions, value: number | undefined) => {
			const v = value ?? 0;
			if (!(v >= 0 && v <= 1)) throw new RangeError(`faults.${name} must be between 0 and 1, got ${v}`);
			return v;
		};
		const normalized = {
			rate429: rate('rate429', options.rate429),
			rate500: rate('rate500', options.rate500),
			rateReset: rate('rateReset', options.rateReset),
			slowRate: rate('slowRate', options.slowRate),
			slowMs: options.slowMs ?? 200,
		};
		if (normalized.rate429 + normalized.rate500 + normalized.rateReset > 1) {
			throw new RangeError('faults.rate429 + rate500 + rateReset must not exceed 1');
		}
		return normalized;
	}
}
