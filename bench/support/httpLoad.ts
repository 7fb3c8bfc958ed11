/** Fixed-concurrency POST load over keep-alive connections, with latencies and unexpected answers recorded. */
import { Agent, request } from 'node:http';

export interface Delivery {
	path: string;
	body: string;
	headers: Record<string, string>;
	expectedStatus: number;
}

export interface LoadRecord {
	latenciesMs: number[];
	elapsedMs: number;
	unexpected: Map<string, number>;
}

export function newLoadRecord(): LoadRecord {
	return { latenciesMs: [], elapsedMs: 0, unexpected: new Map() };
}

/**
 * Keeps `concurrency` POSTs in flight until `durationMs` has passed, then waits for the last ones.
 * Requests go to `baseUrls` in turn (one n8n, or several webhook processors). Records latencies and
 * unexpected answers into `record` (when given) and returns the elapsed time.
 */
export async function fire(
	baseUrls: string[],
	agent: Agent,
	delivery: Delivery,
	durationMs: number,
	concurrency: number,
	record?: LoadRecord,
): Promise<number> {
	const ports = baseUrls.map((url) => new URL(url).port);
	const headers = { ...delivery.headers, 'content-length': String(Buffer.byteLength(delivery.body)) };
	let next = 0;
	const one = () =>
		new Promise<void>((resolve, reject) => {
			const port = ports[next++ % ports.length];
			const started = process.hrtime.bigint();
			const req = request({ host: '127.0.0.1', port, path: delivery.path, method: 'POST', headers, agent }, (res) => {
				res.resume();
				res.on('end', () => {
					if (record) {
						record.latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
						if (res.statusCode !== delivery.expectedStatus) {
							const key = String(res.statusCode);
							record.unexpected.set(key, (record.unexpected.get(key) ?? 0) + 1);
						}
					}
					resolve();
				});
			});
			req.on('error', reject);
			req.end(delivery.body);
		});
	const started = Date.now();
	const deadline = started + durationMs;
	const worker = async () => {
		while (Date.now() < deadline) await one();
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return Date.now() - started;
}

/** The p-th percentile (nearest rank) of ascending-sorted values. */
export function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function summarize(record: LoadRecord): { rps: number; p50: number; p99: number } {
	const sorted = [...record.latenciesMs].sort((x, y) => x - y);
	return {
		rps: (record.latenciesMs.length / record.elapsedMs) * 1000,
		p50: percentile(sorted, 50),
		p99: percentile(sorted, 99),
	};
}

export function describeUnexpected(record: LoadRecord): string {
	return [...record.unexpected].map(([status, count]) => `${count}× ${status}`).join(', ') || 'none';
}
