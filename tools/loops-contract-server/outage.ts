/**
 * A scheduled Loops outage: from `startsInMs` after it is set, for `durationMs`,
 * every API request is answered 503 for the first part of the outage and has
 * its connection reset for the rest (Loops' load balancer answering while the
 * app is down, then the host gone).
 */
export interface OutageSchedule {
	startsInMs: number;
	durationMs: number;
	/** Part of the outage answered 503 before connections are reset. Default 0.5. */
	answeredShare?: number;
}

export type OutagePhase = 'none' | 'status503' | 'reset';

export class Outage {
	private window: { from: number; resetFrom: number; until: number } | undefined;

	constructor(private readonly now: () => number = Date.now) {}

	/** Replaces any earlier schedule; undefined cancels it. */
	schedule(outage: OutageSchedule | undefined): void {
		if (outage === undefined) {
			this.window = undefined;
			return;
		}
		if (!(outage.startsInMs >= 0 && outage.durationMs > 0)) {
			throw new RangeError('an outage needs startsInMs ≥ 0 and durationMs > 0');
		}
		const share = outage.answeredShare ?? 0.5;
		if (!(share >= 0 && share <= 1)) throw new RangeError('answeredShare must be between 0 and 1');
		const from = this.now() + outage.startsInMs;
		this.window = { from, resetFrom: from + share * outage.durationMs, until: from + outage.durationMs };
	}

	get scheduled(): { from: string; until: string } | undefined {
		return this.window && { from: new Date(this.window.from).toISOString(), until: new Date(this.window.until).toISOString() };
	}

	phase(): OutagePhase {
		const now = this.now();
		if (!this.window || now < this.window.from || now >= this.window.until) return 'none';
		return now < this.window.resetFrom ? 'status503' : 'reset';
	}
}
