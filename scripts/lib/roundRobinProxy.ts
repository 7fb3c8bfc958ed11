/**
 * A round-robin HTTP load balancer on loopback, the part a queue-mode deployment puts in front of its
 * webhook processors (nginx, a cloud load balancer): each request goes to the next upstream in turn,
 * status, headers and body passed through unchanged. Counts what each upstream got.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
	/** e.g. http://127.0.0.1:41234 — use it where a webhook processor's base URL would go. */
	baseUrl: string;
	/** Requests forwarded to each upstream, in upstream order. */
	forwarded(): number[];
	close(): Promise<void>;
}

export async function startRoundRobinProxy(upstreamBaseUrls: string[]): Promise<RoundRobinProxy> {
	if (upstreamBaseUrls.length === 0) throw new Error('startRoundRobinProxy needs at least one upstream');
	const upstreams = upstreamBaseUrls.map((url) => new URL(url));
	const counts = upstreams.map(() => 0);
	let next = 0;

	const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
		const index = next++ % upstreams.length;
		counts[index]++;
		const upstream = upstreams[index];
		const proxied = request(
			{
				host: upstream.hostname,
				port: upstream.port,
				method: incoming.method,
				path: incoming.url,
				headers: { ...incoming.headers, host: upstream.host },
			},
			(answer) => {
				outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(outgoing);
			},
		);
		// The upstream is gone (a crashed process): close the client's connection, as a balancer's
		// dropped connection looks to Stripe.
		proxied.on('error', () => outgoing.destroy());
		incoming.on('aborted', () => proxied.destroy());
		incoming.pipe(proxied);
	};

	const server = createServer(forward);
	server.keepAliveTimeout = 5_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		forwarded: () => [...counts],
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
