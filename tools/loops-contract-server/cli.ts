/**
 * Runs the Loops contract server on its own:
 *   tsx tools/loops-contract-server/cli.ts --port 5679 --key test_key [--rate 10] [--seed 1]
 *     [--rate429 0.05] [--rate500 0.05] [--rate-reset 0.02] [--slow-rate 0.1] [--slow-ms 300]
 *     [--outage-in 30 --outage-for 60]   (seconds from start: 503s, then connection resets)
 * Prints its base URL, then one line per request.
 */
import { startLoopsContractServer } from './index';

function parseArgs(argv: string[]): Map<string, string[]> {
	const args = new Map<string, string[]>();
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (!flag.startsWith('--')) throw new Error(`Unexpected argument "${flag}"`);
		const value = argv[i + 1];
		if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
		args.set(flag.slice(2), [...(args.get(flag.slice(2)) ?? []), value]);
		i++;
	}
	return args;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const known = ['port', 'host', 'key', 'team', 'rate', 'seed', 'rate429', 'rate500', 'rate-reset', 'slow-rate', 'slow-ms', 'outage-in', 'outage-for'];
	for (const name of args.keys()) if (!known.includes(name)) throw new Error(`Unknown flag --${name}`);
	const one = (name: string) => args.get(name)?.at(-1);
	const num = (name: string) => {
		const value = one(name);
		if (value === undefined) return undefined;
		const n = Number(value);
		if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${value}"`);
		return n;
	};
	const server = await startLoopsContractServer({
		port: num('port') ?? 5679,
		host: one('host'),
		apiKeys: args.get('key') ?? ['test_key'],
		teamName: one('team'),
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
	const outageFor = num('outage-for');
	if (outageFor !== undefined) server.scheduleOutage({ startsInMs: (num('outage-in') ?? 0) * 1000, durationMs: outageFor * 1000 });
	console.log(`Loops contract server listening: ${server.url}`);
	console.log(`State: ${server.url.replace(/\/api\/v1$/, '')}/_contract/state`);
	const stop = () => void server.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
