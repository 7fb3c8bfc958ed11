/**
 * Loops' per-team limit as a sliding one-second window: at most `limit`
 * accepted requests in any 1000 ms. Rejected requests do not count.
 */
export class SlidingWindowLimiter {
	private readonly accepted: number[] = [];

	constructor(
		public limit: number,
		private readonly now: () => number = Date.now,
	) {}

	/** Takes a slot if there is one. `remaining` is what is left after this request. */
	take(): { allowed: boolean; remaining: number } {
		const now = this.now();
		while (this.accepted.length > 0 && now - this.accepted[0] >= 1000) this.accepted.shift();
		if (this.accepted.length >= this.limit) return { allowed: false, remaining: 0 };
		this.accepted.push(now);
		return { allowed: true, remaining: this.limit - this.accepted.length };
	}

	reset(): void {
		this.accepted.length = 0;
	}
}
