/**
 * Runs one task per input item with bounded concurrency, so paced requests
 * keep flowing while earlier ones wait for their answers. Items that share an
 * ordering key (the contact's email) run one after another, in input order:
 * an upsert never overtakes an earlier one for the same person. Results come
 * back in input order.
 */
export interface RunItemsOptions<T> {
	count: number;
	concurrency: number;
	/** Items with the same key never overlap and keep input order; undefined = no constraint. */
	keyOf: (index: number) => string | undefined;
	run: (index: number) => Promise<T>;
	/** Turns a failure into a result (continueOnFail); rethrows when it should stop the run. */
	onError: (error: Error, index: number) => T;
}

export async function runItems<T>(options: RunItemsOptions<T>): Promise<T[]> {
	const { count, run, onError } = options;
	const results = new Array<T>(count);
	const lastOfKey = new Map<string, Promise<void>>();
	const slots = new Semaphore(Math.max(1, Math.floor(options.concurrency)));
	let stopped: { error: Error } | undefined;

	const tasks: Array<Promise<void>> = [];
	for (let index = 0; index < count; index++) {
		const key = safeKey(options.keyOf, index);
		const previous = key === undefined ? undefined : lastOfKey.get(key);
		const task = (async () => {
			if (previous) await previous;
			await slots.acquire();
			try {
				if (stopped) return;
				results[index] = await run(index);
			} catch (error) {
				try {
					results[index] = onError(error as Error, index);
				} catch (fatal) {
					stopped ??= { error: fatal as Error };
				}
			} finally {
				slots.release();
			}
		})();
		if (key !== undefined) lastOfKey.set(key, task);
		tasks.push(task);
	}
	// Let requests already in flight finish before reporting, so nothing runs after the node returns.
	await Promise.all(tasks);
	if (stopped) throw stopped.error;
	return results;
}

function safeKey(keyOf: (index: number) => string | undefined, index: number): string | undefined {
	try {
		return keyOf(index);
	} catch {
		// The operation itself reports a bad parameter when the item runs.
		return undefined;
	}
}

class Semaphore {
	private readonly waiting: Array<() => void> = [];

	constructor(private available: number) {}

	async acquire(): Promise<void> {
		if (this.available > 0) {
			this.available--;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.available++;
	}
}
