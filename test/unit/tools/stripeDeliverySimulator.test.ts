import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

import { simulateStripeDeliveries, type SimulatedEvent } from '../../../tools/stripe-delivery-simulator';

const SECRET = 'whsec_simulator_test';

/** An endpoint that verifies every attempt and answers with what `decide` says for it. */
async function endpoint(decide: (eventId: string, attempt: number) => number | 'hang' | 'reset') {
	const seen: Array<{ eventId: string; timestamp: string }> = [];
	const attempts = new Map<string, number>();
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const header = String(req.headers['stripe-signature']);
			const event = Stripe.webhooks.constructEvent(body, header, SECRET); // throws on a bad signature
			seen.push({ eventId: event.id, timestamp: /t=(\d+)/.exec(header)?.[1] ?? '' });
			const n = (attempts.get(event.id) ?? 0) + 1;
			attempts.set(event.id, n);
			const answer = decide(event.id, n);
			if (answer === 'reset') req.socket.resetAndDestroy();
			else if (answer !== 'hang') res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	return { url, seen, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const events = (n: number): SimulatedEvent[] =>
	Array.from({ length: n }, (_, i) => ({ id: `evt_${i}`, body: JSON.stringify({ id: `evt_${i}`, object: 'event', type: 'invoice.paid' }) }));

describe('Stripe delivery simulator', () => {
	it('redelivers any non-2xx, timeout or connection error on its schedule until a 2xx, signing each attempt', async () => {
		const target = await endpoint((id, attempt) => {
			if (id === 'evt_0' && attempt === 1) return 500;
			if (id === 'evt_1' && attempt === 1) return 'hang';
			if (id === 'evt_2' && attempt <= 2) return 'reset';
			return 200;
		});
		try {
			const report = await simulateStripeDeliveries({
				url: target.url,
				secret: SECRET,
				events: events(5),
				concurrency: 2,
				attemptTimeoutMs: 300,
				retryScheduleMs: [50, 50, 50],
			});
			expect(report.acked).toBe(5);
			expect(report.gaveUp).toBe(0);
			expect(report.results).toMatchObject({ '200': 5, '500': 1, timeout: 1 });
			expect(Object.entries(report.results).filter(([k]) => k.startsWith('error')).map(([, n]) => n)).toEqual([2]);
			expect(report.attempts).toBe(9);
			expect(report.ackLatenciesMs).toHaveLength(5);
		} finally {
			await target.close();
		}
	});

	it('gives up after the schedule and reports it', async () => {
		const target = await endpoint(() => 503);
		try {
			const report = await simulateStripeDeliveries({ url: target.url, secret: SECRET, events: events(1), retryScheduleMs: [10, 10] });
			expect(report).toMatchObject({ acked: 0, gaveUp: 1, attempts: 3, pending: 0 });
		} finally {
			await target.close();
		}
	});

	it('delivers some events twice and some out of order, the same way for the same seed', async () => {
		const target = await endpoint(() => 200);
		try {
			const run = () =>
				simulateStripeDeliveries({ url: target.url, secret: SECRET, events: events(200), concurrency: 1, duplicateShare: 0.1, outOfOrderShare: 0.1, seed: 3 });
			const first = await run();
			const order = first.deliveryLog.map((d) => d.eventId);
			expect(first.deliveryLog.filter((d) => d.duplicate).length).toBeGreaterThan(5);
			expect(new Set(order).size).toBe(200);
			const firstDeliveries = first.deliveryLog.filter((d) => !d.duplicate).map((d) => d.eventId);
			expect(firstDeliveries).not.toEqual(events(200).map((e) => e.id));
			expect([...firstDeliveries].sort()).toEqual(events(200).map((e) => e.id).sort());
			expect((await run()).deliveryLog.map((d) => d.eventId)).toEqual(order);
		} finally {
			await target.close();
		}
	});
});
