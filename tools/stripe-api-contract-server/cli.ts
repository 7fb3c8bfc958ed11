/**
 * Runs the Stripe API contract server on its own:
 *   tsx tools/stripe-api-contract-server/cli.ts --port 12111 [--rate 25] [--seed 1]
 *     [--rate429 0.05] [--rate500 0.05] [--rate-reset 0.02] [--slow-rate 0.1] [--slow-ms 300]
 * Keys: DEFAULT_KEYS (sk_test_contract may do everything; rk_test_contract the
 * lookups and webhook endpoints; rk_test_lookups only the lookups).
 * Prints its base URL, then one line per request.
 */
import { DEFAULT_KEYS, startStripeApiContractServer } from './index';

async function main() {
	const argv = process.argv.slice(2);
	const args = new Map<string, string>();
	const known = ['port', 'host', 'rate', 'seed', 'rate429', 'rate500', 'rate-reset', 'slow-rate', 'slow-ms'];
	for (let i = 0; i < argv.length; i += 2) {
		const name = argv[i].replace(/^--/, '');
		if (!argv[i].startsWith('--') || !known.includes(name)) throw new Error(`Unknown flag ${argv[i]}`);
		if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
		args.set(name, argv[i + 1]);
	}
	const num = (name: string) => {
		const value = args.get(name);
		if (value === undefined) return undefined;
		const n = Number(value);
		if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${value}"`);
		return n;
	};
	const server = await startStripeApiContractServer({
		port: num('port') ?? 12111,
		host: args.get('host'),
		rateLimitPerSecond: num('rate'),
		seed: num('seed'),
		faults: {
			rate429: num('rate429'),
			rate500: num('rate500'),
			rateReset: num('rate-reset'),
			slowRate: num('slow-rate'),
			slowMs: num('slow-ms'),
		},
		log: (line) => console.log(line),
	});
	console.log(`Stripe API contract server listening: ${server.url}`);
	console.log(`Keys: ${Object.keys(DEFAULT_KEYS).join(', ')}`);
	console.log(`State: ${server.url}/_contract/state`);
	const stop = () => void server.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
