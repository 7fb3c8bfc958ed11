/**
 * Simulated time for pacer tests: sleep() registers a timer, run() fires them
 * in time order once every pending promise has settled. Deterministic and
 * instant, so tests can compare durations without measuring the machine.
 */
import type { PacerClock } from '../../nodes/Loops/pacer';

interface Timer {
	at: number;
	seq: number;
	fire(): void;
}

export class VirtualClock implements PacerClock {
	private time = 0;
	private seq = 0;
	private timers: Timer[] = [];

	now = (): number => this.time;

	sleep = async (ms: number, signal?: AbortSignal): Promise<void> =>
		await new Promise<void>((resolve, reject) => {
			if (signal?.aborted) return reject(new Error('aborted'));
			const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fire: resolve };
			this.timers.push(timer);
			signal?.addEventListener(
				'abort',
				() => {
					this.timers = this.timers.filter((t) => t !== timer);
					reject(new Error('aborted'));
				},
				{ once: true },
			);
		});

	/** Fires timers in order until `done` settles (or nothing is left to fire). */
	async run<T>(done: Promise<T>, { maxMs = 3_600_000 } = {}): Promise<T> {
		let finished = false;
		void done.then(
			() => (finished = true),
			() => (finished = true),
		);
		for (;;) {
			await settle();
			if (finished || this.timers.length === 0 || this.time > maxMs) break;
			this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.timers.shift() as Timer;
			this.time = Math.max(this.time, next.at);
			next.fire();
		}
		return await done;
	}
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
	for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
